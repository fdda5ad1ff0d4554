/**
 * The hypothesis-file reader on mutants of the example files, on YAML made of hostile pieces
 * (anchors, aliases, tags, merge keys, prototype keys), and on random claims written out as YAML
 * with aliases and as JSON. Claims, or one UserError naming the file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { stringify } from 'yaml';
import { parseHypotheses } from '../../probes/hypotheses/fileFormat.ts';
import { CLAIM_KINDS } from '../../probes/hypotheses/claims.ts';
import { fuzzParams, fuzzTimeout, returnsOrUserError } from './budget.ts';
import { PROTOTYPE_KEYS, textMutant, tokenMutant } from './mutate.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'hypotheses');
const EXAMPLES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(DIR, f), 'utf8'));

const FILE = '/fuzz/h.yaml';
const read = (text: string) => () => parseHypotheses(text, FILE);
const NAMED = /^\/fuzz\/h\.yaml(:\d+:\d+)?: /;

const KEYS = [
  ...CLAIM_KINDS,
  'name',
  'implements',
  'match',
  'threshold',
  'output',
  'mode',
  'tracks',
  'above',
  'at',
  'directions',
  'fit',
  'outputs',
  'minLen',
  'maxLen',
];
const YAML_PIECES = [
  ...[
    '&a ',
    '*a',
    '&b ',
    '*b',
    '*nope',
    '<<: ',
    '<<: *a',
    '!!set ',
    '!!binary ',
    '!!str ',
    '!foo ',
    '!!js/function ',
    '? ',
    '%YAML 1.1\n---\n',
    '---\n',
    '...\n',
  ],
  ...['{', '}', '[', ']', ', ', ': ', '- ', '\n', '\n  ', '\n    - ', '"', "'", '|\n  ', '>\n  ', '# ', '~', 'null', '.nan', '.inf', '1e400', '0x1F'],
  ...PROTOTYPE_KEYS.map((k) => `${k}: `),
  ...KEYS.map((k) => `${k}: `),
];

/** Claims as data: known and prototype keys, values of every kind, and shared objects, which YAML writes as anchors and aliases. */
const value = fc.oneof(
  fc.constantFrom('1.0', 'mlp0.n3', 'flip', 'select(tokens, tokens, True)', 'reverse', 'follow', '17-19', '', ...PROTOTYPE_KEYS),
  fc.integer({ min: -2, max: 40 }),
  fc.double({ noDefaultInfinity: false }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom('1.0', 'attn1')), { maxLength: 4 }),
);
const claim = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS, ...PROTOTYPE_KEYS), fc.string({ maxLength: 6 })), value, { maxKeys: 5 });
const claimsData = fc
  .tuple(fc.array(claim, { minLength: 0, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 3 }), fc.constantFrom('list', 'mapping', 'odd'))
  .map(([claims, repeats, top]) => {
    // Repeating an object by reference makes stringify write an anchor and aliases to it.
    const list: unknown[] = [...claims];
    for (const r of repeats) if (claims.length) list.push(claims[r % claims.length]);
    return top === 'list'
      ? list
      : top === 'mapping'
        ? { program: 'reverse', claims: list }
        : { claims: { claims: list }, [PROTOTYPE_KEYS[repeats.length]]: list };
  });

describe('fuzz: hypothesis files', () => {
  it(
    'character mutants of the example files read, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(textMutant(EXAMPLES), (text) => returnsOrUserError(read(text), NAMED)),
        fuzzParams(1500, 5),
      ),
    fuzzTimeout(5),
  );

  it(
    'the example files with hostile YAML pieces put in read, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(tokenMutant(EXAMPLES, YAML_PIECES, 6), (text) => returnsOrUserError(read(text), NAMED)),
        fuzzParams(1500, 5),
      ),
    fuzzTimeout(5),
  );

  it(
    'random claims written as YAML (with aliases) and as JSON read, or fail with one UserError naming the file',
    () =>
      fc.assert(
        fc.property(claimsData, fc.boolean(), (data, asJson) => {
          const text = asJson ? JSON.stringify(data) : stringify(data);
          returnsOrUserError(read(text), NAMED);
        }),
        fuzzParams(1500, 5),
      ),
    fuzzTimeout(5),
  );
});
