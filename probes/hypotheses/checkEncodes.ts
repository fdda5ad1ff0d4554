/**
 * "The residual stream at point R (directions D) encodes variable V": a linear read-out fitted on
 * inputs drawn with the seed recovers V at every position of every generated input.
 */
import type { SOp } from '../../src/rasp/ast.ts';
import { encodingOf } from '../../src/rasp/encoding.ts';
import { isUserError, RaspError } from '../../src/rasp/errors.ts';
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { parseSOpExpression } from '../../src/rasp/expression.ts';
import { formatValue, valuesEqual, type MaybeValue, type Value } from '../../src/rasp/values.ts';
import { hasHook, isResidualHook, parseHookName, type HookName } from '../../src/model/hooks.ts';
import type { ModelConfig } from '../../src/model/types.ts';
import { collectPositions } from '../collect.ts';
import { readPoints } from '../linearProbe.ts';
import { makeProbeSet } from '../probeSet.ts';
import { compactList, type EncodesClaim } from './claims.ts';
import { claimError, claimRasp, type Checker, type ClaimContext } from './checker.ts';
import { fitReadout } from './readout.ts';
import { keyText, runInput } from './single.ts';

export const DEFAULT_FIT_INPUTS = 512;

/** Hook points whose activation is a residual-stream vector [batch, pos, d_model]. */

function valuesOn(node: SOp, input: readonly Value[]): MaybeValue[] {
  try {
    return [...new Evaluator(input).sop(node)];
  } catch (e) {
    if (e instanceof RaspError || isUserError(e)) return input.map(() => null);
    throw e;
  }
}

function resolvePoint(ctx: ClaimContext, at: string | number): HookName {
  const points = readPoints(ctx.model);
  if (typeof at === 'number') {
    if (!Number.isInteger(at) || at < 0 || at >= points.length)
      throw claimError(
        ctx,
        'at',
        `read point ${at} does not exist: 0..${points.length - 1} (i: resid_pre of layer i, ${points.length - 1}: the final resid_post)`,
      );
    return points[at];
  }
  const hook = parseHookName(at) ? (at as HookName) : null;
  if (!hook || !isResidualHook(hook) || !hasHook(ctx.model.config, hook))
    throw claimError(ctx, 'at', `'${at}' is not a residual hook of this model (e.g. ${points.join(', ')})`);
  return hook;
}

function resolveDirections(ctx: ClaimContext, claim: EncodesClaim, config: ModelConfig): number[] {
  const D = config.dModel;
  if (claim.directions) {
    const bad = claim.directions.find((d) => !Number.isInteger(d) || d < 0 || d >= D);
    if (bad !== undefined) throw claimError(ctx, 'directions', `direction ${bad} does not exist: the residual stream has ${D} (0..${D - 1})`);
    if (claim.directions.length === 0) throw claimError(ctx, 'directions', 'name at least one direction');
    return [...claim.directions];
  }
  const own = ctx.model.labels.residual.filter((d) => d.sop === claim.encodes.trim()).map((d) => d.index);
  return own.length ? own : Array.from({ length: D }, (_, i) => i);
}

export async function encodesChecker(ctx: ClaimContext, claim: EncodesClaim): Promise<Checker> {
  const config = ctx.model.config;
  const hook = resolvePoint(ctx, claim.at);
  const dirs = resolveDirections(ctx, claim, config);
  const node = claimRasp(ctx, 'encodes', (file) => parseSOpExpression(ctx.program, claim.encodes, { file }));
  const nFit = claim.fit ?? DEFAULT_FIT_INPUTS;
  if (!Number.isInteger(nFit) || nFit <= 0) throw claimError(ctx, 'fit', `must be a positive integer, got ${nFit}`);
  const set = makeProbeSet(ctx.program, { ...ctx.domain, n: nFit, seed: ctx.seed });
  const { samples, acts } = await collectPositions(ctx.model, set, [hook]);
  const { width, values } = acts.get(hook)!;
  const rows = set.inputs.map((x) => valuesOn(node, x));
  const keep = samples.flatMap((s, i) => (rows[s.input][s.position] === null ? [] : [i]));
  const xs = new Float32Array(keep.length * dirs.length);
  keep.forEach((i, r) => dirs.forEach((d, j) => (xs[r * dirs.length + j] = values[i * width + d])));
  const ys = keep.map((i) => rows[samples[i].input][samples[i].position] as Value);
  if (ys.length === 0) throw claimError(ctx, 'encodes', `${claim.encodes} is undefined on every fitting input`);
  const readout = fitReadout(xs, dirs.length, ys, encodingOf(node));
  const where = `${hook}${claim.directions || dirs.length < config.dModel ? ` directions ${compactList(dirs)}` : ''}`;
  const D = config.dModel;
  return {
    domain: ctx.domain,
    check(input) {
      const run = runInput(ctx.model, input, { cache: [hook] });
      const a = run.acts.get(hook)!;
      const want = valuesOn(node, input);
      for (let i = 0; i < input.length; i++) {
        if (want[i] === null) continue;
        const got = readout.read(dirs.map((d) => a[(i + 1) * D + d]));
        if (valuesEqual(got, want[i])) continue;
        return {
          ok: false,
          observed: `at ${keyText(input, i)} the read-out of ${where} gives ${formatValue(got)}`,
          expected:
            `${claim.encodes} = ${formatValue(want[i])} (read-out fitted on ${set.inputs.length} inputs, ` +
            `${(100 * readout.fitAccuracy).toFixed(1)}% right there)`,
        };
      }
      return { ok: true, observed: `the read-out recovers ${claim.encodes}`, expected: claim.encodes };
    },
    dispose() {},
  };
}
