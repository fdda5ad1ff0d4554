/**
 * The one model format shared by compiled and learned models.
 *
 * Weights are named exactly as TransformerLens names its parameters, with its shapes:
 *   embed.W_E            [d_vocab, d_model]
 *   pos_embed.W_pos      [n_ctx, d_model]
 *   blocks.{l}.ln1.w / .b, blocks.{l}.ln2.w / .b            [d_model]      (only when normalization = 'LN')
 *   blocks.{l}.attn.W_Q / W_K / W_V   [n_heads, d_model, d_head]
 *   blocks.{l}.attn.b_Q / b_K / b_V   [n_heads, d_head]
 *   blocks.{l}.attn.W_O               [n_heads, d_head, d_model]
 *   blocks.{l}.attn.b_O               [d_model]
 *   blocks.{l}.mlp.W_in  [d_model, d_mlp]   blocks.{l}.mlp.b_in  [d_mlp]
 *   blocks.{l}.mlp.W_out [d_mlp, d_model]   blocks.{l}.mlp.b_out [d_model]
 *   ln_final.w / .b      [d_model]                                          (only when normalization = 'LN')
 *   unembed.W_U          [d_model, d_vocab_out]   unembed.b_U [d_vocab_out]
 * A layer with n_heads = 0 has no attention weights; one with d_mlp = 0 has no MLP weights.
 * On disk: safetensors, with `ModelConfig`, `ModelLabels` and `TrainingInfo` as JSON strings in the
 * header's `__metadata__` under the keys `rasplab.config`, `rasplab.labels`, `rasplab.training`.
 */
import type { Encoding } from '../rasp/ast.ts';
import type { LoadedFile, Program } from '../rasp/program.ts';
import type { Value } from '../rasp/values.ts';

export const FORMAT_VERSION = 1;
export const BOS = 'BOS';

/** "1.0" style reference to head 0 of layer 1, as TransformerLens writes it (L{layer}H{head} also parsed). */
export interface HeadRef {
  readonly layer: number;
  readonly head: number;
}

export interface LayerConfig {
  /** Heads in this layer's attention sublayer (0: no attention). */
  readonly nHeads: number;
  /** Width of every head in this layer (heads in one layer share it; layers may differ). */
  readonly dHead: number;
  /** Hidden width of this layer's MLP (0: no MLP). */
  readonly dMlp: number;
}

/** What the model's output positions mean: one class per value, or a single number. */
export type OutputSpec = { readonly encoding: 'categorical'; readonly values: readonly Value[] } | { readonly encoding: 'numerical' };

export interface ModelConfig {
  readonly formatVersion: number;
  readonly dModel: number;
  /** Positions the model can see, BOS included: max input length + 1. */
  readonly nCtx: number;
  /** Input vocabulary: index 0 is always the BOS token, then the program's tokens. */
  readonly vocab: readonly Value[];
  readonly layers: readonly LayerConfig[];
  readonly output: OutputSpec;
  readonly normalization: 'none' | 'LN';
  readonly causal: boolean;
  readonly actFn: 'relu' | 'gelu';
  /** Attention scores are divided by this (TransformerLens's attn_scale); compiled models use 1. */
  readonly attnScale: number;
  /** 'compiled' or 'learned'. */
  readonly origin: 'compiled' | 'learned';
}

/**
 * What a compiled residual direction is for: `fixed` (one, bos), an embedding of the input
 * (`tokens`, `indices`), an s-op's value (`sop`), or a compiler temporary (`temp`: a head's
 * 1/(w+1) or none-selected line, the only directions besides bos that may be non-zero at BOS).
 */
export type DirectionRole = 'fixed' | 'tokens' | 'indices' | 'sop' | 'temp';

