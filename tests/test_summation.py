"""dd_total / accurate_sum against exact rational sums (long arrays take the vectorised extraction path)."""
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bonsym.summation import accurate_sum, dd_total


def _exact(x):
    return sum((Fraction(v) for v in x.tolist()), Fraction(0)), sum((abs(Fraction(v)) for v in x.tolist()), Fraction(0))


@given(st.integers(0, 2**32 - 1), st.integers(1, 4000), st.sampled_from(["pos", "signed", "cancel", "tiny", "huge"]))
def test_dd_total_is_exact_to_double_double(seed, L, shape):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(L) * 10.0 ** rng.integers(-30, 30, size=L)
    if shape == "pos":
        x = np.abs(x)
    elif shape == "cancel":
        x = np.concatenate((x, -x[: L // 2], [1e-20]))
    elif shape == "tiny":
        x = x * 1e-290
    elif shape == "huge":
        x = x * 1e270
    hi, lo = dd_total(x)
    exact, size = _exact(x)
    assert abs(Fraction(hi) + Fraction(lo) - exact) <= size * Fraction(1, 10**28)
    # hi is the rounded sum (a faithful rounding at worst)
    assert abs(Fraction(hi) - exact) <= abs(exact) * Fraction(1, 2**52) + size * Fraction(1, 10**28)
    assert accurate_sum(x) == float(Fraction(hi) + Fraction(lo))


def test_long_sum_beats_plain_summation():
    x = np.concatenate(([1.0], np.full(100_000, 1e-17), [-1.0]))
    assert float(np.sum(x)) != 1e-12                        # the plain sum loses the small terms
    assert abs(accurate_sum(x) / 1e-12 - 1) < 1e-15         # exactly 100000 * 1e-17
