"""Oracle tests for issue 3 (Beirami et al., THEORY.md B10-B32): the KL gap, the estimator d_n,
win-rate gaps and bounds, the win-rate/KL tradeoff curves and the new registry claims.

Every expected value comes from ``tests/oracles.py`` (brute-force enumeration with Fractions,
B10's per-atom gap and naive differences in mpmath at 60-100 digits, integer sums for uniform
laws, bisection on the closed forms of B29-B30, mpmath quadrature) or from THEORY.md section 7.
Nothing here reads the library implementation: library functions are only called.
"""
from __future__ import annotations

import math
import os
import re
import sys
import time
from fractions import Fraction as Fr

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracles import (  # noqa: E402
    bon_bruteforce,
    bon_curve_win_rate_mp,
    bon_pmf_exact,
    bon_t_from_kl_mp,
    cumulative,
    d_n_mp,
    estimate_expected_mp,
    fractions_from_weights,
    kbar_mp,
    kl_bin_mp,
    kl_gap_naive_mp,
    kl_gap_per_atom_mp,
    kl_mp,
    kl_win_mp,
    optimal_c_mp,
    optimal_kl_mp,
    optimal_win_rate_mp,
    tilt_mp,
    uniform_kl_gap_mp,
    uniform_win_gap_exact,
    win_gap_exact,
    win_gap_mp,
    win_rate_exact,
    win_rate_pairs,
)

import bonsym  # noqa: E402
from bonsym import Ranked  # noqa: E402


def T():
    """The tradeoff module (imported lazily so that a missing module fails only its tests)."""
    import bonsym.tradeoff as tradeoff

    return tradeoff


# --------------------------------------------------------------------------- helpers


def R(s: str) -> mpmath.mpf:
    """A reference value given as a decimal string, kept at 50 digits."""
    with mpmath.workdps(50):
        return mpmath.mpf(s)


def mpv(x) -> mpmath.mpf:
    """Any number (float, mpf, Fraction, SymPy number) as an mpf at 80 digits."""
    with mpmath.workdps(80):
        if isinstance(x, Fr):
            return mpmath.mpf(x.numerator) / x.denominator
        if isinstance(x, sympy.Basic):
            return mpmath.mpf(str(sympy.N(x, 80)))
        return mpmath.mpf(x)


def assert_rel(actual, expected, tol, *, abs_tol=0):
    """|actual - expected| <= tol * |expected| + abs_tol (evaluated at 80 digits)."""
    with mpmath.workdps(80):
        a, e = mpv(actual), mpv(expected)
        err = abs(a - e)
        assert err <= tol * abs(e) + abs_tol, (
            f"error {mpmath.nstr(err, 5)} (relative {mpmath.nstr(err / abs(e), 5) if e else 'inf'}) "
            f"> {tol}: got {mpmath.nstr(a, 40)}, expected {mpmath.nstr(e, 40)}"
        )


def to_fraction(expr) -> Fr:
    e = sympy.sympify(expr)
    if not e.is_Rational:
        e = sympy.simplify(e)
    assert e.is_Rational, f"expected an exact rational, got {expr!r}"
    return Fr(int(e.p), int(e.q))


def assert_exact_expr(expr):
    assert isinstance(expr, sympy.Basic), f"exact=True must return a SymPy object, got {type(expr)}"
    assert not expr.has(sympy.Float), f"exact result contains floats: {expr!r}"


def le(a, b, tol=0) -> bool:
    """a <= b + tol, evaluated at 80 digits (mpf arithmetic otherwise rounds to mp.dps = 15)."""
    with mpmath.workdps(80):
        return mpv(a) <= mpv(b) + mpv(tol)


def is_float(x) -> bool:
    return isinstance(x, float) and not isinstance(x, bool)


def sum_pow(p, k) -> Fr:
    return sum((Fr(x) ** k for x in p), Fr(0))


# --------------------------------------------------------------------------- laws

SMALL_POS = [
    [Fr(1, 2), Fr(1, 2)],
    [Fr(1, 3), Fr(2, 3)],
    [Fr(9, 10), Fr(1, 10)],
    [Fr(1, 2), Fr(1, 3), Fr(1, 6)],
    [Fr(1, 7), Fr(2, 7), Fr(4, 7)],
    [Fr(1, 1000), Fr(998, 1000), Fr(1, 1000)],
    [Fr(1, 4)] * 4,
    [Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)],
    [Fr(5, 8), Fr(1, 16), Fr(1, 4), Fr(1, 16)],
    [Fr(1)],
]
SMALL_ALL = SMALL_POS + [[Fr(0), Fr(1, 2), Fr(0), Fr(1, 2)]]  # a zero-mass atom (not at the top)
NS = [1, 2, 3, 4, 5]
CASES = [(i, n) for i in range(len(SMALL_ALL)) for n in NS]
POS_CASES = [(i, n) for i in range(len(SMALL_POS)) for n in NS]

V3_LAW = [Fr(1, 2), Fr(1, 3), Fr(1, 6)]
B32_LAW = [Fr(2, 5)] + [Fr(3, 20)] * 4


def brute(p, n):
    """(KL_n at 70 digits, W_n exact) from the n-tuple enumeration."""
    _, q = bon_bruteforce(p, n)
    return kl_mp(q, p, dps=70), win_rate_pairs(q, p)


# =========================================================================== oracle self-checks
# (these do not touch bonsym: they validate the oracles against each other and THEORY.md)


@pytest.mark.parametrize("i,n", CASES)
def test_oracle_gap_formulas_agree(i, n):
    p = SMALL_ALL[i]
    kl_b, w_b = brute(p, n)
    with mpmath.workdps(70):
        g_brute = kbar_mp(n, 70) - kl_b
    assert_rel(kl_gap_per_atom_mp(p, n, 60), g_brute, 1e-55, abs_tol=mpmath.mpf(10) ** -60)
    assert_rel(kl_gap_naive_mp(p, n, 60), g_brute, 1e-55, abs_tol=mpmath.mpf(10) ** -60)
    assert win_gap_exact(p, n) == Fr(n, n + 1) - w_b
    assert bon_pmf_exact(p, n) == bon_bruteforce(p, n)[1]


