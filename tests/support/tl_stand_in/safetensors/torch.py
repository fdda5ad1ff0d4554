"""safetensors.torch.load_file over numpy (see README.md)."""
from . import read


def load_file(path, device="cpu"):
    return read(path)[0]
