/**
 * Circuit hypotheses in your own test suite. A prepared claim runs a loaded model and checks one
 * input at a time, so it fits `test.prop` from @fast-check/vitest:
 *
 *   const model = LoadedModel.from(loadModel('reverse.safetensors'));
 *   const flip = await prepareClaim(model, program, { head: '1.0', implements: 'flip' });
 *   afterAll(() => (flip.dispose(), model.dispose()));
 *   test.prop([inputsOf(program, { vocab, maxLen: 5 })])('head 1.0 implements flip', (input) => flip.assert(input));
 *
 * Claims whose cases need more than the input (resample ablation's partner, a permutation) take
 * it as the second argument; `test.prop([flip.cases()])` generates both.
 */
import type fc from 'fast-check';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { Program } from '../../src/rasp/program.ts';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import type { CheckOutcome } from './checker.ts';
import { describeClaim, type Claim } from './claims.ts';
import type { InputDomain } from './inputs.ts';
import { claimLabel, prepareChecker, type PrepareOptions } from './prepare.ts';
import { casesOf, checkerProperty } from './runner.ts';

export * from './claims.ts';
export { inputsOf, domainOf, validInputs, type InputDomain } from './inputs.ts';
export { checkClaim, checkClaims, DEFAULT_RUNS, type ClaimReport, type CheckClaimsOptions } from './runner.ts';
export { loadHypotheses, parseHypotheses, type HypothesisFile } from './fileFormat.ts';
export { proposeFromLabels, type Proposal } from './propose.ts';
export type { CheckOutcome } from './checker.ts';

export interface PreparedClaim {
  readonly claim: Claim;
  /** The inputs the claim is made for. */
  readonly domain: InputDomain;
  check(input: readonly Value[], extra?: unknown): CheckOutcome;
  /** Throws an Error that says what the model did and what the claim expected. */
  assert(input: readonly Value[], extra?: unknown): void;
  /** Valid inputs with whatever else a case needs: `test.prop([c.cases()])('…', ([input, extra]) => c.assert(input, extra))`. */
  cases(): fc.Arbitrary<[Value[], unknown]>;
  /** The claim as a fast-check property, for fc.assert / fc.check. */
  property(): fc.IProperty<[[Value[], unknown]]>;
  /** Frees the claim's own tensors (the model stays loaded: it is the caller's). */
  dispose(): void;
}

export async function prepareClaim(model: LoadedModel, program: Program, claim: Claim, opts: PrepareOptions = {}): Promise<PreparedClaim> {
  const k = await prepareChecker(model, program, claim, claimLabel(0, claim), opts);
  return {
    claim,
    domain: k.domain,
    check: (input, extra) => k.check(input, extra),
    assert(input, extra) {
      const r = k.check(input, extra);
      if (!r.ok && !r.skip)
        throw new Error(`claim "${describeClaim(claim)}" fails on ${input.map(formatValue).join(' ')}: ${r.observed}; expected ${r.expected}`);
    },
    cases: () => casesOf(program, k),
    property: () => checkerProperty(program, k),
    dispose() {
      k.dispose();
    },
  };
}
