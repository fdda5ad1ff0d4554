"""HookedTransformerConfig and HookedTransformer as TransformerLens 3.5 computes them, over numpy.

Only standard positions, LN / LNPre / no normalisation, relu / gelu MLPs and multi-head attention:
what a rasplab export uses. See README.md.
"""
import dataclasses
import math

import numpy as np

_REQUIRED = ["d_model", "d_head", "n_layers", "n_ctx"]
# HookedTransformerConfig's other fields (its own and inherited ones) with their defaults.
_DEFAULTS = {
    "n_heads": -1, "d_mlp": None, "d_vocab": -1, "device": None, "use_attn_result": False,
    "use_split_qkv_input": False, "default_prepend_bos": True, "positional_embedding_type": "standard",
    "n_key_value_heads": None, "attn_only": False, "gated_mlp": False, "uses_rms_norm": False, "eps": 1e-5,
    "layer_norm_folding": False, "act_fn": "relu", "normalization_type": "LN", "num_experts": None,
    "experts_per_token": None, "final_rms": False, "dtype": "float32", "model_name": "custom",
    "use_attn_scale": True, "attn_scale": -1.0, "use_hook_mlp_in": False, "use_attn_in": False,
    "use_qk_norm": False, "use_local_attn": False, "ungroup_grouped_query_attention": False,
    "original_architecture": None, "from_checkpoint": False, "checkpoint_index": None,
    "checkpoint_label_type": None, "checkpoint_value": None, "tokenizer_name": None, "window_size": None,
    "attn_types": None, "init_mode": "gpt2", "n_devices": 1, "attention_dir": "causal", "seed": None,
    "initializer_range": -1.0, "init_weights": True, "scale_attn_by_inverse_layer_idx": False,
    "d_vocab_out": -1, "parallel_attn_mlp": False, "rotary_dim": None, "n_params": None,
    "use_hook_tokens": False, "tokenizer_prepends_bos": None, "post_embedding_ln": False,
    "rotary_base": 10000, "rotary_base_local": None, "rotary_scaling_factor": 1.0, "trust_remote_code": False,
    "rotary_adjacent_pairs": False, "load_in_4bit": False, "relative_attention_max_distance": None,
    "relative_attention_num_buckets": None, "decoder_start_token_id": None, "tie_word_embeddings": False,
    "use_normalization_before_and_after": False, "attn_scores_soft_cap": -1.0, "output_logits_soft_cap": -1.0,
    "use_NTK_by_parts_rope": False, "NTK_by_parts_low_freq_factor": 1.0, "NTK_by_parts_high_freq_factor": 4.0,
    "NTK_by_parts_factor": 8.0, "NTK_original_ctx_len": 8192, "use_yarn_rope": False, "yarn_factor": 1.0,
    "yarn_attention_factor": 1.0, "yarn_beta_fast": 32.0, "yarn_beta_slow": 1.0,
    "yarn_original_max_position_embeddings": 4096, "norm_topk_prob": False,
}


def _post_init(self):
    if self.n_heads == -1:
        self.n_heads = self.d_model // self.d_head
    if self.d_mlp is None:
        self.d_mlp = self.d_model * 4
    if self.d_vocab_out == -1:
        self.d_vocab_out = self.d_vocab
    if self.use_attn_scale and self.attn_scale == -1.0:
        self.attn_scale = math.sqrt(self.d_head)
    for field in ["positional_embedding_type"]:
        if getattr(self, field) != "standard":
            raise NotImplementedError(f"stand-in: {field} {getattr(self, field)!r}")


HookedTransformerConfig = dataclasses.make_dataclass(
    "HookedTransformerConfig",
    [(n, object) for n in _REQUIRED] + [(n, object, dataclasses.field(default=v)) for n, v in _DEFAULTS.items()],
    namespace={"__post_init__": _post_init},
)


def _erf_gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


