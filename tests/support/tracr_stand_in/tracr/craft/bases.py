class BasisDirection:
    def __init__(self, name, value=None):
        self.name, self.value = name, value