def test_oracle_self_checks_theory():
    # B10: the bottom atom [0, eps] contributes eps^n Kbar_n, so for two atoms the top atom's
    # share is the gap minus eps^n Kbar_n; a point mass has gap Kbar_n (KL = 0)
    for n in (2, 3, 7):
        assert_rel(kl_gap_per_atom_mp([Fr(1)], n, 50), kbar_mp(n, 50), 1e-45)
    for eps, n in [(Fr(1, 3), 2), (Fr(1, 10), 5), (Fr(7, 8), 3)]:
        with mpmath.workdps(60):
            e = mpmath.mpf(eps.numerator) / eps.denominator
            b, a, nn = mpmath.mpf(1), e, mpmath.mpf(n)
            m, pp = 1 - e ** n, 1 - e
            g_top = m * mpmath.log(nn) + (nn - 1) * (0 - a ** nn * mpmath.log(a)) - (nn - 1) * m / nn \
                - m * mpmath.log(m / pp)
            assert_rel(kl_gap_per_atom_mp([eps, 1 - eps], n, 50), e ** n * kbar_mp(n, 60) + g_top, 1e-45)
    # d_n = KL_bin + a^n Kbar_n (B17), d_n -> log(1/eps) as n -> oo, d_n(eps -> 0) -> Kbar_n
    for eps, n in [(Fr(3, 10), 3), (Fr(1, 10), 50), (Fr(1, 6), 3), (Fr(1, 100), 256)]:
        with mpmath.workdps(60):
            a = 1 - mpmath.mpf(eps.numerator) / eps.denominator
            assert abs(d_n_mp(eps, n) - kl_bin_mp(eps, n) - a ** n * kbar_mp(n)) < mpmath.mpf(10) ** -50
    # the two-atom law's BoN KL is KL_bin (B15)
    for eps, n in [(Fr(1, 100), 256), (Fr(3, 7), 4)]:
        kl_two, w_two = kl_win_mp([1 - eps, eps], n, 50)
        assert_rel(kl_two, kl_bin_mp(eps, n, 50), 1e-45)
    # B19 numbers: two atoms, eps = 0.01, n = 256
    assert_rel(kl_win_mp([Fr(99, 100), Fr(1, 100)], 256, 30)[0], R("3.98481798008"), 2e-12)
    assert_rel(d_n_mp(Fr(1, 100), 256, 30), R("4.33198122901"), 2e-12)
    # B27: uniform binary W_n = 3/4 - 2^(-n-1)
    for n in range(1, 8):
        assert win_rate_exact([Fr(1, 2), Fr(1, 2)], n) == Fr(3, 4) - Fr(1, 2 ** (n + 1))
    # V6 and B30 via the oracle's own inversion
    with mpmath.workdps(40):
        assert abs(optimal_c_mp(kbar_mp(2, 40), 30) - R("2.28864058590129325")) < 1e-17
        assert abs(optimal_win_rate_mp(kbar_mp(2, 40), 30) - R("0.675906819269219653")) < 1e-17
        assert abs(optimal_c_mp(kbar_mp(8, 40), 30) - R("9.05454142071950755")) < 1e-16
        assert abs(optimal_win_rate_mp(kbar_mp(8, 40), 30) - R("0.889675056510799187")) < 1e-17
    # B32 counterexample, oracle side
    kl2, w2 = kl_win_mp(B32_LAW, 2, 40)
    assert win_rate_exact(B32_LAW, 2) == Fr(523, 800)
    assert_rel(kl2, R("0.16053189061035694660"), 1e-19)
    t = bon_t_from_kl_mp(kl2, 30)
    assert_rel(t, R("1.8693331653907657688"), 1e-18)
    with mpmath.workdps(30):
        assert abs(w2 - t / (t + 1) - R("0.0022630316")) < 1e-10


def test_oracle_discretised_continuum_and_uniform():
    # B17: top atom eps = 0.1 above M equal atoms, n = 50
    law = lambda M: [Fr(9, 10 * M)] * M + [Fr(1, 10)]  # noqa: E731
    assert abs(kl_win_mp(law(10), 50, 30)[0] - R("2.27067")) < 5e-6
    assert abs(kl_win_mp(law(5000), 50, 30)[0] - R("2.2740814")) < 5e-8
    assert abs(d_n_mp(Fr(1, 10), 50, 30) - R("2.27408138661")) < 5e-12
    # uniform oracle == per-atom oracle (L = 1000)
    for n in (2, 10):
        assert_rel(uniform_kl_gap_mp(1000, n, 40), kl_gap_per_atom_mp([Fr(1, 1000)] * 1000, n, 40), 1e-35)
        assert uniform_win_gap_exact(1000, n) == win_gap_exact([Fr(1, 1000)] * 1000, n)
    # B26 equality at n = 2 (uniform: 1/(6 L^2))
    assert uniform_win_gap_exact(1000, 2) == Fr(1, 6 * 1000 ** 2)


# =========================================================================== kl_bon_gap / win_rate_gap


@pytest.mark.parametrize("i,n", CASES)
def test_kl_bon_gap_bruteforce(i, n):
    p = SMALL_ALL[i]
    kl_b, _ = brute(p, n)
    with mpmath.workdps(70):
        ref = kbar_mp(n, 70) - kl_b
    ex = bonsym.kl_bon_gap(Ranked(p), n, exact=True)
    assert_exact_expr(ex)
    assert_rel(sympy.N(ex, 60), ref, 1e-50, abs_tol=mpmath.mpf(10) ** -55)
    d = bonsym.kl_bon_gap(Ranked(p), n, dps=40)
    assert isinstance(d, mpmath.mpf)
    assert_rel(d, ref, 1e-38, abs_tol=mpmath.mpf(10) ** -45)
    f = bonsym.kl_bon_gap(Ranked(p), n)
    assert is_float(f)
    assert_rel(f, ref, 1e-12, abs_tol=1e-16)
    assert_rel(bonsym.kl_bon_gap(list(p), n), ref, 1e-12, abs_tol=1e-16)
    assert_rel(bonsym.kl_bon_gap([float(x) for x in p], n), ref, 1e-12, abs_tol=1e-16)
    if n == 1:
        assert sympy.simplify(ex) == 0


@pytest.mark.parametrize("i,n", CASES)
def test_win_rate_gap_bruteforce(i, n):
    p = SMALL_ALL[i]
    _, w_b = brute(p, n)
    ref = Fr(n, n + 1) - w_b
    ex = bonsym.win_rate_gap(Ranked(p), n, exact=True)
    assert_exact_expr(ex)
    assert to_fraction(ex) == ref
    d = bonsym.win_rate_gap(Ranked(p), n, dps=40)
    assert isinstance(d, mpmath.mpf)
    assert_rel(d, ref, 1e-38, abs_tol=mpmath.mpf(10) ** -45)
    f = bonsym.win_rate_gap(Ranked(p), n)
    assert is_float(f)
    assert_rel(f, ref, 1e-12, abs_tol=1e-16)
    assert_rel(bonsym.win_rate_gap(list(p), n), ref, 1e-12, abs_tol=1e-16)


