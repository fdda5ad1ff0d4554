/**
 * The output head a learned model needs for a program: one class per value the program's output
 * can take (from value-set inference, so classes never depend on which inputs were sampled), or a
 * single number for numerical outputs.
 */
import { inferEncodings } from '../rasp/encoding.ts';
import { UserError } from '../rasp/errors.ts';
import type { Program } from '../rasp/program.ts';
import { inferValueSets } from '../rasp/valueSets.ts';
import type { Value } from '../rasp/values.ts';
import type { OutputSpec } from '../model/types.ts';

export function programOutputSpec(program: Program, vocab: readonly Value[], maxLen: number): OutputSpec {
  const out = program.output;
  const encoding = out.encoding ?? inferEncodings([out]).get(out.id) ?? 'categorical';
  if (encoding === 'numerical') return { encoding: 'numerical' };
  const set = inferValueSets([out], { vocab, maxLen }).get(out.id);
  if (!set || set.values.length === 0) throw new UserError(`program '${program.name}' has no defined output value over this vocabulary and length`);
  return { encoding: 'categorical', values: set.values };
}

/** The name a program calls its output (for labels.program.output). */
export function outputName(program: Program): string {
  return program.output.name ?? program.output.label;
}
