"""Exact-mode size guards of the estimator and float-range guards of the cube bound (review findings)."""
from fractions import Fraction

import mpmath
import pytest

from bonsym import kl_bin, kl_bon_estimate, win_rate_gap_bound


@pytest.mark.parametrize("fn", [kl_bin, kl_bon_estimate])
@pytest.mark.parametrize("n", [10**7, Fraction(10**7 + 1, 2), 10**300])
def test_exact_estimator_refuses_gigantic_rationals(fn, n):
    with pytest.raises(ValueError, match="dps=k"):
        fn("1/3", n, exact=True)


def test_exact_estimator_below_the_limit_matches_a_rational_oracle():
    # KL_bin(eps) = (1-a) log((1-a)/eps) + (n-1) a log(1-eps), a = (1-eps)^n (B15), typed here
    eps, n = Fraction(1, 3), 2000
    a = (1 - eps) ** n
    with mpmath.workdps(60):
        A = mpmath.mpf((1 - a).numerator) / (1 - a).denominator
        am = mpmath.mpf(a.numerator) / a.denominator
        want = A * mpmath.log(A * 3) + (n - 1) * am * mpmath.log(mpmath.mpf(2) / 3)
        got = mpmath.mpf(kl_bin(eps, n, exact=True).evalf(50))
        assert abs(got - want) < mpmath.mpf(10) ** -45


def test_cube_bound_float_near_the_float_range():
    p = [0.5, 0.5]
    n = 10**150
    want = Fraction(n) * (n - 1) / 12 * Fraction(1, 4)   # n(n-1)/12 sum p^3 (B26), exact
    assert abs(win_rate_gap_bound(p, n) / float(want) - 1) < 1e-15
    with pytest.raises(ValueError, match="float range"):
        win_rate_gap_bound(p, 10**300)
    with pytest.raises(ValueError, match="float range"):
        win_rate_gap_bound(p, 10**400)