@pytest.mark.parametrize("n", [1.5, 2.5, 7.25, 100.5])
def test_gaps_real_n(n):
    for p in (V3_LAW, [Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)], [Fr(1, 64)] * 64):
        g = kl_gap_per_atom_mp(p, n, 50)
        assert_rel(kl_gap_naive_mp(p, n, 50), g, 1e-40)  # oracle self-check
        assert_rel(bonsym.kl_bon_gap(Ranked(p), n), g, 1e-12)
        assert_rel(bonsym.kl_bon_gap(Ranked(p), n, dps=30), g, 1e-28)
        wg = win_gap_mp(p, n, 50)
        assert wg > 0
        assert_rel(bonsym.win_rate_gap(Ranked(p), n), wg, 1e-12)
        assert_rel(bonsym.win_rate_gap(Ranked(p), n, dps=30), wg, 1e-28)


def test_gaps_with_rewards_are_sorted():
    p_in, r_in = [Fr(1, 2), Fr(1, 5), Fr(3, 10)], [3, -1, 2]  # sorted: (1/5, 3/10, 1/2)
    p_sorted = [Fr(1, 5), Fr(3, 10), Fr(1, 2)]
    for n in (2, 3, 6):
        law = Ranked(p_in, r_in)
        assert_rel(bonsym.kl_bon_gap(law, n, dps=30), kl_gap_per_atom_mp(p_sorted, n, 50), 1e-28)
        assert to_fraction(bonsym.win_rate_gap(law, n, exact=True)) == win_gap_exact(p_sorted, n)
        lo, hi = bonsym.kl_bon_sandwich(law, n, dps=30)
        assert_rel(lo, kl_bin_mp(Fr(1, 2), n, 50), 1e-28)
        assert_rel(hi, d_n_mp(Fr(1, 2), n, 50), 1e-28)
        assert_rel(bonsym.win_rate_top_bound(law, n, dps=30),
                   Fr(n, n + 1) * Fr(1, 2) ** (n + 1) + (1 - Fr(1, 2) ** n) * Fr(3, 4), 1e-28)


@pytest.fixture(scope="module")
def uniform_refs():
    out = {}
    for L in (10 ** 4, 10 ** 5):
        for n in (2, 10):
            out[L, n] = (uniform_kl_gap_mp(L, n, 40), uniform_win_gap_exact(L, n))
    return out


@pytest.mark.parametrize("L", [10 ** 4, 10 ** 5])
@pytest.mark.parametrize("n", [2, 10])
def test_gaps_uniform_no_cancellation(uniform_refs, L, n):
    """The gap is ~1e-10 of the KL: the float result must still carry 12 correct digits."""
    g_ref, w_ref = uniform_refs[L, n]
    probs = [1.0 / L] * L  # normalised by their exact sum: exactly uniform
    g = bonsym.kl_bon_gap(probs, n)
    assert is_float(g)
    assert_rel(g, g_ref, 1e-12)
    w = bonsym.win_rate_gap(probs, n)
    assert is_float(w)
    assert_rel(w, w_ref, 1e-12)
    g2 = bonsym.kl_bon_gap(np.full(L, 1.0 / L), n)
    assert_rel(g2, g_ref, 1e-12)
    if L == 10 ** 4:
        assert_rel(bonsym.kl_bon_gap(Ranked([Fr(1, L)] * L), n), g_ref, 1e-12)
        assert_rel(bonsym.win_rate_gap(Ranked([Fr(1, L)] * L), n), w_ref, 1e-12)


@pytest.mark.parametrize("n", [2, 10, 1000, 10 ** 6, 10 ** 15])
def test_gaps_dirichlet_float_law(n):
    rng = np.random.default_rng(12345)
    p = rng.dirichlet(np.ones(2000))
    g_ref = kl_gap_per_atom_mp(list(p), n, 40)
    assert_rel(bonsym.kl_bon_gap(p, n), g_ref, 1e-12)
    assert_rel(bonsym.win_rate_gap(p, n), win_gap_mp(list(p), n, 40), 1e-12)


def test_gap_input_kinds_and_V5():
    for law in (Ranked(["1/2", "1/3", "1/6"]), Ranked([sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(1, 6)]),
                ["1/2", "1/3", "1/6"]):
        ex = bonsym.kl_bon_gap(law, 3, exact=True)
        assert_exact_expr(ex)
        assert_rel(sympy.N(ex, 50), kl_gap_per_atom_mp(V3_LAW, 3, 60), 1e-45)
        assert to_fraction(bonsym.win_rate_gap(law, 3, exact=True)) == Fr(3, 4) - Fr(311, 432)
    # V5 / B13: uniform L = 100, n = 10: KL 1.4021633, W 0.90900759, gap 4.22e-4
    u = [Fr(1, 100)] * 100
    g = bonsym.kl_bon_gap(Ranked(u), 10)
    assert abs(float(kbar_mp(10, 30)) - g - 1.4021633) < 5e-8
    assert abs(g - 4.22e-4) < 5e-6
    assert abs(10 / 11 - bonsym.win_rate_gap(Ranked(u), 10) - 0.90900759) < 5e-9
    assert_rel(g, uniform_kl_gap_mp(100, 10, 40), 1e-12)
    assert_rel(bonsym.win_rate_gap(Ranked(u), 10), uniform_win_gap_exact(100, 10), 1e-12)


def test_win_gap_cube_bound_nearly_sharp_B26():
    """B26: n = 3, a top atom of 0.01 over 20,000 equal atoms: gap / bound = 0.99379."""
    M = 20000
    law = [Fr(99, 100 * M)] * M + [Fr(1, 100)]
    wg_ref = win_gap_exact(law, 3)
    bound_ref = Fr(6, 12) * sum_pow(law, 3)
    assert abs(float(wg_ref / bound_ref) - 0.99379) < 5e-6
    wg = bonsym.win_rate_gap(Ranked(law), 3)
    assert_rel(wg, wg_ref, 1e-12)
    assert_rel(bonsym.win_rate_gap_bound(Ranked(law), 3), bound_ref, 1e-13)
    assert wg <= bonsym.win_rate_gap_bound(Ranked(law), 3)


# =========================================================================== estimator d_n


def test_estimator_reference_values():
    E = bonsym.kl_bon_estimate
    for (eps, n), v in {(0.3, 3): "0.41850165109979", (0.3, 20): "1.19843947764462",
                        (0.1, 50): "2.27408138661"}.items():
        f = E(eps, n)
        assert is_float(f)
        assert abs(f - float(v)) <= 0.5 * 10.0 ** -len(v.split(".")[1]) + 1e-15
        assert_rel(f, d_n_mp(eps, n, 40), 1e-13)
        epsq = Fr(str(eps))
        assert_rel(E(str(epsq), n, dps=40), d_n_mp(epsq, n, 60), 1e-38)
        assert_rel(E(epsq, n, dps=40), d_n_mp(epsq, n, 60), 1e-38)
    # V3: d_3(1/6)
    v3 = R("0.42963335761675493118")
    assert_rel(E(1 / 6, 3), v3, 1e-14)
    assert_rel(E("1/6", 3, dps=30), v3, 1e-19)
    ex = E(Fr(1, 6), 3, exact=True)
    assert_exact_expr(ex)
    assert_rel(sympy.N(ex, 50), d_n_mp(Fr(1, 6), 3, 60), 1e-45)
    ex2 = E(sympy.Rational(3, 10), 20, exact=True)
    assert_exact_expr(ex2)
    assert_rel(sympy.N(ex2, 50), d_n_mp(Fr(3, 10), 20, 60), 1e-45)


