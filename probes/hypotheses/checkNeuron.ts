/**
 * "Neuron mlpL.nK is active iff P": the neuron's activation at blocks.L.mlp.hook_post against a
 * RASP predicate evaluated at each input position (positions where it is undefined are skipped).
 */
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { parseSOpExpression } from '../../src/rasp/expression.ts';
import { truthy } from '../../src/rasp/scalar.ts';
import { formatValue } from '../../src/rasp/values.ts';
import { layerHook, type HookName } from '../../src/model/hooks.ts';
import type { NeuronClaim } from './claims.ts';
import { claimComponent, claimError, claimRasp, type Checker, type ClaimContext } from './checker.ts';
import { keyText, runInput } from './single.ts';

export function neuronChecker(ctx: ClaimContext, claim: NeuronClaim): Checker {
  const ref = claimComponent(ctx, 'neuron', claim.neuron, ['neuron']);
  if (ref.kind !== 'neuron') throw new Error('unreachable');
  const above = claim.above ?? 0;
  if (!Number.isFinite(above)) throw claimError(ctx, 'above', `must be a number, got ${above}`);
  const predicate = claimRasp(ctx, 'tracks', (file) => parseSOpExpression(ctx.program, claim.tracks, { file }));
  const hook: HookName = layerHook(ref.layer, 'mlp.hook_post');
  const D = ctx.model.config.layers[ref.layer].dMlp;
  return {
    domain: ctx.domain,
    check(input) {
      const run = runInput(ctx.model, input, { cache: [hook] });
      const acts = run.acts.get(hook)!; // [1, P, d_mlp]
      const values = new Evaluator(input).sop(predicate);
      for (let i = 0; i < input.length; i++) {
        const v = values[i];
        if (v === null) continue;
        const a = acts[(i + 1) * D + ref.neuron];
        const want = truthy(v);
        if (a > above === want) continue;
        return {
          ok: false,
          observed: `at ${keyText(input, i)} the activation is ${a.toFixed(3)} (${a > above ? 'active' : 'inactive'})`,
          expected: `${want ? 'active' : 'inactive'} (> ${above}), as ${claim.tracks} is ${formatValue(v)} there`,
        };
      }
      return { ok: true, observed: 'active exactly where the predicate holds', expected: claim.tracks };
    },
    dispose() {},
  };
}
