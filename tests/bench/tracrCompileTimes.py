"""Times tracr's compiler on its own library programs, for `npm run bench -- compile` to set beside
rasplab's in the same run. Nothing of tracr is kept in this repository: TRACR_DIR names a checkout of
google-deepmind/tracr the user has, and this file only imports it.

As shared/anchors/tracr.md measured it: the compiler up to the craft model (graph extraction, basis
inference, craft blocks, craft model), without assembly into a Haiku model, so that jax and haiku
are not needed; CPU time of the process; a fresh program for each compile; the median of 21 runs
when the first takes under 20 ms, of 5 under a second, else of 1 (after the first).

Reads a JSON list of [tracr_name, max_len] on stdin; prints one JSON object per line:
{"name": ..., "max_len": ..., "ms": ...} or {"name": ..., "max_len": ..., "error": ...}.
"""

import json
import logging
import os
import statistics
import sys
import time
import types

sys.path.insert(0, os.environ["TRACR_DIR"])

# tracr logs through absl; the standard library's logging has the calls it makes.
try:
    import absl.logging  # noqa: F401
except ImportError:
    absl = types.ModuleType("absl")
    absl.logging = logging
    sys.modules["absl"] = absl
    sys.modules["absl.logging"] = logging

# tracr.compiler's package imports its assembly (jax, haiku, chex) through compiling.py; the passes
# timed here do not use it.
try:
    import jax  # noqa: F401
    import haiku  # noqa: F401
except ImportError:
    stub = types.ModuleType("tracr.compiler.compiling")
    stub.compile_rasp_to_model = None
    sys.modules["tracr.compiler.compiling"] = stub

from tracr.compiler import basis_inference, craft_graph_to_model, expr_to_craft_graph, lib, rasp_to_graph  # noqa: E402
from tracr.craft import bases  # noqa: E402
from tracr.rasp import rasp  # noqa: E402

PROGRAMS = {
    "length": (lambda n: lib.make_length(), {1, 2, 3}),
    "reverse": (lambda n: lib.make_reverse(rasp.tokens), {1, 2, 3}),
    "hist": (lambda n: lib.make_hist(), {1, 2, 3}),
    "sort_unique": (lambda n: lib.make_sort_unique(rasp.tokens, rasp.tokens), {1, 2, 3}),
    "sort": (lambda n: lib.make_sort(rasp.tokens, rasp.tokens, max_seq_len=n, min_key=1), {1, 2, 3}),
    "sort_freq": (lambda n: lib.make_sort_freq(n), {1, 2, 3}),
    "frac_prevs": (lambda n: lib.make_frac_prevs(rasp.tokens == "x"), {"a", "b", "x"}),
    "pair_balance": (lambda n: lib.make_pair_balance(rasp.tokens, "(", ")"), {"(", ")", "a"}),
    "shuffle_dyck": (lambda n: lib.make_shuffle_dyck(["()"]), {"(", ")", "a"}),
    "shuffle_dyck2": (lambda n: lib.make_shuffle_dyck2(), {"(", ")", "a", "{", "}"}),
    "count_less_freq(2)": (lambda n: lib.make_count_less_freq(2), {"a", "b", "c"}),
}


def craft_model(program, vocab, max_len):
    extracted = rasp_to_graph.extract_rasp_graph(program)
    basis_inference.infer_bases(extracted.graph, extracted.sink, vocab, max_len)
    bos = bases.BasisDirection(rasp.tokens.label, "compiler_bos")
    expr_to_craft_graph.add_craft_components_to_rasp_graph(extracted.graph, bos_dir=bos, mlp_exactness=100)
    return craft_graph_to_model.craft_graph_to_model(extracted.graph, extracted.sources)


def cpu_ms(make, vocab, max_len):
    program = make(max_len)
    t0 = time.process_time()
    craft_model(program, vocab, max_len)
    return (time.process_time() - t0) * 1000


def median_ms(make, vocab, max_len):
    first = cpu_ms(make, vocab, max_len)
    reps = 21 if first < 20 else 5 if first < 1000 else 1
    return statistics.median(cpu_ms(make, vocab, max_len) for _ in range(reps))


for name, max_len in json.load(sys.stdin):
    try:
        make, vocab = PROGRAMS[name]
        print(json.dumps({"name": name, "max_len": max_len, "ms": median_ms(make, vocab, max_len)}), flush=True)
    except Exception as e:  # one program failing leaves the others' figures
        print(json.dumps({"name": name, "max_len": max_len, "error": f"{type(e).__name__}: {e}"}), flush=True)