def test_estimator_limits():
    E = bonsym.kl_bon_estimate
    for n in (2, 3, 10, 1000):
        assert_rel(E(0, n), kbar_mp(n, 40), 1e-14)
        assert_rel(E(0, n, dps=30), kbar_mp(n, 40), 1e-28)
        ex0 = E(0, n, exact=True)
        assert_exact_expr(ex0)
        assert sympy.simplify(ex0 - (sympy.log(n) - sympy.Rational(n - 1, n))) == 0
        assert E(1, n) == 0
        assert E(1, n, dps=30) == 0
        assert E(1.0, n) == 0
        assert sympy.simplify(E(1, n, exact=True)) == 0
    for eps in (0, 1e-300, 1e-10, 0.3, 0.999, 1):
        v = E(eps, 1)
        assert is_float(v) and v == 0.0, (eps, v)  # d_1 = 0 exactly (naive: -1e-17, NaN at 1)
    assert E(Fr(1, 3), 1, dps=30) == 0
    assert sympy.simplify(E(Fr(1, 3), 1, exact=True)) == 0


EPS_GRID = [1e-300, 1e-100, 1e-20, 3e-16, 1e-15, 1e-10, 1e-5, 1e-3, 0.1, 0.3, 0.5, 0.9, 0.999999, 1 - 1e-12]
N_GRID = [2, 3, 10, 1000, 10 ** 6, 10 ** 15, 2.5, 1e15]


@pytest.mark.parametrize("n", N_GRID)
def test_estimator_float_stability(n):
    E = bonsym.kl_bon_estimate
    prev = None
    for eps in EPS_GRID:
        v = E(eps, n)
        assert is_float(v) and math.isfinite(v), (eps, n, v)
        ref = d_n_mp(eps, n, 40)
        assert_rel(v, ref, 1e-12, abs_tol=1e-16)
        # B16/B17: 0 <= d_n <= Kbar_n, <= log(1/eps), decreasing in eps
        assert -1e-16 <= v <= float(kbar_mp(n, 30)) * (1 + 1e-14)
        assert v <= -math.log(eps) * (1 + 1e-14) + 1e-300
        if prev is not None:
            assert v <= prev * (1 + 1e-14)
        prev = v


@pytest.mark.parametrize("n", [2, 3, 10, 10 ** 6, 10 ** 15])
def test_estimator_dps_stability(n):
    E = bonsym.kl_bon_estimate
    for eps in ("1/10000000000000000000000000000000000000000000000000", "1/1000000000000000", "3/10", "999/1000"):
        v = E(eps, n, dps=30)
        assert isinstance(v, mpmath.mpf)
        assert_rel(v, d_n_mp(Fr(eps), n, 50), 1e-28)


def test_estimator_monotone_in_n():
    E = bonsym.kl_bon_estimate
    for eps in (1e-6, 0.01, 0.3, 0.8):
        vals = [E(eps, n) for n in (1, 2, 3, 5, 10, 100, 10 ** 4, 10 ** 8)]
        assert all(b >= a * (1 - 1e-14) for a, b in zip(vals, vals[1:])), (eps, vals)
        assert vals[-1] <= -math.log(eps) * (1 + 1e-14)


def test_estimator_expected_V3_and_small_laws():
    Ee = bonsym.kl_bon_estimate_expected
    v = R("0.41491741184583458524")
    assert_rel(Ee(Ranked(V3_LAW), 3), v, 1e-14)
    assert_rel(Ee(Ranked(V3_LAW), 3, dps=30), v, 1e-19)
    assert_rel(Ee(list(V3_LAW), 3), v, 1e-14)
    ex = Ee(Ranked(V3_LAW), 3, exact=True)
    assert_exact_expr(ex)
    assert_rel(sympy.N(ex, 50), estimate_expected_mp(V3_LAW, 3, 60), 1e-45)
    for i, n in POS_CASES:
        p = SMALL_POS[i]
        ref = estimate_expected_mp(p, n, 50)
        assert_rel(Ee(Ranked(p), n), ref, 1e-12, abs_tol=1e-16)
        assert_rel(Ee(Ranked(p), n, dps=30), ref, 1e-28, abs_tol=mpmath.mpf(10) ** -35)


# =========================================================================== bounds


