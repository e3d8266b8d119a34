"""Regression tests for bonsym.divergence (float Rényi overflow / cancellation, fast float and dps paths).

Every expected value comes from an oracle written here: the laws are turned into exact
Fractions (a float *is* a dyadic rational), normalised exactly, and the textbook formula
is evaluated in mpmath at 60 digits (``mpmath.workdps``), never through bonsym.
"""
import math
from fractions import Fraction as Fr

import mpmath
import numpy as np
import pytest

import bonsym

ORACLE_DPS = 60


def _exact_law(x):
    f = [Fr(v) for v in x]
    t = sum(f, Fr(0))
    return [v / t for v in f]


def _mp(f):
    return mpmath.mpf(f.numerator) / f.denominator


def oracle(kind, p, q, alpha=None, dps=ORACLE_DPS):
    """Textbook formulas (tests/oracles.py ``fdiv_mp``) at ``dps`` digits on the exactly normalised laws."""
    from oracles import fdiv_mp

    P, Q = _exact_law(p), _exact_law(q)
    if kind == "renyi" and alpha == math.inf:  # the limit: log max p/q (inf without absolute continuity)
        if any(x and not y for x, y in zip(P, Q)):
            return mpmath.inf
        with mpmath.workdps(dps):
            return mpmath.log(max(_mp(x / y) for x, y in zip(P, Q) if x))
    with mpmath.workdps(dps):
        return +fdiv_mp(kind, P, Q, alpha, dps=dps)


def rel_err(got, want):
    with mpmath.workdps(ORACLE_DPS):
        return float(abs((mpmath.mpf(got) - want) / want))


def _renyi_laws():
    rng = np.random.default_rng(20261202)
    x = rng.dirichlet(np.ones(1000))
    y = rng.dirichlet(np.ones(1000))
    near_q = x * (1 + 1e-7 * rng.standard_normal(1000))
    return {
        "nearly_equal": ([0.25 - 2.0**-30, 0.25 + 2.0**-29, 0.5 - 2.0**-30], [0.25, 0.25, 0.5]),
        "tiny_atoms": ([1e-300, 0.3, 0.7 - 1e-300], [0.5, 0.5 - 1e-300, 1e-300]),
        "tiny_atoms_b": ([0.5, 0.5 - 1e-300, 1e-300], [1e-300, 0.5, 0.5 - 1e-300]),
        "ratio_10": ([0.5, 0.3, 0.2], [0.05, 0.45, 0.5]),
        "dirichlet_1000": (list(x), list(y)),
        "dirichlet_1000_near": (list(x), list(near_q / near_q.sum())),
    }


RENYI_LAWS = _renyi_laws()
ALPHAS = [1e-12, 1e-8, 1e-3, 0.5, 1 - 1e-12, 1 + 1e-9, 2, 50, 500, 1e4, 1e6, math.inf]


@pytest.mark.parametrize("name", sorted(RENYI_LAWS))
def test_renyi_float_grid_matches_60_digit_oracle(name):
    """Old code: inf (r**a overflow) at a >= 500, 1e-4 relative error at a = 1 -+ eps, 2e-5 at
    a = 1e-12 (the binomial coefficient a*(a-1)... was built from (a - 1) + 1)."""
    p, q = RENYI_LAWS[name]
    for a in ALPHAS:
        want = oracle("renyi", p, q, a)
        got = bonsym.divergence("renyi", p, q, alpha=a)
        assert isinstance(got, float) and math.isfinite(got), (name, a, got)
        assert rel_err(got, want) < 1e-12, (name, a, got, want)


def test_renyi_float_near_one_non_binary_alpha():
    """alpha = 1 + 10^-9 as an exact Fraction (not a binary float): D -> KL with no cancellation."""
    p, q = RENYI_LAWS["ratio_10"]
    for a in (Fr(10**9 + 1, 10**9), Fr(10**12 - 1, 10**12), Fr(7, 8), Fr(9, 8), Fr(8, 7)):
        want = oracle("renyi", p, q, a)
        assert rel_err(bonsym.divergence("renyi", p, q, alpha=a), want) < 1e-13, a


def test_renyi_float_mass_outside_q_support():
    """p charges an atom q does not: finite for a < 1 (S - 1 includes -a P0), infinite for a >= 1."""
    p, q = [0.2, 0.3, 0.5, 0.0], [0.0, 0.3, 0.3, 0.4]
    for a in (1e-8, 0.3, 0.9, 1 - 1e-9):
        assert rel_err(bonsym.divergence("renyi", p, q, alpha=a), oracle("renyi", p, q, a)) < 1e-12, a
    for a in (1 + 1e-9, 2, 1e4, math.inf):
        assert bonsym.divergence("renyi", p, q, alpha=a) == math.inf
    assert bonsym.divergence("renyi", [1.0, 0.0], [0.0, 1.0], alpha=0.5) == math.inf  # no common support


