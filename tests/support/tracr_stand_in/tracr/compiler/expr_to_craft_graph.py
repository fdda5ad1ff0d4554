def add_craft_components_to_rasp_graph(graph, bos_dir, mlp_exactness):
    graph["craft"] = (bos_dir.name, bos_dir.value, mlp_exactness)