@pytest.mark.parametrize("i,n", POS_CASES)
def test_bounds_values_and_inequalities(i, n):
    p = SMALL_POS[i]
    eps = p[-1]
    a = 1 - eps
    kl_b, w_b = brute(p, n)
    with mpmath.workdps(70):
        gap = kbar_mp(n, 70) - kl_b
    # --- sandwich (B15)
    lo_ref, hi_ref = kl_bin_mp(eps, n, 60), d_n_mp(eps, n, 60)
    lo, hi = bonsym.kl_bon_sandwich(Ranked(p), n, dps=40)
    assert isinstance(lo, mpmath.mpf) and isinstance(hi, mpmath.mpf)
    assert_rel(lo, lo_ref, 1e-38, abs_tol=mpmath.mpf(10) ** -45)
    assert_rel(hi, hi_ref, 1e-38, abs_tol=mpmath.mpf(10) ** -45)
    tol = mpmath.mpf(10) ** -35
    assert le(lo, kl_b, tol) and le(kl_b, hi, tol)
    lof, hif = bonsym.kl_bon_sandwich(Ranked(p), n)
    assert is_float(lof) and is_float(hif)
    assert_rel(lof, lo_ref, 1e-12, abs_tol=1e-16)
    assert_rel(hif, hi_ref, 1e-12, abs_tol=1e-16)
    lox, hix = bonsym.kl_bon_sandwich(Ranked(p), n, exact=True)
    assert_exact_expr(lox)
    assert_exact_expr(hix)
    assert_rel(sympy.N(lox, 50), lo_ref, 1e-45, abs_tol=mpmath.mpf(10) ** -48)
    assert_rel(sympy.N(hix, 50), hi_ref, 1e-45, abs_tol=mpmath.mpf(10) ** -48)
    # --- gap lower bound (B15): (1 - a^n)(log(n eps) - (n-1)/n)
    with mpmath.workdps(70):
        e_m = mpmath.mpf(eps.numerator) / eps.denominator
        lb_ref = (1 - (1 - e_m) ** n) * (mpmath.log(n * e_m) - mpmath.mpf(n - 1) / n)
    lb = bonsym.kl_bon_gap_lower_bound(Ranked(p), n, dps=40)
    assert isinstance(lb, mpmath.mpf)
    assert_rel(lb, lb_ref, 1e-38, abs_tol=mpmath.mpf(10) ** -45)
    assert le(lb, gap, tol)
    assert_rel(bonsym.kl_bon_gap_lower_bound(Ranked(p), n), lb_ref, 1e-12, abs_tol=1e-16)
    lbx = bonsym.kl_bon_gap_lower_bound(Ranked(p), n, exact=True)
    assert_exact_expr(lbx)
    assert_rel(sympy.N(lbx, 50), lb_ref, 1e-45, abs_tol=mpmath.mpf(10) ** -48)
    # --- win-rate gap bound (B26): n(n-1)/12 sum p^3, exact rational; equality at n = 2
    wgb_ref = Fr(n * (n - 1), 12) * sum_pow(p, 3)
    wgb = bonsym.win_rate_gap_bound(Ranked(p), n, exact=True)
    assert_exact_expr(wgb)
    assert to_fraction(wgb) == wgb_ref
    wgap = Fr(n, n + 1) - w_b
    assert wgap <= wgb_ref
    if n == 2:
        assert wgap == wgb_ref
        assert to_fraction(bonsym.win_rate_gap(Ranked(p), 2, exact=True)) == to_fraction(wgb)
    assert_rel(bonsym.win_rate_gap_bound(Ranked(p), n), wgb_ref, 1e-13, abs_tol=1e-300)
    assert_rel(bonsym.win_rate_gap_bound(Ranked(p), n, dps=40), wgb_ref, 1e-38, abs_tol=mpmath.mpf(10) ** -300)
    # --- top-atom win-rate bound (B27)
    wtb_ref = Fr(n, n + 1) * a ** (n + 1) + (1 - a ** n) * (1 - eps / 2)
    wtb = bonsym.win_rate_top_bound(Ranked(p), n, exact=True)
    assert_exact_expr(wtb)
    assert to_fraction(wtb) == wtb_ref
    assert w_b <= wtb_ref
    assert_rel(bonsym.win_rate_top_bound(Ranked(p), n), wtb_ref, 1e-13)
    assert_rel(bonsym.win_rate_top_bound(Ranked(p), n, dps=40), wtb_ref, 1e-38)


def test_discretised_continuum_converges_to_d_n():
    """B17: a top atom of mass 0.1 above M equal atoms; KL_50 increases to d_50(0.1) as M grows."""
    d = bonsym.kl_bon_estimate(0.1, 50)
    assert abs(d - 2.27408138661) < 5e-12
    vals = {}
    for M in (10, 100, 1000, 5000):
        law = [Fr(9, 10 * M)] * M + [Fr(1, 10)]
        vals[M] = bonsym.kl_bon(Ranked(law), 50)
        assert_rel(vals[M], kl_win_mp(law, 50, 30)[0], 1e-12)
        lo, hi = bonsym.kl_bon_sandwich(Ranked(law), 50)
        assert_rel(hi, d, 1e-13)
        assert lo <= vals[M] <= hi
        assert_rel(bonsym.kl_bon_gap(Ranked(law), 50), kl_gap_per_atom_mp(law, 50, 30), 1e-12)
    assert abs(vals[10] - 2.27067) < 5e-6
    assert abs(vals[5000] - 2.2740814) < 5e-8
    assert vals[10] < vals[100] < vals[1000] < vals[5000] < d
    assert d - vals[5000] < 1e-6


# =========================================================================== property tests


@st.composite
def small_law_n(draw, max_n=8):
    w = draw(st.lists(st.integers(1, 30), min_size=1, max_size=6))
    n = draw(st.integers(1, max_n))
    return fractions_from_weights(w), n


TOL = "1e-25"


@settings(max_examples=60, deadline=None)
@given(small_law_n())
def test_property_gaps(case):
    p, n = case
    kl_n, _ = kl_win_mp(p, n, 50)
    with mpmath.workdps(50):
        gap_ref = kbar_mp(n, 50) - kl_n
    wgap_ref = win_gap_exact(p, n)
    g = bonsym.kl_bon_gap(Ranked(p), n, dps=30)
    assert_rel(g, gap_ref, 1e-28, abs_tol=mpmath.mpf(10) ** -40)
    assert le(0, g, TOL) and le(0, gap_ref, "1e-45")
    gf = bonsym.kl_bon_gap(Ranked(p), n)
    assert_rel(gf, gap_ref, 1e-12, abs_tol=1e-16)
    wg = bonsym.win_rate_gap(Ranked(p), n, exact=True)
    assert to_fraction(wg) == wgap_ref
    assert wgap_ref >= 0
    # B12 and B25 loose bounds (hold with plenty of room)
    s2 = sum_pow(p, 2)
    assert le(gap_ref, 2 * n * (n - 1) * s2, TOL)
    assert wgap_ref <= Fr(n - 1, 2) * s2
    # B12's observed constant: G / (n(n-1) sum p^2) <= (log 2 - 1/2)/2
    if n >= 2:
        with mpmath.workdps(50):
            assert gap_ref / mpv(n * (n - 1) * s2) <= (mpmath.log(2) - mpmath.mpf(1) / 2) / 2 + mpv(TOL)


@settings(max_examples=60, deadline=None)
@given(small_law_n())
def test_property_bounds(case):
    p, n = case
    eps = p[-1]
    kl_n, w_n = kl_win_mp(p, n, 50)
    w_exact = win_rate_exact(p, n)
    with mpmath.workdps(50):
        gap_ref = kbar_mp(n, 50) - kl_n
    lo, hi = bonsym.kl_bon_sandwich(Ranked(p), n, dps=30)
    assert le(lo, kl_n, TOL) and le(kl_n, hi, TOL)
    assert_rel(lo, kl_bin_mp(eps, n, 40), 1e-28, abs_tol=mpmath.mpf(10) ** -35)
    assert_rel(hi, d_n_mp(eps, n, 40), 1e-28, abs_tol=mpmath.mpf(10) ** -35)
    lb = bonsym.kl_bon_gap_lower_bound(Ranked(p), n, dps=30)
    assert le(lb, gap_ref, TOL)
    wgb = to_fraction(bonsym.win_rate_gap_bound(Ranked(p), n, exact=True))
    assert wgb == Fr(n * (n - 1), 12) * sum_pow(p, 3)
    assert Fr(n, n + 1) - w_exact <= wgb
    if n == 2:
        assert Fr(n, n + 1) - w_exact == wgb
    wtb = to_fraction(bonsym.win_rate_top_bound(Ranked(p), n, exact=True))
    assert w_exact <= wtb
    # float mode keeps the inequalities up to rounding
    lof, hif = bonsym.kl_bon_sandwich(Ranked(p), n)
    assert lof <= float(kl_n) + 1e-13 and float(kl_n) <= hif + 1e-13
    assert float(gap_ref) >= bonsym.kl_bon_gap_lower_bound(Ranked(p), n) - 1e-13
    assert float(w_exact) <= bonsym.win_rate_top_bound(Ranked(p), n) + 1e-14


