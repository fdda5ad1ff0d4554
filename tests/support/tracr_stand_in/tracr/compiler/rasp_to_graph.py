class Extracted:
    def __init__(self, program):
        self.graph, self.sink, self.sources = {"program": program.label}, program, [program]


def extract_rasp_graph(program):
    return Extracted(program)
