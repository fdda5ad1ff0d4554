/**
 * Two models side by side (compare, tui --vs, report) are scored on what both take: the shared
 * vocabulary and lengths (probes/probeSet.ts `commonTask`). When that leaves part of a model's own
 * task out, the output says so in one note; models with nothing in common are refused.
 */
import { basename } from 'node:path';
import { UserError } from '../src/rasp/errors.ts';
import { formatValue, valueKey } from '../src/rasp/values.ts';
import type { ModelData } from '../src/model/types.ts';
import { commonTask, modelTask, type ProbeTask } from '../probes/probeSet.ts';
import { vocabText } from './options.ts';

export interface NamedModel {
  /** The file as the user named it. */
  readonly spec: string;
  readonly data: ModelData;
}

export interface SharedTask {
  readonly task: ProbeTask;
  /** What the shared task leaves out of each model's own, or null when nothing. */
  readonly note: string | null;
}

const lengthsText = (lo: number, hi: number) => (lo === hi ? `length ${lo}` : `lengths ${lo}–${hi}`);

/** What `task` leaves out of `own`: tokens, then lengths below and above its range. */
function leftOut(own: ProbeTask, task: ProbeTask): string[] {
  const shared = new Set(task.vocab.map(valueKey));
  const tokens = own.vocab.filter((v) => !shared.has(valueKey(v)));
  const parts = tokens.length ? [`takes ${tokens.map(formatValue).join(', ')}`] : [];
  const lengths = [
    ...(own.minLen < task.minLen ? [lengthsText(own.minLen, task.minLen - 1)] : []),
    ...(own.maxLen > task.maxLen ? [lengthsText(task.maxLen + 1, own.maxLen)] : []),
  ];
  if (lengths.length) parts.push(`${parts.length ? '' : 'takes '}${lengths.join(' and ')}`);
  return parts;
}

export function sharedTask(models: readonly NamedModel[]): SharedTask {
  const task = commonTask(models.map((m) => m.data));
  const names = models.map((m) => basename(m.spec));
  const own = models.map((m) => modelTask(m.data));
  if (task.vocab.length === 0) throw new UserError(`${names.join(' and ')} share no input token (${own.map((t) => vocabText(t.vocab)).join(' and ')})`);
  if (task.minLen > task.maxLen)
    throw new UserError(`${names.join(' and ')} share no input length (${own.map((t) => `${t.minLen}–${t.maxLen}`).join(' vs ')})`);
  const extras = own.map((t, i) => ({ name: names[i], parts: leftOut(t, task) })).filter((e) => e.parts.length);
  const note = extras.length
    ? `probe inputs are what both models take: vocabulary ${vocabText(task.vocab)}, ${lengthsText(task.minLen, task.maxLen)} ` +
      `(${extras.map((e) => `${e.name} also ${e.parts.join(' and ')}`).join('; ')})`
    : null;
  return { task, note };
}
