/**
 * "This model (optionally with components ablated) agrees with that one": both models' outputs
 * on each input, compared where the program's output is defined. The other model stays loaded
 * for the whole check.
 */
import { formatComponents } from '../../src/model/components.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import type { ModelData } from '../../src/model/types.ts';
import { formatValue, valueKey, type Value } from '../../src/rasp/values.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { componentList, otherModelName, type AgreementClaim } from './claims.ts';
import { claimError, type Checker, type ClaimContext } from './checker.ts';
import { firstDifference, runInput, seqText } from './single.ts';
import { singleAblation, type SingleAblation } from './singleAblation.ts';

function otherModel(ctx: ClaimContext, claim: AgreementClaim): ModelData {
  if (typeof claim.agrees !== 'string') return claim.agrees;
  try {
    return ctx.loadModel(claim.agrees);
  } catch (e) {
    if (isUserError(e)) throw claimError(ctx, 'agrees', e.message);
    throw e;
  }
}

export function agreementChecker(ctx: ClaimContext, claim: AgreementClaim): Checker<Value[]> {
  const other = otherModel(ctx, claim);
  const name = otherModelName(claim);
  const known = new Set(other.config.vocab.slice(1).map(valueKey));
  const missing = ctx.domain.vocab.filter((v) => !known.has(valueKey(v)));
  if (missing.length) throw claimError(ctx, 'agrees', `${name} has no token ${missing.map(formatValue).join(', ')} in its vocabulary`);
  const abl: SingleAblation | undefined =
    claim.ablate !== undefined ? singleAblation(ctx, 'ablate', componentList(claim.ablate), claim.mode ?? 'zero') : undefined;
  if (!abl && claim.mode !== undefined) throw claimError(ctx, 'mode', "give 'ablate' with a mode");
  const live = LoadedModel.from(other);
  const domain = { ...ctx.domain, maxLen: Math.min(ctx.domain.maxLen, other.config.nCtx - 1) };
  const config = ctx.model.config;
  return {
    domain,
    extra: abl?.extra,
    check(input, extra) {
      const defined = labelInput(ctx.program, [...input]) ?? input.map(() => null);
      const partner = abl?.mode === 'resample' ? abl.partnerOf(input, extra) : undefined;
      if (partner && labelInput(ctx.program, partner) === null) return { ok: true, skip: true, observed: '', expected: '' };
      const mine = abl ? abl.withHooks(input, extra, (hooks) => runInput(ctx.model, input, { hooks }).output) : runInput(ctx.model, input).output;
      const theirs = runInput(live, input).output;
      const at = firstDifference(config, mine, theirs, defined, ctx.tolerance);
      const ablated = abl ? ` with ${formatComponents(abl.components)} ${abl.mode}-ablated${partner ? ` (resampled from ${seqText(partner)})` : ''}` : '';
      return {
        ok: at < 0,
        observed: `this model${ablated}: ${seqText(mine)}${at >= 0 ? ` (differs at position ${at})` : ''}`,
        expected: `${name}: ${seqText(theirs)}`,
      };
    },
    dispose() {
      abl?.dispose();
      live.dispose();
    },
  };
}
