import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainingLog, trainingCurveFor } from '../../cli/report/trainingLog.ts';
import { tempDir } from '../cli/harness.ts';

const rec = (r: object) => JSON.stringify(r);

describe('parseTrainingLog', () => {
  it('reads loss per logged step and held-out exact match per evaluation, the start as step 0', () => {
    const text = [
      rec({ type: 'start', testAcc: 0.1 }),
      rec({ type: 'step', step: 50, loss: 1.5, trainAcc: 0.2 }),
      rec({ type: 'eval', step: 50, testAcc: 0.4 }),
      rec({ type: 'step', step: 100, loss: 0.5 }),
      rec({ type: 'end', status: 'completed' }),
    ].join('\n');
    const c = parseTrainingLog(text, '/x/m.train.jsonl');
    expect(c.source).toBe('m.train.jsonl');
    expect(c.steps).toEqual([
      { step: 50, loss: 1.5, trainAcc: 0.2 },
      { step: 100, loss: 0.5 },
    ]);
    expect(c.evals).toEqual([
      { step: 0, testAcc: 0.1 },
      { step: 50, testAcc: 0.4 },
    ]);
  });

  it('keeps the later record of a step a resumed run logged twice, in step order', () => {
    const text = [
      rec({ type: 'step', step: 100, loss: 1 }),
      rec({ type: 'step', step: 50, loss: 2 }),
      rec({ type: 'resume' }),
      rec({ type: 'step', step: 100, loss: 0.7 }),
    ].join('\n');
    expect(parseTrainingLog(text, 'l').steps.map((s) => [s.step, s.loss])).toEqual([
      [50, 2],
      [100, 0.7],
    ]);
  });

  it('forgives a cut-off last line (a run still writing) but names a broken one elsewhere', () => {
    expect(parseTrainingLog(`${rec({ type: 'step', step: 1, loss: 1 })}\n{"type":"st`, 'l').steps).toHaveLength(1);
    expect(() =>
      parseTrainingLog(`${rec({ type: 'step', step: 1, loss: 1 })}\n{oops\n${rec({ type: 'step', step: 2, loss: 1 })}\n`, 'run.train.jsonl'),
    ).toThrow('run.train.jsonl:2: not a JSON record');
  });

  it('a line of JSON that is no record (null, a number, a list) is named, not read', () => {
    for (const line of ['null', '3', '[1]', '"step"'])
      expect(() => parseTrainingLog(`${line}\n${rec({ type: 'step', step: 2, loss: 1 })}\n`, 'run.train.jsonl')).toThrow(
        'run.train.jsonl:1: not a JSON record',
      );
  });
});

describe('trainingCurveFor', () => {
  it('finds the log beside a model, and gives null where there is none', () => {
    const t = tempDir();
    try {
      const model = join(t.dir, 'm.safetensors');
      expect(trainingCurveFor(model)).toBeNull();
      t.file('m.train.jsonl', rec({ type: 'step', step: 5, loss: 0.3 }) + '\n');
      expect(trainingCurveFor(model)?.steps).toEqual([{ step: 5, loss: 0.3 }]);
    } finally {
      t.cleanup();
    }
  });

  it('reads the fixture’s log: steps in order, losses positive, accuracies in [0, 1]', () => {
    const path = 'fixtures/models/reverse.learned.safetensors';
    const c = trainingCurveFor(path)!;
    const lines = readFileSync('fixtures/models/reverse.learned.train.jsonl', 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"step"'));
    expect(c.steps).toHaveLength(lines.length);
    expect(c.steps.map((s) => s.step)).toEqual([...c.steps.map((s) => s.step)].sort((a, b) => a - b));
    for (const s of c.steps) expect(s.loss).toBeGreaterThan(0);
    for (const e of c.evals) {
      expect(e.testAcc).toBeGreaterThanOrEqual(0);
      expect(e.testAcc).toBeLessThanOrEqual(1);
    }
    expect(c.evals[0].step).toBe(0);
  });
});
