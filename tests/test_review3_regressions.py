"""Regressions from the third cold review: float divergences at extreme ratios, cache validation at
several points, nan margins, complex identities, trivial exact estimator inputs."""
import warnings
from fractions import Fraction as F

import mpmath
import pytest
import sympy

from bonsym import divergence, kl_bin, kl_bon_estimate


def _oracle(kind, p, q, alpha=None):
    """The textbook formulas at 120 digits on exactly normalised Fraction laws (THEORY.md M14-M16)."""
    p = [F(x) for x in p]
    q = [F(x) for x in q]
    sp, sq = sum(p), sum(q)
    p = [x / sp for x in p]
    q = [x / sq for x in q]
    with mpmath.workdps(120):
        P = [mpmath.mpf(x.numerator) / x.denominator for x in p]
        Q = [mpmath.mpf(x.numerator) / x.denominator for x in q]
        if kind == "chi2":
            return sum((a - b) ** 2 / b for a, b in zip(P, Q) if b)
        if kind == "tv":
            return sum(abs(a - b) for a, b in zip(P, Q)) / 2
        if kind == "hellinger":
            return 1 - sum(mpmath.sqrt(a * b) for a, b in zip(P, Q))
        if kind == "js":
            tot = 0
            for a, b in zip(P, Q):
                m = (a + b) / 2
                tot += (a * mpmath.log(a / m) if a else 0) + (b * mpmath.log(b / m) if b else 0)
            return tot / 2
        al = mpmath.mpf(alpha.numerator) / alpha.denominator
        return mpmath.log(sum(a**al * b ** (1 - al) for a, b in zip(P, Q) if a and b)) / (al - 1)


@pytest.mark.parametrize("kind", ["chi2", "tv", "hellinger", "js"])
@pytest.mark.parametrize("p,q", [
    ([0.5, 0.5], [1e-200, 1.0]),                       # ratio 5e199: q d^2 overflowed
    ([0.5, 0.0, 0.5], [1e-315, 0.5, 0.5]),             # subnormal q: r = inf
    (["1/2", "1/2"], [1 - F(1, 10**310), F(1, 10**310)]),  # exact law, ratio beyond the float range
])
def test_float_divergence_with_extreme_ratios(kind, p, q):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = divergence(kind, p, q)
    want = _oracle(kind, p, q)
    if want > mpmath.mpf("1.7e308"):
        assert got == float("inf")
    else:
        assert abs(got / float(want) - 1) < 1e-13, (got, want)


def test_float_renyi_below_one_with_tiny_total_is_accurate():
    p, q, a = [1e-300, 1.0], [1.0, 1e-300], F(1997, 2000)
    got = divergence("renyi", p, q, alpha=a)
    want = _oracle("renyi", p, q, a)
    assert abs(got / float(want) - 1) < 2e-15


def test_float_renyi_at_astronomical_alpha_is_not_nan():
    got = divergence("renyi", [0.8, 0.2], [0.2, 0.8], alpha=1.7e308)
    # alpha -> inf: log max p/q = log 4, and at finite alpha log(S)/(alpha-1) is within 1e-300 of it
    assert abs(got - 2 * 0.6931471805599453) < 1e-15


def test_cache_validators_reject_forms_that_agree_at_one_point():
    from bonsym.derive import fdivergences, orderstats

    with pytest.raises(ArithmeticError):
        fdivergences._validate("chi2", "(n - 1)**2/(2*n - 1) + (n - 13/4)")
    d = dict(orderstats.exp_max_forms())
    d.update(cumulant="2*harmonic(n, k)", mean="11/6", variance="49/36")  # right at n = 3, k = 3 only
    with pytest.raises(ArithmeticError):
        orderstats._validate_forms(d)


def test_numeric_identity_accepts_complex_identities_at_full_precision():
    from bonsym.derive.core import numeric_identity

    x = sympy.Symbol("x", positive=True)
    assert numeric_identity(sympy.log(-x), sympy.log(x) + sympy.I * sympy.pi, (x,)).kind == "numeric"
    with pytest.raises(ArithmeticError):
        numeric_identity(sympy.log(-x), sympy.log(x) + sympy.I * (sympy.pi + sympy.Rational(1, 10**30)), (x,))


def test_nan_and_float_margins_never_refute_or_verify():
    from bonsym.engine import check_on_instances, margin_of

    assert check_on_instances(lambda i, d: mpmath.mpf("nan"), [1], dps=30).status == "unknown"
    assert check_on_instances(lambda i, d: margin_of(mpmath.inf, mpmath.inf, d), [1], dps=30).status == "unknown"
    # 0.3 - (0.1 + 0.2) = -5.6e-17 is float rounding, not a counterexample
    assert check_on_instances(lambda i, d: 0.3 - (0.1 + 0.2), [1], dps=30).status == "unknown"
    assert check_on_instances(lambda i, d: -1.0, [1], dps=30).status == "refuted"


@pytest.mark.parametrize("fn", [kl_bin, kl_bon_estimate])
def test_exact_estimator_at_eps_zero_or_one_needs_no_size_guard(fn):
    # (1 - eps)^n is 1 or 0: nothing grows.  d_n(1) = KL_bin(1) = 0; KL_bin(0) = 0, d_n(0) = log n - (n-1)/n (B16)
    n = 10**7
    assert fn(1, n, exact=True) == 0
    got = fn(0, n, exact=True)
    want = 0 if fn is kl_bin else sympy.log(n) - sympy.Rational(n - 1, n)
    assert sympy.simplify(got - want) == 0