@settings(max_examples=60, deadline=None)
@given(small_law_n())
def test_property_conjecture_4_4(case):
    """Conjecture 4.4 (B18): E_{BoN} d_n(p(Y)) >= KL_n.  A failure here would be a discovery."""
    p, n = case
    kl_n, _ = kl_win_mp(p, n, 50)
    e_ref = estimate_expected_mp(p, n, 50)
    assert le(kl_n, e_ref, TOL), f"CONJECTURE 4.4 FAILS (oracle): p={p}, n={n}, E d_n={e_ref}, KL={kl_n}"
    e = bonsym.kl_bon_estimate_expected(Ranked(p), n, dps=30)
    assert_rel(e, e_ref, 1e-28, abs_tol=mpmath.mpf(10) ** -35)
    assert le(kl_n, e, TOL), f"CONJECTURE 4.4 FAILS (library): p={p}, n={n}"


def test_conjecture_4_4_seeded_batch():
    """A wider seeded batch (Dirichlet laws, n up to 64) of Conjecture 4.4 with the oracle."""
    rng = np.random.default_rng(44)
    worst = None
    for k in range(150):
        L = int(rng.integers(2, 9))
        alpha = [0.2, 1.0, 5.0][k % 3]
        w = rng.dirichlet(np.full(L, alpha))
        p = fractions_from_weights([int(x * 10 ** 6) + 1 for x in w])
        n = int(rng.integers(2, 65))
        kl_n, _ = kl_win_mp(p, n, 30)
        e_ref = estimate_expected_mp(p, n, 30)
        with mpmath.workdps(40):
            margin = e_ref - kl_n
        assert le(0, margin, 1e-20), f"CONJECTURE 4.4 FAILS: p={p}, n={n}, margin={margin}"
        worst = margin if worst is None else min(worst, margin)
        if k % 10 == 0:
            assert_rel(bonsym.kl_bon_estimate_expected(Ranked(p), n), e_ref, 1e-12)


# =========================================================================== tradeoff module


@pytest.mark.parametrize("t", [1, 1.5, 2, 3.75, 10, 10 ** 4, 10 ** 8])
def test_bon_curve(t):
    kl_c, w_c = T().bon_curve(t)
    assert is_float(kl_c) and is_float(w_c)
    with mpmath.workdps(60):
        tt = mpmath.mpf(t)
        kref, wref = mpmath.log(tt) - (tt - 1) / tt, tt / (tt + 1)
    assert_rel(kl_c, kref, 1e-13, abs_tol=1e-300)
    assert_rel(w_c, wref, 1e-14)
    kd, wd = T().bon_curve(t, dps=40)
    assert isinstance(kd, mpmath.mpf) and isinstance(wd, mpmath.mpf)
    assert_rel(kd, kref, 1e-38, abs_tol=mpmath.mpf(10) ** -300)
    assert_rel(wd, wref, 1e-38)


def test_bon_curve_quadrature():
    for n in (2, 3.5, 8):
        with mpmath.workdps(40):
            nn = mpmath.mpf(n)
            kq = mpmath.quad(lambda u: nn * u ** (nn - 1) * mpmath.log(nn * u ** (nn - 1)), [0, 1])
            wq = mpmath.quad(lambda u: u * nn * u ** (nn - 1), [0, 1])
        kd, wd = T().bon_curve(n, dps=40)
        assert_rel(kd, kq, 1e-30)
        assert_rel(wd, wq, 1e-30)


@pytest.mark.parametrize("c", [0, 0.5, 1, 2.5, 10, 100])
def test_optimal_tilt(c):
    kr, wr = tilt_mp(c, 60)
    kf, wf = T().optimal_tilt(c)
    assert is_float(kf) and is_float(wf)
    assert_rel(kf, kr, 1e-12, abs_tol=1e-300)
    assert_rel(wf, wr, 1e-13)
    kd, wd = T().optimal_tilt(c, dps=40)
    assert_rel(kd, kr, 1e-38, abs_tol=mpmath.mpf(10) ** -300)
    assert_rel(wd, wr, 1e-38)
    if c == 0:
        assert kf == 0 and wf == 0.5
    else:
        with mpmath.workdps(45):
            cc = mpmath.mpf(c)
            f = lambda u: cc * mpmath.exp(cc * u) / mpmath.expm1(cc)  # noqa: E731
            kq = mpmath.quad(lambda u: f(u) * mpmath.log(f(u)), [0, 1])
            wq = mpmath.quad(lambda u: u * f(u), [0, 1])
        assert_rel(kd, kq, 1e-30)
        assert_rel(wd, wq, 1e-30)


def test_optimal_tilt_small_c_dps():
    for c in (2.0 ** -10, 2.0 ** -30):
        kr, wr = tilt_mp(c, 60)
        kd, wd = T().optimal_tilt(c, dps=30)
        assert_rel(kd, kr, 1e-28)
        assert_rel(wd, wr, 1e-28)
        with mpmath.workdps(60):
            assert abs(kr / (mpmath.mpf(c) ** 2 / 24) - 1) < 1e-2  # KL(c) ~ c^2/24 (oracle sanity)


def test_optimal_win_rate_V6():
    for m, c_ref, w_ref in [(2, "2.28864058590129325", "0.675906819269219653"),
                            (8, "9.05454142071950755", "0.889675056510799187")]:
        with mpmath.workdps(50):
            K = kbar_mp(m, 50)
            w_ref = mpmath.mpf(w_ref)
        f = bonsym.optimal_win_rate(math.log(m) - (m - 1) / m)
        assert is_float(f)
        assert_rel(f, w_ref, 1e-13)
        d = bonsym.optimal_win_rate(K, dps=30)
        assert isinstance(d, mpmath.mpf)
        assert_rel(d, w_ref, 1e-17)
        assert_rel(d, optimal_win_rate_mp(K, 40), 1e-28)
        assert T().optimal_win_rate is bonsym.optimal_win_rate or \
            T().optimal_win_rate(K, dps=30) == d
        # the tilt at c* has this KL and win rate
        with mpmath.workdps(30):
            c_mp = mpmath.mpf(c_ref)
        kc, wc = T().optimal_tilt(c_mp, dps=30)
        assert_rel(kc, K, 1e-16)
        assert_rel(wc, w_ref, 1e-16)
        # inverse
        assert_rel(bonsym.optimal_kl(f), K, 1e-11)
        assert_rel(bonsym.optimal_kl(d, dps=30), K, 1e-27)
    assert bonsym.optimal_win_rate(0) == 0.5
    assert bonsym.optimal_kl(0.5) == 0


