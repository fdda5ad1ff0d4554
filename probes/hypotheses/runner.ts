/**
 * Checking claims with fast-check: each claim becomes a property over the program's valid inputs
 * (plus whatever else its cases need), run `numRuns` times from `seed`; a failure is shrunk by
 * fast-check, then minimised further (minimise.ts), and checked once more to say what the model
 * did there. The seed (and fast-check's path, for the shrunk case) replay it exactly.
 */
import fc from 'fast-check';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import type { Checker } from './checker.ts';
import { claimKind, describeClaim, type Claim, type ClaimKind } from './claims.ts';
import { validInputs } from './inputs.ts';
import { minimiseCounterexample } from './minimise.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { claimLabel, prepareChecker, type PrepareOptions } from './prepare.ts';

export const DEFAULT_RUNS = 1000;

export interface RunOptions {
  readonly numRuns?: number;
  readonly seed?: number;
  /** fast-check's replay path of an earlier failure (with its seed): runs that case first and shrinks from there. */
  readonly path?: string;
}

export interface ClaimReport {
  /** Position in the list (0-based). */
  readonly index: number;
  readonly name?: string;
  readonly kind: ClaimKind;
  /** What the claim says, in one line. */
  readonly claim: string;
  readonly passed: boolean;
  /** Cases run (up to and including the first failure). */
  readonly runs: number;
  /** Generated cases outside the claim (e.g. a transformed input the program refuses). */
  readonly skipped: number;
  readonly seed: number;
  /** The shrunk failing input (null when the claim held). */
  readonly counterexample: Value[] | null;
  /**
   * Whether the counterexample is proven minimal: every shorter input, and every as long one
   * earlier in vocabulary order, was tried and holds. Else no single token of it can be dropped
   * or lowered (too many inputs come before it to try them all).
   */
  readonly minimal?: boolean;
  /** What the model did on it, and what the claim expected. */
  readonly observed?: string;
  readonly expected?: string;
  readonly shrinks: number;
  /** fast-check's path to its shrunk case: with the seed, replays it directly (then minimised the same way). */
  readonly path: string | null;
}

/** The cases of a checker: valid inputs of its domain, each with its extra. */
export function casesOf(program: Program, checker: Checker): fc.Arbitrary<[Value[], unknown]> {
  return fc.tuple(validInputs(program, checker.domain), checker.extra ?? fc.constant(undefined));
}

/** The claim as a fast-check property: true where the checker says it holds; skipped cases are preconditions. */
export function checkerProperty(program: Program, checker: Checker): fc.IProperty<[[Value[], unknown]]> {
  return fc.property(casesOf(program, checker), ([input, extra]) => {
    const r = checker.check(input, extra);
    fc.pre(!r.skip);
    return r.ok;
  });
}

export interface RunOutcome {
  readonly passed: boolean;
  readonly runs: number;
  readonly skipped: number;
  readonly shrinks: number;
  readonly seed: number;
  readonly counterexample: Value[] | null;
  readonly minimal?: boolean;
  readonly observed?: string;
  readonly expected?: string;
  readonly path: string | null;
}

/** Runs one prepared checker. */
export function runChecker(program: Program, checker: Checker, opts: RunOptions = {}): RunOutcome {
  const seed = opts.seed ?? 0;
  const d = fc.check(checkerProperty(program, checker), {
    numRuns: opts.numRuns ?? DEFAULT_RUNS,
    seed,
    ...(opts.path ? { path: opts.path } : {}),
  });
  const thrown: unknown = d.errorInstance;
  const asError = (fallback: string) => (thrown instanceof Error ? thrown : new Error(thrown === null || thrown === undefined ? fallback : String(thrown)));
  const base = { runs: d.numRuns, skipped: d.numSkips, shrinks: d.numShrinks, seed, path: d.counterexamplePath ?? null };
  if (!d.failed || !d.counterexample) {
    if (d.failed) throw asError('fast-check reported a failure without a counterexample');
    return { ...base, passed: true, counterexample: null };
  }
  const [[shrunk, extra]] = d.counterexample;
  // Once more on the shrunk case, outside fast-check: this says what happened (and lets a bug throw plainly).
  if (checker.check(shrunk, extra).ok) throw asError(`the claim failed on ${shrunk.join(' ')} but holds when checked again`);
  const min = minimiseCounterexample(checker, shrunk, extra, (x) => labelInput(program, x) !== null);
  const r = checker.check(min.input, extra);
  return {
    ...base,
    shrinks: base.shrinks + min.steps,
    passed: false,
    counterexample: min.input,
    minimal: min.minimal,
    observed: r.observed,
    expected: r.expected,
  };
}

export interface CheckClaimsOptions extends RunOptions, PrepareOptions {
  /** The hypothesis file, for messages about its claims. */
  readonly where?: string;
  /** The claims' positions in their file, when only some of it is checked (default 0, 1, …). */
  readonly indices?: readonly number[];
  /** Called after each claim (progress). */
  readonly onReport?: (r: ClaimReport) => void;
}

/**
 * Checks every claim against the model. All claims are prepared (and so validated) before any runs;
 * everything the checkers made is freed at the end (the model stays loaded: it is the caller's).
 */
export async function checkClaims(model: LoadedModel, program: Program, claims: readonly Claim[], opts: CheckClaimsOptions = {}): Promise<ClaimReport[]> {
  const checkers: Checker[] = [];
  try {
    const indexOf = (i: number) => opts.indices?.[i] ?? i;
    for (const [i, c] of claims.entries()) checkers.push(await prepareChecker(model, program, c, claimLabel(indexOf(i), c, opts.where), opts));
    return claims.map((c, i) => {
      const r: ClaimReport = {
        index: indexOf(i),
        ...(c.name ? { name: c.name } : {}),
        kind: claimKind(c),
        claim: describeClaim(c),
        ...runChecker(program, checkers[i], opts),
      };
      opts.onReport?.(r);
      return r;
    });
  } finally {
    for (const k of checkers) k.dispose();
  }
}

/** One claim. */
export async function checkClaim(model: LoadedModel, program: Program, claim: Claim, opts: CheckClaimsOptions = {}): Promise<ClaimReport> {
  return (await checkClaims(model, program, [claim], opts))[0];
}
