/**
 * The compiler's differential check: a compiled random program against the evaluator on every
 * input up to its maximum length. Inputs the evaluator rejects are skipped; numerical outputs
 * agree within 1e-3. An aggregate that selects nothing gives its default (0 unless written) in both.
 */
import { compile } from '../../compiler/index.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';
import { denseForward } from '../compiler/denseForward.ts';
import type { CompilableCase } from './arbitraryCompilable.ts';

export interface Disagreement {
  readonly input: MaybeValue[];
  readonly want: MaybeValue[];
  readonly got: MaybeValue[];
}

/** The first input on which the compiled model disagrees (null if none), and how many inputs were compared. */
export function firstDisagreement(c: Pick<CompilableCase, 'program' | 'maxLen'> & { readonly vocab: readonly Value[] }): {
  mismatch: Disagreement | null;
  checked: number;
} {
  const { model } = compile(c.program, { vocab: c.vocab, maxLen: c.maxLen });
  const numerical = model.config.output.encoding === 'numerical';
  let checked = 0;
  for (const input of enumerateInputs(c.vocab, 1, c.maxLen)) {
    let want: MaybeValue[];
    try {
      want = evaluate(c.program.output, input);
    } catch {
      continue;
    }
    checked++;
    const got = denseForward(model, input).output;
    const ok = want.every((w, i) => (numerical ? Math.abs(Number(w) - Number(got[i])) <= 1e-3 : w === got[i]));
    if (!ok) return { mismatch: { input, want, got }, checked };
  }
  return { mismatch: null, checked };
}