@pytest.mark.parametrize("K", [1e-6, 0.01, 0.3, 1.0, 3.0, 5.9087552789821370521, 12.0])
def test_optimal_win_rate_and_inverse_vs_oracle(K):
    Kf = Fr(K)
    w_ref = optimal_win_rate_mp(Kf, 40)
    assert_rel(bonsym.optimal_win_rate(K), w_ref, 1e-12)
    assert_rel(bonsym.optimal_win_rate(K, dps=30), w_ref, 1e-28)
    assert_rel(bonsym.optimal_kl(float(w_ref)), optimal_kl_mp(float(w_ref), 40), 1e-9)
    assert_rel(bonsym.optimal_kl(w_ref, dps=30), Kf, 1e-26)
    # B30 vs B28 and B29: the optimal tilt dominates both curves at every budget
    assert bonsym.optimal_win_rate(K) >= T().bon_curve_win_rate(K) - 1e-15
    assert bonsym.optimal_win_rate(K) >= T().rewind_repeat_win_rate(K) - 1e-15


@pytest.mark.parametrize("w", [0.5, 0.55, 0.75, 0.9, 0.99, 0.999001])
def test_optimal_kl_vs_oracle(w):
    ref = optimal_kl_mp(w, 40)
    assert_rel(bonsym.optimal_kl(w), ref, 1e-10, abs_tol=1e-300)
    assert_rel(bonsym.optimal_kl(w, dps=30), ref, 1e-26, abs_tol=mpmath.mpf(10) ** -300)
    assert_rel(T().optimal_kl(w, dps=30), ref, 1e-26, abs_tol=mpmath.mpf(10) ** -300)


@pytest.mark.parametrize("K", [0, 0.1, 1, 5.9087552789821370521, 20])
def test_rewind_repeat(K):
    with mpmath.workdps(60):
        ref = 1 - mpmath.exp(-mpmath.mpf(K)) / 2
    assert_rel(T().rewind_repeat_win_rate(K), ref, 1e-15)
    assert_rel(T().rewind_repeat_win_rate(K, dps=40), ref, 1e-38)


@pytest.mark.parametrize("K", [0, 1e-8, 0.01, 0.19314718055994530942, 1, 5.9087552789821370521, 30])
def test_bon_curve_win_rate(K):
    ref = bon_curve_win_rate_mp(Fr(K), 40)
    assert_rel(T().bon_curve_win_rate(K), ref, 1e-13)
    assert_rel(T().bon_curve_win_rate(K, dps=30), ref, 1e-28)


def test_bon_curve_round_trip_and_rr_below_bon():
    for t in (1.5, 2, 7, 1000):
        k, w = T().bon_curve(t, dps=30)
        assert_rel(T().bon_curve_win_rate(k, dps=30), w, 1e-26)
    # B28: at KL = Kbar_n, rewind-and-repeat wins less often than BoN
    for n in (2, 3, 10, 100, 1000):
        k, w = T().bon_curve(n)
        assert T().rewind_repeat_win_rate(k) < w


def test_bon_points_vs_oracle():
    for p in (V3_LAW, B32_LAW, [Fr(1, 2), Fr(1, 2)]):
        ns = [1, 2, 3, 5, 8]
        pts = T().bon_points(Ranked(p), ns)
        assert len(pts) == len(ns)
        ptsd = T().bon_points(Ranked(p), ns, dps=30)
        for (n, k, w), (nd, kd, wd), n_ref in zip(pts, ptsd, ns):
            assert n == n_ref and nd == n_ref
            k_ref, _ = kl_win_mp(p, n_ref, 40)
            w_ref = win_rate_exact(p, n_ref)
            assert_rel(k, k_ref, 1e-12, abs_tol=1e-16)
            assert_rel(w, w_ref, 1e-14)
            assert_rel(kd, k_ref, 1e-28, abs_tol=mpmath.mpf(10) ** -35)
            assert_rel(wd, w_ref, 1e-28)
    # V3
    (_, k3, w3), = T().bon_points(Ranked(V3_LAW), [3], dps=30)
    assert_rel(k3, R("0.35727582032144872468"), 1e-19)
    assert_rel(w3, Fr(311, 432), 1e-28)


def test_tilt_vs_bon_max_gap():
    """B30: max_t W_opt(Kbar_t) - t/(t+1) = 0.0094730 near t = 1.778; 5e-13 at t = 1e4."""
    tr = T()
    best = (-1.0, None)
    for t in np.linspace(1.6, 2.0, 401):
        k, w = tr.bon_curve(float(t))
        m = bonsym.optimal_win_rate(k) - w
        if m > best[0]:
            best = (m, float(t))
    assert abs(best[0] - 0.0094730) < 6e-7, best
    assert abs(best[1] - 1.778) < 0.005, best
    # at the oracle's argmax the library agrees with the oracle to 1e-12
    t_star = 1.7782564163805
    with mpmath.workdps(50):
        tt = mpmath.mpf(t_star)
        k_ref = mpmath.log(tt) - (tt - 1) / tt
        m_ref = optimal_win_rate_mp(k_ref, 40) - tt / (tt + 1)
    assert abs(m_ref - R("0.0094730")) < 5e-8
    k, w = tr.bon_curve(t_star, dps=30)
    with mpmath.workdps(40):
        m_lib = bonsym.optimal_win_rate(k, dps=30) - w
    assert_rel(m_lib, m_ref, 1e-20)
    k, w = tr.bon_curve(10 ** 4, dps=30)
    with mpmath.workdps(40):
        m4 = bonsym.optimal_win_rate(k, dps=30) - w
    assert 4.99e-13 < m4 < 5.01e-13, m4


def test_B32_supremum_bottom_atom_plus_continuum():
    """B32: bottom atom a + continuum, n = 2: W = a^3/2 + 2/3 (1 - a^3), KL = (1 - a^2) Kbar_2;
    margin over the continuous curve is maximal (0.0037520) at a = 0.370133."""
    def margin(a):
        with mpmath.workdps(40):
            a = mpmath.mpf(a)
            W = a ** 3 / 2 + mpmath.mpf(2) / 3 * (1 - a ** 3)
            K = (1 - a ** 2) * kbar_mp(2, 40)
            wc = T().bon_curve_win_rate(K, dps=30)
            assert_rel(wc, bon_curve_win_rate_mp(K, 40), 1e-27)
            return W - wc
    m_star = margin("0.370133")
    assert abs(m_star - R("0.0037520")) < 5e-8
    assert margin("0.36") < m_star and margin("0.38") < m_star
    # B31: n = 1000 gives W <= 0.999001 at KL <= 5.9088
    k, w = T().bon_curve(1000)
    assert k <= 5.9088 and w <= 0.999001
    assert_rel(T().bon_curve_win_rate(k), Fr(1000, 1001), 1e-12)


