/**
 * Circuit hypotheses: claims about a model that must hold on every valid input of its task. Each
 * kind is told apart by the key that states it (`head`, `ablate`, `neuron`, `encodes`,
 * `invariant`, `agrees`), so a claim reads the same in TypeScript and in a YAML/JSON file.
 * RASP text in a claim (`implements`, `tracks`, `encodes`) is read in the program's scope.
 */
import type { ModelData } from '../../src/model/types.ts';
import type { AblationMode } from '../ablation.ts';

export interface ClaimCommon {
  /** A short name shown with the result. */
  readonly name?: string;
  /** Narrow the input lengths the claim is made for (within the model's task). */
  readonly minLen?: number;
  readonly maxLen?: number;
}

/** How a head's attention row is compared with the selector's row. */
export const MATCH_RULES = ['mass', 'argmax'] as const;
export type MatchRule = (typeof MATCH_RULES)[number];

/**
 * For every query position, the head's attention is on the keys the selector selects: their total
 * mass reaches `threshold` (rule `mass`, default 0.5), or the most-attended keys (within 0.001 of
 * the top) are selected ones (rule `argmax`; BOS may tie with them, as compiled selector-width
 * heads attend BOS beside the selected keys). A query that selects no key must attend BOS
 * instead — what compiled heads do.
 */
export interface HeadClaim extends ClaimCommon {
  /** "1.0" or "L1H0". */
  readonly head: string;
  /** A selector in RASP: `select(indices, opp_index, ==)`, or a selector's name (`flip`). */
  readonly implements: string;
  readonly match?: MatchRule;
  readonly threshold?: number;
}

export const OUTPUT_EFFECTS = ['unchanged', 'changed'] as const;
export type OutputEffect = (typeof OUTPUT_EFFECTS)[number];

/**
 * Ablating the components (together) leaves the model's output unchanged (they are irrelevant) or
 * changes it at some position (they are necessary), compared where the program's output is defined.
 */
export interface AblationClaim extends ClaimCommon {
  /** Components as `rasplab ablate` writes them: 1.0, attn1, mlp0, L1, mlp0.n12, embed. */
  readonly ablate: string | readonly string[];
  readonly output: OutputEffect;
  /** zero (default), mean (over a reference set drawn with the seed) or resample (from a generated input of the same length). */
  readonly mode?: AblationMode;
}

/** The neuron is active (activation above `above`, default 0) exactly where the predicate is true. */
export interface NeuronClaim extends ClaimCommon {
  /** mlp0.n12 */
  readonly neuron: string;
  /** An s-op expression whose value is True/False per position: `indices == 0`. */
  readonly tracks: string;
  readonly above?: number;
}

/**
 * A linear read-out of the residual stream (or of some of its directions) recovers the variable at
 * every position. Compiled models read the variable's own labelled directions; otherwise a read-out
 * is fitted on `fit` inputs drawn with the seed, and then checked on generated ones.
 */
export interface EncodesClaim extends ClaimCommon {
  /** An s-op: a program name (`opp_index`) or an expression (`length - indices`). */
  readonly encodes: string;
  /** A hook name (`blocks.1.hook_resid_pre`) or a read point: i = resid_pre of layer i, L = the final resid_post. */
  readonly at: string | number;
  /** Only these residual directions (a subspace); default: the variable's labelled directions on a compiled model, else all. */
  readonly directions?: readonly number[];
  /** Inputs the read-out is fitted on (default 512). */
  readonly fit?: number;
}

export const TRANSFORMS = ['permute', 'reverse', 'relabel'] as const;
export type Transform = (typeof TRANSFORMS)[number];
export const OUTPUT_RELATIONS = ['same', 'follow'] as const;
export type OutputRelation = (typeof OUTPUT_RELATIONS)[number];

/**
 * The model's output is invariant to an input transformation: `same` — the output does not change;
 * `follow` — it changes the same way (positions permuted or reversed along, token values relabelled
 * along). `permute` shuffles positions, `reverse` reverses them, `relabel` renames the vocabulary.
 */
export interface InvarianceClaim extends ClaimCommon {
  readonly invariant: Transform;
  readonly outputs?: OutputRelation;
}

/** The model (optionally with components ablated) gives the same output as another model on every input. */
export interface AgreementClaim extends ClaimCommon {
  /** The other model, or (in files) the path of its .safetensors file. */
  readonly agrees: ModelData | string;
  readonly ablate?: string | readonly string[];
  readonly mode?: AblationMode;
}

export type Claim = HeadClaim | AblationClaim | NeuronClaim | EncodesClaim | InvarianceClaim | AgreementClaim;

export const CLAIM_KINDS = ['head', 'ablate', 'neuron', 'encodes', 'invariant', 'agrees'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export function claimKind(c: Claim): ClaimKind {
  if ('agrees' in c) return 'agrees';
  if ('head' in c) return 'head';
  if ('ablate' in c) return 'ablate';
  if ('neuron' in c) return 'neuron';
  if ('encodes' in c) return 'encodes';
  return 'invariant';
}

/** The other model of an agreement claim as messages name it: its file's name. */
export const otherModelName = (c: AgreementClaim): string => (typeof c.agrees === 'string' ? (c.agrees.split(/[\\/]/).at(-1) ?? c.agrees) : 'the other model');

export const componentList = (c: string | readonly string[] | undefined): string[] => (c === undefined ? [] : typeof c === 'string' ? [c] : [...c]);

/** One line that says what the claim claims. */
export function describeClaim(c: Claim): string {
  return describeBody(c) + lengthsText(c.minLen, c.maxLen);
}

function lengthsText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return min === max ? ` (length ${min})` : ` (lengths ${min}–${max})`;
  if (max !== undefined) return ` (lengths ≤ ${max})`;
  return min !== undefined ? ` (lengths ≥ ${min})` : '';
}

function describeBody(c: Claim): string {
  if ('agrees' in c) {
    const other = otherModelName(c);
    const abl = componentList(c.ablate);
    return `${abl.length ? `with ${abl.join('+')} ${c.mode ?? 'zero'}-ablated, ` : ''}agrees with ${other}`;
  }
  if ('head' in c) {
    const rule = (c.match ?? 'mass') === 'mass' ? `mass ≥ ${c.threshold ?? 0.5}` : 'argmax';
    return `head ${c.head} implements ${c.implements} (${rule})`;
  }
  if ('ablate' in c) {
    const what = `${c.mode ?? 'zero'}-ablating ${componentList(c.ablate).join('+')}`;
    return c.output === 'changed' ? `${what} changes the output` : `${what} leaves the output unchanged`;
  }
  if ('neuron' in c) return `neuron ${c.neuron} is active (> ${c.above ?? 0}) iff ${c.tracks}`;
  if ('encodes' in c) {
    const dirs = c.directions ? ` directions ${compactList(c.directions)}` : '';
    return `${typeof c.at === 'number' ? `read point ${c.at}` : c.at}${dirs} encodes ${c.encodes} linearly`;
  }
  return `the output is ${c.outputs === 'follow' ? 'equivariant' : 'invariant'} under ${c.invariant}`;
}

/** 3,4,5,9 → "3–5, 9". */
export function compactList(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(j > i ? `${xs[i]}–${xs[j]}` : String(xs[i]));
    i = j + 1;
  }
  return out.join(', ');
}