/** What a residual direction stands for: a value of a categorical s-op, a numerical s-op, or a fixed direction. */
export interface DirectionLabel {
  readonly index: number;
  /** Name of the s-op (or 'tokens', 'indices', 'one', 'bos'); absent for unlabelled directions of learned models. */
  readonly sop: string;
  /** For categorical s-ops: the value this one-hot direction stands for. */
  readonly value?: Value;
  readonly encoding: Encoding;
  /** Written by the compiler; derived on load for files written before it was (see modelFile.ts). */
  readonly role?: DirectionRole;
  /**
   * True where the compiler found, by evaluating every input of its task, that the direction is
   * never set: an aggregate's none-selected line whose selector picks a key at every query of
   * every input (its default is compiled in, as the program asks, but no input reads it). Like
   * the fixed directions, it carries no edge of the true circuit (src/model/trueCircuit.ts).
   */
  readonly idle?: boolean;
}

/** What one compiled head implements. */
export interface HeadLabel extends HeadRef {
  /** The RASP expression: e.g. `aggregate(select(indices, opp_index, ==), tokens)`. */
  readonly expr: string;
  /** The selector alone, in RASP syntax: `select(indices, opp_index, ==)`. */
  readonly selector: string;
  /** Name of the s-op this head writes. */
  readonly writes: string;
  readonly kind: 'categorical-aggregate' | 'numerical-aggregate' | 'selector-width';
}

/** What a range of one layer's MLP neurons implements. */
export interface MlpLabel {
  readonly layer: number;
  /** Neurons [start, end) of this layer's MLP. */
  readonly neurons: readonly [number, number];
  readonly expr: string;
  readonly writes: string;
  /** Names of the s-ops it reads. */
  readonly reads: readonly string[];
  readonly kind: 'categorical-map' | 'numerical-map' | 'selector-width-readout';
}

/**
 * The circuit a compiled model's weights implement (src/model/trueCircuit.ts): node names and edge
 * names of its computational graph (src/model/circuitGraph.ts), each edge with the s-ops whose
 * directions carry it.
 */
export interface CircuitLabel {
  readonly nodes: readonly string[];
  readonly edges: readonly { readonly edge: string; readonly via: readonly string[] }[];
}

/** The program a compiled model implements (or a learned one was trained on): enough to read it again. */
export interface ProgramLabel {
  readonly name: string;
  readonly source?: string;
  readonly file?: string;
  readonly output: string;
  /** The files its loads read (text and all), so that the recorded program runs without them. */
  readonly loaded?: readonly LoadedFile[];
}

/** What a model file records of `program`, computing its s-op `output`. */
export function programLabel(program: Program, output: string): ProgramLabel {
  const { name, source, file, loaded } = program;
  return { name, ...(source !== undefined ? { source } : {}), ...(file !== undefined ? { file } : {}), output, ...(loaded?.length ? { loaded } : {}) };
}

export interface ModelLabels {
  /** The program a compiled model implements (or a learned one was trained on). */
  readonly program?: ProgramLabel;
  readonly residual: readonly DirectionLabel[];
  readonly heads: readonly HeadLabel[];
  readonly mlps: readonly MlpLabel[];
  /** Written by the compiler since circuit discovery; files from before it have none (trueCircuit derives it). */
  readonly circuit?: CircuitLabel;
  /**
   * Set when these labels were copied from the model a learned one was fine-tuned from
   * (`train --init-from`): they describe that model before fine-tuning, and may no longer hold.
   */
  readonly inherited?: { readonly file: string; readonly origin: ModelConfig['origin'] };
}

export interface TrainingInfo {
  readonly program: string;
  readonly vocab: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
  readonly seed: number;
  readonly steps: number;
  readonly backend: string;
  readonly [extra: string]: unknown;
}

/** A model in memory: config, labels and named float32 weights (row-major, TransformerLens shapes). */
export interface ModelData {
  readonly config: ModelConfig;
  readonly labels: ModelLabels;
  readonly training?: TrainingInfo;
  readonly weights: ReadonlyMap<string, WeightArray>;
}

export interface WeightArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}
