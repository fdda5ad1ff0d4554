/**
 * Reads the JSONL metrics log a training run leaves beside its model (src/train/log.ts) into the
 * training curve: loss per logged step, held-out exact match per evaluation. A resumed run appends
 * to the same log, so steps can repeat; the later record wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../../src/rasp/errors.ts';
import { logPathFor } from '../../src/train/log.ts';
import type { TrainingCurve } from './data.ts';

type Rec = Record<string, unknown>;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The curve from a log's text; `file` names it in errors. */
export function parseTrainingLog(text: string, file: string): TrainingCurve {
  const steps = new Map<number, { step: number; loss: number; trainAcc?: number }>();
  const evals = new Map<number, { step: number; testAcc: number }>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // The last line of a log being written may be cut short; anything else is a broken file.
      if (i >= lines.length - 2) return;
      throw new UserError(`${file}:${i + 1}: not a JSON record`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UserError(`${file}:${i + 1}: not a JSON record`);
    const r = parsed as Rec;
    if (r.type === 'start' && isNum(r.testAcc)) evals.set(0, { step: 0, testAcc: r.testAcc });
    if (r.type === 'step' && isNum(r.step) && isNum(r.loss))
      steps.set(r.step, { step: r.step, loss: r.loss, ...(isNum(r.trainAcc) ? { trainAcc: r.trainAcc } : {}) });
    if (r.type === 'eval' && isNum(r.step) && isNum(r.testAcc)) evals.set(r.step, { step: r.step, testAcc: r.testAcc });
  });
  const byStep = <T extends { step: number }>(m: Map<number, T>) => [...m.values()].sort((a, b) => a.step - b.step);
  return { source: basename(file), steps: byStep(steps), evals: byStep(evals) };
}

/** The curve of the log beside `modelPath`, or null when there is none (compiled models, copied files). */
export function trainingCurveFor(modelPath: string): TrainingCurve | null {
  const file = logPathFor(modelPath);
  if (!existsSync(file)) return null;
  const curve = parseTrainingLog(readFileSync(file, 'utf8'), file);
  return curve.steps.length || curve.evals.length ? curve : null;
}