def test_renyi_float_subnormal_q_atom():
    """q_i = 1e-310 makes p_i/q_i overflow to inf: the terms are rebuilt from p and log q + a log r."""
    p, q = [0.5, 0.5 - 1e-310, 1e-310], [1e-310, 0.5, 0.5 - 1e-310]
    for a in (0.3, 0.9, 1 + 1e-9, 1.1, 3, 1e4, math.inf):
        assert rel_err(bonsym.divergence("renyi", p, q, alpha=a), oracle("renyi", p, q, a)) < 1e-12, a


def test_renyi_large_alpha_closed_form():
    """Hand-derived: p = (1/2, 1/2), q = (1/4, 3/4): S = 2^a/4 + (3/4)(2/3)^a, so
    D_a = log 2 - log(2)/(a-1) + log1p(3 (1/3)^a)/(a-1) (third term below 1e-300 here)."""
    for a in (500, 1e4, 1e6):
        want = math.log(2) * (1 - 1 / (a - 1))
        got = bonsym.divergence("renyi", [0.5, 0.5], [0.25, 0.75], alpha=a)
        assert abs(got - want) <= 2e-16 * want, a
    assert bonsym.divergence("renyi", [0.5, 0.5], [0.25, 0.75], alpha=math.inf) == math.log(2)


# ---------------------------------------------------------------------------
# the other kinds, float and dps=30, on larger laws