class HookedTransformer:
    def __init__(self, cfg):
        if isinstance(cfg, dict):
            cfg = HookedTransformerConfig(**cfg)
        self.cfg = cfg
        self._params = {}
        self._shapes = self._state_dict_shapes()

    def _state_dict_shapes(self):
        """Name -> (shape, dtype) of every entry of the state dict, buffers included."""
        c = self.cfg
        d, H, E = c.d_model, c.n_heads, c.d_head
        f, b = "float", "bool"
        s = {"embed.W_E": ((c.d_vocab, d), f), "pos_embed.W_pos": ((c.n_ctx, d), f)}
        ln = c.normalization_type == "LN"
        for l in range(c.n_layers):
            p = f"blocks.{l}."
            if ln:
                s[p + "ln1.w"] = ((d,), f)
                s[p + "ln1.b"] = ((d,), f)
                if not c.attn_only:
                    s[p + "ln2.w"] = ((d,), f)
                    s[p + "ln2.b"] = ((d,), f)
            s[p + "attn.W_Q"] = ((H, d, E), f)
            s[p + "attn.W_O"] = ((H, E, d), f)
            s[p + "attn.b_Q"] = ((H, E), f)
            s[p + "attn.b_O"] = ((d,), f)
            s[p + "attn.W_K"] = ((H, d, E), f)
            s[p + "attn.W_V"] = ((H, d, E), f)
            s[p + "attn.b_K"] = ((H, E), f)
            s[p + "attn.b_V"] = ((H, E), f)
            s[p + "attn.mask"] = ((0, 0), b)  # 3.5: an empty buffer, the causal mask is built per call
            s[p + "attn.IGNORE"] = ((), f)
            if not c.attn_only:
                s[p + "mlp.W_in"] = ((d, c.d_mlp), f)
                s[p + "mlp.b_in"] = ((c.d_mlp,), f)
                s[p + "mlp.W_out"] = ((c.d_mlp, d), f)
                s[p + "mlp.b_out"] = ((d,), f)
        if ln:
            s["ln_final.w"] = ((d,), f)
            s["ln_final.b"] = ((d,), f)
        s["unembed.W_U"] = ((d, c.d_vocab_out), f)
        s["unembed.b_U"] = ((c.d_vocab_out,), f)
        return s

    def state_dict(self):
        return dict(self._params)

    def load_state_dict(self, state_dict, strict=True):
        missing = [k for k in self._shapes if k not in state_dict]
        unexpected = [k for k in state_dict if k not in self._shapes]
        if strict and (missing or unexpected):
            raise RuntimeError(f"Error(s) in loading state_dict: Missing key(s): {missing}. Unexpected key(s): {unexpected}.")
        for k, v in state_dict.items():
            if k not in self._shapes:
                continue
            shape, kind = self._shapes[k]
            v = np.asarray(v)
            if tuple(v.shape) != shape:
                raise RuntimeError(f"size mismatch for {k}: copying a param with shape {list(v.shape)}, the shape in current model is {list(shape)}.")
            if (kind == "bool") != (v.dtype == np.bool_):
                raise RuntimeError(f"dtype mismatch for {k}: {v.dtype}")
            self._params[k] = v.astype(np.float64) if kind == "float" else v
        return None

    def load_and_process_state_dict(self, state_dict, fold_ln=True, center_writing_weights=True, center_unembed=True,
                                    fold_value_biases=True, refactor_factored_attn_matrices=False):
        sd = {k: np.asarray(v, dtype=np.float64) if np.asarray(v).dtype != np.bool_ else np.asarray(v) for k, v in state_dict.items()}
        c = self.cfg
        if fold_ln and c.normalization_type == "LN":
            raise NotImplementedError("stand-in: fold_ln")
        if refactor_factored_attn_matrices:
            raise NotImplementedError("stand-in: refactor_factored_attn_matrices")
        if center_writing_weights:
            # Each weight that writes to the residual stream loses its mean over d_model.
            def centre(k):
                sd[k] = sd[k] - sd[k].mean(-1, keepdims=True)
            centre("embed.W_E")
            centre("pos_embed.W_pos")
            for l in range(c.n_layers):
                centre(f"blocks.{l}.attn.W_O")
                centre(f"blocks.{l}.attn.b_O")
                if not c.attn_only:
                    centre(f"blocks.{l}.mlp.W_out")
                    centre(f"blocks.{l}.mlp.b_out")
        if center_unembed:
            # Each row of W_U (and b_U) loses its mean over the outputs: one output column becomes 0.
            sd["unembed.W_U"] = sd["unembed.W_U"] - sd["unembed.W_U"].mean(-1, keepdims=True)
            sd["unembed.b_U"] = sd["unembed.b_U"] - sd["unembed.b_U"].mean()
        if fold_value_biases:
            # Patterns sum to 1, so b_V adds b_V @ W_O to every position: move it into b_O.
            for l in range(c.n_layers):
                p = f"blocks.{l}.attn."
                sd[p + "b_O"] = sd[p + "b_O"] + np.einsum("he,hed->d", sd[p + "b_V"], sd[p + "W_O"])
                sd[p + "b_V"] = np.zeros_like(sd[p + "b_V"])
        self.load_state_dict(sd, strict=False)

    # ---- forward pass ---------------------------------------------------------------------

    def _ln(self, x, prefix, cache):
        if self.cfg.normalization_type is None:
            return x
        x = x - x.mean(-1, keepdims=True)
        scale = np.sqrt((x**2).mean(-1, keepdims=True) + self.cfg.eps)
        cache[prefix + "hook_scale"] = scale
        x = x / scale
        cache[prefix + "hook_normalized"] = x
        if self.cfg.normalization_type == "LNPre":
            return x
        return x * self._params[prefix + "w"] + self._params[prefix + "b"]

    def _attn(self, x, l, cache):
        c, P = self.cfg, self._params
        p = f"blocks.{l}.attn."
        q = np.einsum("bpd,hde->bphe", x, P[p + "W_Q"]) + P[p + "b_Q"]
        k = np.einsum("bpd,hde->bphe", x, P[p + "W_K"]) + P[p + "b_K"]
        v = np.einsum("bpd,hde->bphe", x, P[p + "W_V"]) + P[p + "b_V"]
        cache[p + "hook_q"], cache[p + "hook_k"], cache[p + "hook_v"] = q, k, v
        scale = c.attn_scale if c.use_attn_scale else 1.0
        scores = np.einsum("bqhe,bkhe->bhqk", q, k) / scale
        n = x.shape[1]
        if c.attention_dir == "causal":
            visible = np.tril(np.ones((n, n), dtype=bool))
            scores = np.where(visible[None, None], scores, P[p + "IGNORE"])
        cache[p + "hook_attn_scores"] = scores
        with np.errstate(invalid="ignore"):
            e = np.exp(scores - scores.max(-1, keepdims=True))
            pattern = e / e.sum(-1, keepdims=True)
        pattern = np.where(np.isnan(pattern), 0.0, pattern)
        cache[p + "hook_pattern"] = pattern
        z = np.einsum("bhqk,bkhe->bqhe", pattern, v)
        cache[p + "hook_z"] = z
        result = np.einsum("bqhe,hed->bqhd", z, P[p + "W_O"])
        cache[p + "hook_result"] = result
        return result.sum(2) + P[p + "b_O"]

    def _mlp(self, x, l, cache):
        P = self._params
        p = f"blocks.{l}.mlp."
        pre = x @ P[p + "W_in"] + P[p + "b_in"]
        cache[p + "hook_pre"] = pre
        post = np.maximum(pre, 0) if self.cfg.act_fn == "relu" else _erf_gelu(pre)
        cache[p + "hook_post"] = post
        return post @ P[p + "W_out"] + P[p + "b_out"]

    def run_with_cache(self, tokens):
        c, P = self.cfg, self._params
        tokens = np.asarray(tokens)
        cache = {}
        embed = P["embed.W_E"][tokens]
        pos = np.broadcast_to(P["pos_embed.W_pos"][: tokens.shape[1]], embed.shape)
        cache["hook_embed"], cache["hook_pos_embed"] = embed, pos
        resid = embed + pos
        for l in range(c.n_layers):
            b = f"blocks.{l}."
            cache[b + "hook_resid_pre"] = resid
            attn_out = self._attn(self._ln(resid, b + "ln1.", cache), l, cache)
            cache[b + "hook_attn_out"] = attn_out
            resid = resid + attn_out
            if not c.attn_only:
                cache[b + "hook_resid_mid"] = resid
                mlp_out = self._mlp(self._ln(resid, b + "ln2.", cache), l, cache)
                cache[b + "hook_mlp_out"] = mlp_out
                resid = resid + mlp_out
            cache[b + "hook_resid_post"] = resid
        final = self._ln(resid, "ln_final.", cache)
        cache["unembed.hook_in"] = final
        logits = final @ P["unembed.W_U"] + P["unembed.b_U"]
        cache["unembed.hook_out"] = logits
        return logits, cache

    def __call__(self, tokens):
        return self.run_with_cache(tokens)[0]
