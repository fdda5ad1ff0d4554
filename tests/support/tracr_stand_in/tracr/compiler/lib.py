"""Each library program as a labelled stand-in s-op."""
from tracr.rasp.rasp import SOp


def _program(name):
    return lambda *args, **kwargs: SOp(name)


make_length = _program("length")
make_reverse = _program("reverse")
make_hist = _program("hist")
make_sort_unique = _program("sort_unique")
make_sort = _program("sort")
make_frac_prevs = _program("frac_prevs")
make_pair_balance = _program("pair_balance")
make_shuffle_dyck = _program("shuffle_dyck")
make_shuffle_dyck2 = _program("shuffle_dyck2")
make_count_less_freq = _program("count_less_freq")


def make_sort_freq(max_seq_len):
    raise NotImplementedError("the stand-in has no sort_freq")
