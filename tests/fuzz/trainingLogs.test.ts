/**
 * The training-log reader (the `.train.jsonl` beside a learned model, drawn by `rasplab report`) on
 * mutants of the fixture's log: characters edited, records' JSON edited. A curve, or one UserError at file:line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseTrainingLog } from '../../cli/report/trainingLog.ts';
import { fuzzParams, fuzzTimeout, returnsOrUserError } from './budget.ts';
import { jsonMutant, textMutant, type Json } from './mutate.ts';

const LOG = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'models', 'reverse.learned.train.jsonl'), 'utf8');
const RECORDS = LOG.split('\n').filter((l) => l.trim() !== '');

const read = (text: string) => () => parseTrainingLog(text, '/fuzz/m.train.jsonl');
const AT_LINE = /^\/fuzz\/m\.train\.jsonl:\d+: /;

/** The log with one record replaced by a JSON mutant of it. */
const recordMutant = fc
  .nat({ max: RECORDS.length - 1 })
  .chain((i) => jsonMutant(JSON.parse(RECORDS[i]) as Json).map((r) => RECORDS.map((line, j) => (i === j ? JSON.stringify(r) : line)).join('\n')));

describe('fuzz: training logs', () => {
  it(
    'character mutants read, or fail with one UserError naming the file and line',
    () =>
      fc.assert(
        fc.property(textMutant([LOG]), (text) => returnsOrUserError(read(text), AT_LINE)),
        fuzzParams(1000, 3),
      ),
    fuzzTimeout(3),
  );

  it(
    'record JSON mutants read, or fail with one UserError naming the file and line',
    () =>
      fc.assert(
        fc.property(recordMutant, (text) => returnsOrUserError(read(text), AT_LINE)),
        fuzzParams(1000, 3),
      ),
    fuzzTimeout(3),
  );
});
