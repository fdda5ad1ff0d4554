/**
 * What TransformerLens expects, for the version rasplab targets (TransformerLens 3.5): the fields
 * `HookedTransformerConfig` accepts (its constructor refuses any other key), and the state dict a
 * `HookedTransformer` built from a config has, buffers included. Written from TransformerLens's
 * documented config fields and component parameters; export and import both read from here.
 *
 * The state dict of a standard-positional, non-gated, multi-head model:
 *   embed.W_E [d_vocab, d_model], pos_embed.W_pos [n_ctx, d_model]
 *   blocks.{l}.ln1.w / .b [d_model]                        (normalization_type 'LN')
 *   blocks.{l}.ln2.w / .b [d_model]                        ('LN' and not attn_only)
 *   blocks.{l}.attn.W_Q / W_K / W_V [n_heads, d_model, d_head], b_Q / b_K / b_V [n_heads, d_head]
 *   blocks.{l}.attn.W_O [n_heads, d_head, d_model], b_O [d_model]
 *   blocks.{l}.attn.mask  bool [0, 0]  (3.5 builds the causal mask at run time; before 3.5 it was
 *                                       bool [n_ctx, n_ctx], lower-triangular for causal models)
 *   blocks.{l}.attn.IGNORE float32 []  (-inf: the score of a masked key)
 *   blocks.{l}.mlp.W_in [d_model, d_mlp], b_in [d_mlp], W_out [d_mlp, d_model], b_out [d_model]   (not attn_only)
 *   ln_final.w / .b [d_model]                                ('LN')
 *   unembed.W_U [d_model, d_vocab_out], b_U [d_vocab_out]
 */

export const TL_VERSION = '3.5';

/** Every field of HookedTransformerConfig (its own and those it inherits), TransformerLens 3.5. */
export const TL_CONFIG_FIELDS: readonly string[] = [
  // inherited from TransformerLensConfig
  'd_model',
  'd_head',
  'n_layers',
  'n_ctx',
  'n_heads',
  'd_mlp',
  'd_vocab',
  'device',
  'use_attn_result',
  'use_split_qkv_input',
  'default_prepend_bos',
  'positional_embedding_type',
  'n_key_value_heads',
  'attn_only',
  'gated_mlp',
  'uses_rms_norm',
  'eps',
  'layer_norm_folding',
  'act_fn',
  'normalization_type',
  'num_experts',
  'experts_per_token',
  'final_rms',
  'dtype',
  // HookedTransformerConfig's own
  'model_name',
  'use_attn_scale',
  'attn_scale',
  'use_hook_mlp_in',
  'use_attn_in',
  'use_qk_norm',
  'use_local_attn',
  'ungroup_grouped_query_attention',
  'original_architecture',
  'from_checkpoint',
  'checkpoint_index',
  'checkpoint_label_type',
  'checkpoint_value',
  'tokenizer_name',
  'window_size',
  'attn_types',
  'init_mode',
  'n_devices',
  'attention_dir',
  'seed',
  'initializer_range',
  'init_weights',
  'scale_attn_by_inverse_layer_idx',
  'd_vocab_out',
  'parallel_attn_mlp',
  'rotary_dim',
  'n_params',
  'use_hook_tokens',
  'tokenizer_prepends_bos',
  'post_embedding_ln',
  'rotary_base',
  'rotary_base_local',
  'rotary_scaling_factor',
  'trust_remote_code',
  'rotary_adjacent_pairs',
  'load_in_4bit',
  'relative_attention_max_distance',
  'relative_attention_num_buckets',
  'decoder_start_token_id',
  'tie_word_embeddings',
  'use_normalization_before_and_after',
  'attn_scores_soft_cap',
  'output_logits_soft_cap',
  'use_NTK_by_parts_rope',
  'NTK_by_parts_low_freq_factor',
  'NTK_by_parts_high_freq_factor',
  'NTK_by_parts_factor',
  'NTK_original_ctx_len',
  'use_yarn_rope',
  'yarn_factor',
  'yarn_attention_factor',
  'yarn_beta_fast',
  'yarn_beta_slow',
  'yarn_original_max_position_embeddings',
  'norm_topk_prob',
];

