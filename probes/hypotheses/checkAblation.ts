/**
 * "Ablating C leaves the output unchanged / changes it": the model's output on the input with and
 * without the ablation, compared where the program's output is defined.
 */
import { formatComponents } from '../../src/model/components.ts';
import type { Value } from '../../src/rasp/values.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { componentList, OUTPUT_EFFECTS, type AblationClaim } from './claims.ts';
import { claimError, type Checker, type ClaimContext } from './checker.ts';
import { firstDifference, runInput, seqText } from './single.ts';
import { singleAblation } from './singleAblation.ts';

export function ablationChecker(ctx: ClaimContext, claim: AblationClaim): Checker<Value[]> {
  if (!OUTPUT_EFFECTS.includes(claim.output)) throw claimError(ctx, 'output', `must be one of ${OUTPUT_EFFECTS.join(', ')}, got '${claim.output}'`);
  const abl = singleAblation(ctx, 'ablate', componentList(claim.ablate), claim.mode ?? 'zero');
  const config = ctx.model.config;
  return {
    domain: ctx.domain,
    extra: abl.extra,
    check(input, extra) {
      const expected = labelInput(ctx.program, [...input]) ?? input.map(() => null);
      const partner = abl.mode === 'resample' ? abl.partnerOf(input, extra) : undefined;
      if (partner && labelInput(ctx.program, partner) === null) return { ok: true, skip: true, observed: '', expected: '' };
      const before = runInput(ctx.model, input).output;
      const after = abl.withHooks(input, extra, (hooks) => runInput(ctx.model, input, { hooks }).output);
      const at = firstDifference(config, before, after, expected, ctx.tolerance);
      const from = partner ? ` (resampled from ${seqText(partner)})` : '';
      const what = `${abl.mode}-ablated ${formatComponents(abl.components)}${from}: ${seqText(after)}; unablated: ${seqText(before)}`;
      if (claim.output === 'unchanged') return { ok: at < 0, observed: at < 0 ? what : `${what} (differs at position ${at})`, expected: 'the same output' };
      return { ok: at >= 0, observed: what, expected: 'a different output at some position' };
    },
    dispose: () => abl.dispose(),
  };
}