def test_B32_counterexample_with_library_curves():
    """Discrete BoN can beat the continuous BoN curve: p = (2/5, 3/20 x 4), n = 2."""
    tr = T()
    (n, k2, w2), = tr.bon_points(Ranked(B32_LAW), [2], dps=30)
    assert n == 2
    assert_rel(k2, R("0.16053189061035694660"), 1e-19)
    assert_rel(w2, Fr(523, 800), 1e-28)
    wc = tr.bon_curve_win_rate(k2, dps=30)
    t = R("1.8693331653907657688")
    with mpmath.workdps(30):
        assert_rel(wc, t / (t + 1), 1e-18)
        margin = w2 - wc
    assert abs(margin - R("0.0022630316")) < 1e-10
    assert margin > 0
    # ... but not the optimal-tilt curve (B30)
    assert le(w2, bonsym.optimal_win_rate(k2, dps=30))
    # float mode agrees
    assert tr.bon_curve_win_rate(float(k2)) < 523 / 800


def test_domination_by_optimal_tilt_on_random_laws():
    """B30: every discrete BoN point lies on or below the optimal-tilt curve."""
    rng = np.random.default_rng(7)
    for k in range(40):
        L = int(rng.integers(1, 12))
        p = fractions_from_weights([int(x * 10 ** 6) + 1 for x in rng.dirichlet(np.full(L, [0.3, 1, 4][k % 3]))])
        n = int(rng.integers(1, 60))
        kl_n, w_n = kl_win_mp(p, n, 40)
        kl_n = max(kl_n, mpmath.mpf(0))  # n = 1 or one atom: 0 up to rounding
        w_opt_ref = optimal_win_rate_mp(kl_n, 30)
        assert le(w_n, w_opt_ref, 1e-25)
        w_opt = bonsym.optimal_win_rate(kl_n, dps=30)
        assert_rel(w_opt, w_opt_ref, 1e-26)
        assert le(w_n, w_opt, 1e-25)
        assert float(w_n) <= bonsym.optimal_win_rate(float(kl_n)) + 1e-14


# =========================================================================== registry claims

OLD_CLAIMS = {"beirami.kl_bound", "folklore.kl_equality", "beirami.win_rate_bound", "beirami.win_rate_half",
              "bon.composition"}


@pytest.fixture(scope="module")
def new_claim_results():
    from bonsym.claims import all_claims, run_claim

    out = []
    for c in all_claims():
        if c.name in OLD_CLAIMS:
            continue
        t0 = time.perf_counter()
        r = run_claim(c, dps=30, seed=0)
        out.append((r, time.perf_counter() - t0))
    return out


def _by_source(results, src):
    return [(r, s) for r, s in results if r.claim.source == src or r.claim.source.startswith(src + " ")
            or re.search(rf"\b{src}\b", r.claim.source)]


def _parse_law(ce):
    for key in ("probs", "law", "p", "weights"):
        if key in ce:
            raw = ce[key]
            break
    else:
        raise AssertionError(f"no law in counterexample {ce!r}")
    if hasattr(raw, "probs"):
        raw = raw.probs
    vals = [Fr(str(x)) if not isinstance(x, (int, Fr)) else Fr(x) for x in raw]
    s = sum(vals)
    return [v / s for v in vals]


def test_claims_new_sources_registered(new_claim_results):
    sources = {r.claim.source for r, _ in new_claim_results}
    joined = " ".join(sources)
    for src in ("B12", "B15", "B18", "B25", "B26", "B27", "B30", "B32"):
        assert re.search(rf"\b{src}\b", joined), f"no claim citing {src}: {sorted(sources)}"


def test_claim_B32_refuted_by_seeded_search(new_claim_results):
    hits = [(r, s) for r, s in _by_source(new_claim_results, "B32") if r.claim.expected == "false"]
    assert hits, "no expected-false claim citing B32"
    r, secs = hits[0]
    assert "continuous" in r.claim.statement.lower() or "curve" in r.claim.statement.lower()
    v = r.verdict
    assert v.status == "refuted", v
    assert r.as_expected
    assert secs < 60, f"counterexample took {secs:.1f} s"
    ce = v.counterexample
    p = _parse_law(ce)
    n = int(ce["n"])
    # independent re-check: W_n > t/(t+1) where Kbar_t = KL_n
    kl_n, w_n = kl_win_mp(p, n, 50)
    t = bon_t_from_kl_mp(kl_n, 40)
    with mpmath.workdps(40):
        margin = w_n - t / (t + 1)
    assert margin > mpmath.mpf(10) ** -12, f"counterexample {p}, n={n} does not beat the curve: {margin}"
    # found by search, not the hand-typed law of THEORY.md
    assert not (n == 2 and p == B32_LAW), "the refutation uses the hand-typed THEORY.md law"
    # reproducible from the seed
    from bonsym.claims import run_claim

    again = run_claim(r.claim, dps=30, seed=0).verdict
    assert _parse_law(again.counterexample) == p and int(again.counterexample["n"]) == n


def test_claim_conjecture_4_4_verified_never_proved(new_claim_results):
    hits = _by_source(new_claim_results, "B18")
    assert hits
    for r, _ in hits:
        assert r.verdict.status == "verified", r.verdict
        assert r.as_expected
        assert r.verdict.instances > 0


@pytest.mark.parametrize("src", ["B12", "B25"])
def test_claim_loose_bounds_true_with_worst_ratio(new_claim_results, src):
    hits = [(r, s) for r, s in _by_source(new_claim_results, src) if r.claim.expected == "true"]
    assert hits, f"no claim for {src}"
    for r, _ in hits:
        v = r.verdict
        assert v.status in ("verified", "proved"), v
        assert r.as_expected
        text = f"{v.how} {v.details}".lower()
        assert "ratio" in text or "worst" in text, f"{src}: no worst ratio reported: {v}"
        ratios = [val for key, val in (v.details or {}).items() if "ratio" in str(key).lower()]
        for val in ratios:
            if isinstance(val, (int, float, mpmath.mpf, Fr)):
                assert 0 < mpv(val) <= 1, (src, val)


def test_claims_other_new_bounds_verified(new_claim_results):
    assert new_claim_results
    for r, secs in new_claim_results:
        v = r.verdict
        assert r.as_expected, (r.claim.name, v)
        if r.claim.expected == "true":
            assert v.status in ("verified", "proved"), (r.claim.name, v)
            if v.status == "verified":
                assert v.instances > 0
        else:
            assert v.status == "refuted" and v.counterexample, (r.claim.name, v)