def _big_laws(n, seed, near=False, tiny=False):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    q = p * (1 + 1e-8 * rng.standard_normal(n)) if near else rng.dirichlet(np.ones(n))
    if tiny:
        p[: n // 100] = 1e-300
        p[-1] = 0.0
        q[1] = 0.0 if tiny == "zero_q" else q[1]
    return p / p.sum(), q / q.sum()


@pytest.mark.parametrize("variant", ["generic", "near", "tiny"])
def test_float_and_dps_all_kinds_1000_atoms(variant):
    p, q = _big_laws(1000, 7, near=(variant == "near"), tiny=(variant == "tiny"))
    cases = [("chi2", None), ("tv", None), ("hellinger", None), ("js", None),
             ("renyi", 0.5), ("renyi", 1 + 1e-9), ("renyi", 3), ("renyi", 1e4), ("renyi", math.inf)]
    for kind, a in cases:
        kw = {} if a is None else {"alpha": a}
        want = oracle(kind, p, q, a)
        fl = bonsym.divergence(kind, p, q, **kw)
        assert isinstance(fl, float) and rel_err(fl, want) < 1e-12, (variant, kind, a, fl, want)
        mp = bonsym.divergence(kind, p, q, dps=30, **kw)
        assert isinstance(mp, mpmath.mpf) and rel_err(mp, want) < 1e-29, (variant, kind, a, mp, want)


def test_chi2_tv_with_mass_outside_q_support():
    p, q = _big_laws(500, 11, tiny="zero_q")  # q_1 = 0 < p_1
    assert bonsym.divergence("chi2", p, q) == math.inf
    assert bonsym.divergence("chi2", p, q, dps=30) == mpmath.inf
    for kind in ("tv", "hellinger", "js"):
        want = oracle(kind, p, q)
        assert rel_err(bonsym.divergence(kind, p, q), want) < 1e-12, kind
        assert rel_err(bonsym.divergence(kind, p, q, dps=30), want) < 1e-29, kind


def test_identical_float_laws_are_exactly_zero():
    p = np.random.default_rng(3).dirichlet(np.ones(5000))
    for kind, a in [("chi2", None), ("tv", None), ("hellinger", None), ("js", None),
                    ("renyi", 0.5), ("renyi", 7), ("renyi", math.inf)]:
        kw = {} if a is None else {"alpha": a}
        assert bonsym.divergence(kind, p, p.copy(), **kw) == 0.0
        d = bonsym.divergence(kind, p, p.copy(), dps=30, **kw)
        assert isinstance(d, mpmath.mpf) and d == 0


def test_float_laws_of_2e4_atoms_chi2_tv():
    """2e4 atoms (old code: chi2 took seconds to minutes building Fractions).  Checked against an independent
    evaluation in mpmath at 40 digits of the same formulas on the exact binary inputs."""
    p, q = _big_laws(20_000, 5)
    with mpmath.workdps(40):
        P = [mpmath.mpf(float(x)) for x in p]
        Q = [mpmath.mpf(float(x)) for x in q]
        tp, tq = mpmath.fsum(P), mpmath.fsum(Q)
        chi2 = mpmath.fsum((x / tp - y / tq) ** 2 / (y / tq) for x, y in zip(P, Q))
        tv = mpmath.fsum(abs(x / tp - y / tq) for x, y in zip(P, Q)) / 2
    assert rel_err(bonsym.divergence("chi2", p, q), chi2) < 1e-12
    assert rel_err(bonsym.divergence("tv", p, q), tv) < 1e-12
    assert rel_err(bonsym.divergence("chi2", p, q, dps=30), chi2) < 1e-29
    assert rel_err(bonsym.divergence("tv", p, q, dps=30), tv) < 1e-29


def test_exact_mode_still_exact():
    import sympy

    p, q = ["1/2", "1/3", "1/6"], ["1/4", "1/4", "1/2"]
    P, Q = [Fr(x) for x in p], [Fr(x) for x in q]
    assert bonsym.divergence("chi2", p, q, exact=True) == sympy.Rational(
        *(lambda v: (v.numerator, v.denominator))(sum(((x - y) ** 2 / y for x, y in zip(P, Q)), Fr(0))))
    assert bonsym.divergence("tv", p, q, exact=True) == sympy.Rational(1, 3)  # (1/4 + 1/12 + 1/3)/2
    r2 = bonsym.divergence("renyi", p, q, alpha=2, exact=True)  # log(sum p^2/q) = log(1 + chi2)
    assert sympy.simplify(r2 - sympy.log(1 + sympy.Rational(1, 1) * bonsym.divergence("chi2", p, q, exact=True))) == 0
    for kind, a in [("hellinger", None), ("js", None), ("renyi", sympy.Rational(1, 3))]:
        kw = {} if a is None else {"alpha": a}
        ex = bonsym.divergence(kind, p, q, exact=True, **kw)
        assert rel_err(sympy.N(ex, 50), oracle(kind, P, Q, None if a is None else Fr(1, 3))) < 1e-45


def test_renyi_float_tiny_common_mass():
    """S = sum p^a q^(1-a) ~ 1e-150: S - 1 rounds to -1 (old code returned inf); log S by log-sum-exp."""
    p, q = [1e-300, 1 - 1e-300], [1.0, 0.0]
    for a in (1e-8, 0.5, 0.99, 1 - 1e-12):
        assert rel_err(bonsym.divergence("renyi", p, q, alpha=a), oracle("renyi", p, q, a)) < 1e-12, a
    assert rel_err(bonsym.divergence("renyi", p, q, alpha=0.5), mpmath.mpf(300) * mpmath.log(10)) < 1e-12


def test_identical_mixed_kind_laws_are_zero():
    """A float law and an exact law with the same values: 0 in every mode without Fractions."""
    for kind, a in [("chi2", None), ("hellinger", None), ("renyi", 0.5)]:
        kw = {} if a is None else {"alpha": a}
        assert bonsym.divergence(kind, [0.25, 0.75], ["1/4", "3/4"], **kw) == 0.0
        assert bonsym.divergence(kind, [0.25, 0.75], ["1/4", "3/4"], dps=20, **kw) == 0


def test_win_rate_dps_matches_brute_force():
    """win_rate(dps=k) now sums integer weights; oracle: the double sum P(X > Y) + P(X = Y)/2 in Fractions."""
    rng = np.random.default_rng(9)
    p, q = rng.dirichlet(np.ones(40)), rng.dirichlet(np.ones(40))
    p[3] = 1e-300
    p /= p.sum()
    P, Q = _exact_law(p), _exact_law(q)
    w = sum(P[i] * Q[j] * (1 if i > j else Fr(1, 2) if i == j else 0) for i in range(40) for j in range(40))
    with mpmath.workdps(ORACLE_DPS):
        want = _mp(w)
    assert rel_err(bonsym.win_rate(p, q, dps=40), want) < 1e-39
    w = Fr(1, 3) * Fr(1, 10) + Fr(1, 6) * (Fr(1, 5) + Fr(3, 10)) + Fr(1, 2) * (Fr(4, 5) + Fr(1, 10))
    with mpmath.workdps(ORACLE_DPS):
        want = _mp(w)
    assert rel_err(bonsym.win_rate(["1/3", "1/6", "1/2"], ["1/5", "3/5", "1/5"], dps=30), want) < 1e-29