/** The buffers every TransformerLens attention layer has in its state dict. */
export const TL_MASK = 'attn.mask';
export const TL_IGNORE = 'attn.IGNORE';

/** Metadata keys of an exported file: rasplab's facts about the model, which TransformerLens ignores. */
export const TL_META = {
  /** Export format version. */
  export: 'rasplab.export',
  /** rasplab's ModelConfig: vocabulary, output, origin and every layer's true size. */
  config: 'rasplab.config',
  labels: 'rasplab.labels',
  training: 'rasplab.training',
  /** The token text of each token id, BOS at 0 (JSON list of strings). */
  tokens: 'rasplab.tokens',
  /** What the logits mean: {"encoding": "numerical"} or {"encoding": "categorical", "values": [texts]}. */
  output: 'rasplab.output',
  /** Padding added for TransformerLens: {"heads": [[layer, head]], "neurons": [[layer, start, end]], "d_head": [per layer]}. */
  inert: 'rasplab.inert',
} as const;

export const TL_EXPORT_VERSION = '1';

/** The config file that goes with a state dict file: same name, `.json` for `.safetensors`. */
export function tlConfigPath(stateDictPath: string): string {
  return `${stateDictPath.replace(/\.safetensors$/, '')}.json`;
}

/** The architecture a TransformerLens config describes, in the terms rasplab's forward pass has. */
export interface TLShape {
  readonly nLayers: number;
  readonly dModel: number;
  readonly nHeads: number;
  readonly dHead: number;
  readonly dMlp: number;
  readonly attnOnly: boolean;
  readonly dVocab: number;
  readonly dVocabOut: number;
  readonly nCtx: number;
  readonly norm: 'LN' | 'LNPre' | null;
  readonly causal: boolean;
  readonly actFn: 'relu' | 'gelu';
  readonly attnScale: number;
}

/** The parameters (not buffers) a HookedTransformer of this shape has, with their shapes. */
export function tlParameterShapes(s: TLShape): Map<string, number[]> {
  const { dModel: d, nHeads: H, dHead: E } = s;
  const out = new Map<string, number[]>();
  out.set('embed.W_E', [s.dVocab, d]);
  out.set('pos_embed.W_pos', [s.nCtx, d]);
  const ln = s.norm === 'LN';
  for (let l = 0; l < s.nLayers; l++) {
    const p = `blocks.${l}`;
    if (ln) {
      out.set(`${p}.ln1.w`, [d]);
      out.set(`${p}.ln1.b`, [d]);
      if (!s.attnOnly) {
        out.set(`${p}.ln2.w`, [d]);
        out.set(`${p}.ln2.b`, [d]);
      }
    }
    for (const x of ['Q', 'K', 'V']) {
      out.set(`${p}.attn.W_${x}`, [H, d, E]);
      out.set(`${p}.attn.b_${x}`, [H, E]);
    }
    out.set(`${p}.attn.W_O`, [H, E, d]);
    out.set(`${p}.attn.b_O`, [d]);
    if (!s.attnOnly) {
      out.set(`${p}.mlp.W_in`, [d, s.dMlp]);
      out.set(`${p}.mlp.b_in`, [s.dMlp]);
      out.set(`${p}.mlp.W_out`, [s.dMlp, d]);
      out.set(`${p}.mlp.b_out`, [d]);
    }
  }
  if (ln) {
    out.set('ln_final.w', [d]);
    out.set('ln_final.b', [d]);
  }
  out.set('unembed.W_U', [d, s.dVocabOut]);
  out.set('unembed.b_U', [s.dVocabOut]);
  return out;
}
