/** compile refuses, naming the construct, a program whose model no command could read back. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { MAX_STORED_STRING } from '../../compiler/storable.ts';
import { deserializeModel, serializeModel } from '../../src/model/modelFile.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { userError } from '../support/userError.ts';

const task = { vocab: ['a', 'b'], maxLen: 3 };
const program = (body: string) => parseProgram(`${body}\n`, { file: 'p.rasp' });

describe('models no command could read are not compiled', () => {
  it.each(['out = indices / 0;', 'out = numerical(indices / 0);'])('%s: an output with no value on any input', (body) => {
    expect(userError(() => compile(program(body), task))).toMatch(
      /^p\.rasp:1:\d+: cannot compile 'out' = .*indices \/ 0.* as the output: it has no value on any input of lengths 1–3 over \{a, b\}/,
    );
  });

  it('a string value longer than a model file can store', () => {
    const body = `out = "${'x'.repeat(MAX_STORED_STRING + 1)}" if tokens == "a" else "b";`;
    expect(userError(() => compile(program(body), task))).toMatch(
      /^p\.rasp:1:7: cannot compile 'out' = "x{60,}\.\.\.: it can hold a string of 1,000,001 characters \(at most 1,000,000: /,
    );
  });

  it('a long string that fits compiles and reads back', () => {
    const long = 'x'.repeat(10_000);
    const { model } = compile(program(`out = "${long}" if tokens == "a" else "b";`), task);
    expect(deserializeModel(serializeModel(model), 'm').config.output).toEqual({ encoding: 'categorical', values: ['b', long] });
  });
});
