def infer_bases(graph, sink, vocab, max_seq_len):
    graph["bases"] = (sorted(map(str, vocab)), max_seq_len)
