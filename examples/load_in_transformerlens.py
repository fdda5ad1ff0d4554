"""Run a rasplab model in TransformerLens (3.5).

    npx rasplab export fixtures/models/reverse.compiled.safetensors --tl reverse.tl.safetensors
    python examples/load_in_transformerlens.py reverse.tl.safetensors "a b c d" "e a"

Token 0 is BOS and starts every input; token ids come from the vocabulary in the file's metadata.
Output position i + 1 answers for input token i.
"""
import json
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file
from transformer_lens import HookedTransformer, HookedTransformerConfig


def load(path, process=False):
    with open(path.removesuffix(".safetensors") + ".json") as f:
        model = HookedTransformer(HookedTransformerConfig(**json.load(f)))
    state = load_file(path)
    if process:
        # TransformerLens's weight processing changes outputs unless told not to: center_unembed
        # subtracts each row's mean from W_U, which zeroes a numerical output's single column, and
        # center_writing_weights / fold_ln rely on a LayerNorm reading the residual (compiled
        # models have none).
        model.load_and_process_state_dict(state, fold_ln=False, center_writing_weights=False, center_unembed=False)
    else:
        model.load_state_dict(state, strict=True)  # every name, shape and buffer checked
    with safe_open(path, framework="pt") as f:
        return model, f.metadata()


def run(model, meta, text):
    """Logits [1, 1 + len, d_vocab_out] for one input: one length per batch, since a
    bidirectional model's heads would attend to padding."""
    vocab = json.loads(meta["rasplab.tokens"])
    return model(torch.tensor([[0] + [vocab.index(t) for t in text.split()]]))


def outputs(meta, logits):
    out = json.loads(meta["rasplab.output"])
    if out["encoding"] == "numerical":
        return [round(float(x), 4) for x in logits[0, 1:, 0]]
    return [out["values"][i] for i in logits[0, 1:].argmax(-1).tolist()]


if __name__ == "__main__":
    model, meta = load(sys.argv[1])
    for text in sys.argv[2:]:
        print(text, "->", " ".join(map(str, outputs(meta, run(model, meta, text)))))
