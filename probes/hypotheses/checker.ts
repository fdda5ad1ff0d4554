/**
 * What every claim kind turns into: a checker that looks at one generated input and says whether
 * the claim holds there, what the model did and what the claim expected. Checkers are prepared
 * once per claim (components and RASP text resolved, reference activations computed) and keep
 * their tensors until disposed; each check frees what it makes.
 */
import type fc from 'fast-check';
import { UserError, RaspError } from '../../src/rasp/errors.ts';
import type { ModelConfig, ModelData } from '../../src/model/types.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { checkComponent, formatComponent, parseComponent, type ComponentRef } from '../../src/model/components.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { InputDomain } from './inputs.ts';

export interface CheckOutcome {
  readonly ok: boolean;
  /** What the model did (at the first place the claim fails, or a summary when it holds). */
  readonly observed: string;
  /** What the claim expected there. */
  readonly expected: string;
  /** The generated case is outside the claim (e.g. a transformed input the program refuses). */
  readonly skip?: boolean;
}

export interface Checker<X = unknown> {
  /** Inputs the claim is checked on. */
  readonly domain: InputDomain;
  /** What a case needs besides the input (a resample partner, a permutation), generated alongside it. */
  readonly extra?: fc.Arbitrary<X>;
  check(input: readonly Value[], extra?: X): CheckOutcome;
  dispose(): void;
}

/** What a checker is prepared from. */
export interface ClaimContext {
  readonly model: LoadedModel;
  readonly program: Program;
  /** The claim's inputs: the model's task narrowed by the claim's lengths. */
  readonly domain: InputDomain;
  readonly seed: number;
  /** How far numerical outputs may differ and count as the same (src/model/scoring.ts). */
  readonly tolerance: number;
  /** How messages name the claim: `reverse.yaml: claim 2 (flip head)`. */
  readonly label: string;
  /** Reads a model file named by an `agrees` claim. */
  readonly loadModel: (path: string) => ModelData;
}

export function claimError(ctx: Pick<ClaimContext, 'label'>, key: string, what: string): UserError {
  return new UserError(`${ctx.label}: '${key}': ${what}`);
}

/** "2 layers: layer 0 has 2 heads and a 64-neuron MLP, …" — the model's shape, for messages. */
export function shapeText(config: ModelConfig): string {
  const layers = config.layers.map((L, l) => {
    const parts = [L.nHeads ? `${L.nHeads} head${L.nHeads === 1 ? '' : 's'}` : 'no attention', L.dMlp ? `a ${L.dMlp}-neuron MLP` : 'no MLP'];
    return `layer ${l}: ${parts.join(', ')}`;
  });
  return `the model has ${config.layers.length} layer${config.layers.length === 1 ? '' : 's'} (${layers.join('; ')})`;
}

/** Parses a component of the claim and checks the model has it; the error names the claim, key and shape. */
export function claimComponent(ctx: ClaimContext, key: string, text: unknown, kinds?: readonly ComponentRef['kind'][]): ComponentRef {
  const config = ctx.model.config;
  const withShape = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof UserError) throw claimError(ctx, key, `${e.message}; ${shapeText(config)}`);
      throw e;
    }
  };
  const c = withShape(() => parseComponent(String(text)));
  // For a layer the model lacks, its shape alone is the answer (checkComponent would count the layers twice).
  if (c.kind !== 'embed' && c.layer >= config.layers.length) throw claimError(ctx, key, `component ${formatComponent(c)}: ${shapeText(config)}`);
  withShape(() => checkComponent(c, config));
  if (kinds && !kinds.includes(c.kind))
    throw claimError(ctx, key, `${formatComponent(c)} is a${/^[aeiou]/.test(c.kind) ? 'n' : ''} ${c.kind}; this claim needs a ${kinds.join(' or ')}`);
  return c;
}

/** Runs `parse` on RASP text of the claim; a RaspError becomes a message naming the claim, key and column. */
export function claimRasp<T>(ctx: ClaimContext, key: string, parse: (file: string) => T): T {
  try {
    return parse(key);
  } catch (e) {
    if (e instanceof RaspError && e.loc?.file === key) throw claimError(ctx, key, `column ${e.loc.col}: ${e.detail}`);
    throw e;
  }
}
