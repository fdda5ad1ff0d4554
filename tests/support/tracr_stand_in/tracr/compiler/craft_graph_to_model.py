def craft_graph_to_model(graph, sources):
    assert "bases" in graph and "craft" in graph, "passes ran out of order"
    return graph
