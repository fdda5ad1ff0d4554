/**
 * The model-file reader (safetensors, then the config, labels and training metadata it carries)
 * on mutants of a fixture model: its bytes edited, its header edited, cut short or extended. A
 * model, or one UserError naming the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { deserializeModel, META_CONFIG, META_LABELS } from '../../src/model/modelFile.ts';
import { fuzzParams, fuzzTimeout, returnsOrUserError } from './budget.ts';
import { bytesMutant, jsonMutant, textMutant, type Json } from './mutate.ts';

const FIXTURE = Uint8Array.from(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.compiled.safetensors')));
const HEADER_LEN = Number(new DataView(FIXTURE.buffer).getBigUint64(0, true));
const HEADER = new TextDecoder().decode(FIXTURE.subarray(8, 8 + HEADER_LEN));
const DATA = FIXTURE.subarray(8 + HEADER_LEN);

/** A file with this header text, its length field correct, and the fixture's data. */
function withHeader(text: string): Uint8Array {
  const hb = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + hb.length + DATA.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(DATA, 8 + hb.length);
  return out;
}

const METADATA = (JSON.parse(HEADER) as { __metadata__: Record<string, string> }).__metadata__;

/** The fixture with one metadata entry's JSON replaced. */
function withMetadata(key: string, value: Json): Uint8Array {
  const header = JSON.parse(HEADER) as Record<string, unknown>;
  return withHeader(JSON.stringify({ ...header, __metadata__: { ...METADATA, [key]: JSON.stringify(value) } }));
}

const read = (bytes: Uint8Array) => () => deserializeModel(bytes, 'm.safetensors');
const NAMED = /^m\.safetensors: /;

describe('fuzz: model files', () => {
  it(
    'byte mutants, truncations and extensions load, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(bytesMutant(FIXTURE, [0, 8 + HEADER_LEN]), (bytes) => returnsOrUserError(read(bytes), NAMED)),
        fuzzParams(400, 6),
      ),
    fuzzTimeout(6),
  );

  it(
    'header text mutants (the length field kept right) load, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(textMutant([HEADER]), (text) => returnsOrUserError(read(withHeader(text)), NAMED)),
        fuzzParams(400, 6),
      ),
    fuzzTimeout(6),
  );

  it(
    'header JSON mutants read, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(jsonMutant(JSON.parse(HEADER) as Json, 2), (h) => returnsOrUserError(read(withHeader(JSON.stringify(h))), NAMED)),
        fuzzParams(300, 4),
      ),
    fuzzTimeout(4),
  );

  it.each([
    [META_CONFIG, () => false],
    [META_LABELS, () => false],
  ])(
    'metadata %s JSON mutants read, or fail with one UserError naming the file',
    (key, spare) => {
      const base = JSON.parse(METADATA[key]) as Json;
      fc.assert(
        fc.property(jsonMutant(base, 3, spare), (v) => returnsOrUserError(read(withMetadata(key, v)), NAMED)),
        fuzzParams(500, 4),
      );
    },
    fuzzTimeout(4),
  );
});
