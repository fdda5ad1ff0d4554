"""The s-op the driver compares and names: only what tracrCompileTimes.py touches."""


class SOp:
    def __init__(self, label):
        self.label = label

    def __eq__(self, other):
        return SOp(f"{self.label}=={other}")

    __hash__ = object.__hash__


tokens = SOp("tokens")
