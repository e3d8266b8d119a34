"""Oracle tests for best-of-n: the library against independent brute force, published
reference values (THEORY.md section 7), Monte Carlo, high-precision naive evaluation and
hypothesis properties (THEORY.md B3-B4, B6-B8, B11, B22-B24, B27).

The oracles live in ``tests/oracles.py`` and share no code with ``bonsym``.
"""
from __future__ import annotations

import math
import os
import sys
from fractions import Fraction as Fr

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings, strategies as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracles import (  # noqa: E402
    binary_entropy_mp,
    bon_bruteforce,
    bon_bruteforce_per_atom_merge,
    bon_quantities_naive_mp,
    cumulative,
    fractions_from_weights,
    kl_mp,
    mean_exact,
    merged_reference,
    rel_err,
    sample_bon,
    sorted_reference,
    win_rate_pairs,
)

from bonsym import (  # noqa: E402
    Ranked,
    best_of_n,
    kl,
    kl_bon,
    kl_bon_bound,
    mean_reward_bon,
    win_rate,
    win_rate_bon,
    win_rate_bound,
)

# --------------------------------------------------------------------------- helpers


def to_fraction(expr) -> Fr:
    """A SymPy expression that must be a rational number -> Fraction."""
    e = sympy.sympify(expr)
    if not e.is_Rational:
        e = sympy.simplify(e)
    assert e.is_Rational, f"expected an exact rational, got {expr!r}"
    return Fr(int(e.p), int(e.q))


def assert_exact_expr(expr):
    assert isinstance(expr, sympy.Basic), f"exact=True must return a SymPy object, got {type(expr)}"
    assert not expr.has(sympy.Float), f"exact result contains floats: {expr!r}"


def sym_eval(expr, dps: int):
    """Evaluate a SymPy number to an mpf at ``dps`` digits."""
    val = sympy.N(expr, dps)
    with mpmath.workdps(dps):
        return mpmath.mpf(str(val))


def assert_rel(actual, expected, tol, *, abs_if_zero=None):
    """|actual - expected| <= tol * |expected|  (or <= abs_if_zero when expected == 0)."""
    with mpmath.workdps(80):
        a = mpmath.mpf(actual) if not isinstance(actual, Fr) else mpmath.mpf(actual.numerator) / actual.denominator
        e = mpmath.mpf(expected) if not isinstance(expected, Fr) else mpmath.mpf(expected.numerator) / expected.denominator
        if e == 0:
            bound = abs_if_zero if abs_if_zero is not None else tol
            assert abs(a) <= bound, f"expected 0, got {mpmath.nstr(a, 25)}"
        else:
            err = abs(a - e) / abs(e)
            assert err <= tol, (
                f"relative error {mpmath.nstr(err, 5)} > {tol}: got {mpmath.nstr(a, 45)}, "
                f"expected {mpmath.nstr(e, 45)}"
            )


def fr(x) -> Fr:
    return Fr(x)


def is_float_result(x) -> bool:
    return isinstance(x, float) and not isinstance(x, bool)


# --------------------------------------------------------------------------- brute force on small laws

SMALL_LAWS = [
    [Fr(1, 2), Fr(1, 2)],
    [Fr(1, 3), Fr(2, 3)],
    [Fr(9, 10), Fr(1, 10)],
    [Fr(1, 2), Fr(1, 3), Fr(1, 6)],
    [Fr(1, 7), Fr(2, 7), Fr(4, 7)],
    [Fr(1, 1000), Fr(998, 1000), Fr(1, 1000)],
    [Fr(1, 4)] * 4,
    [Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)],
    [Fr(5, 8), Fr(1, 16), Fr(1, 4), Fr(1, 16)],
    [Fr(0), Fr(1, 2), Fr(0), Fr(1, 2)],  # zero-mass atoms
    [Fr(1, 3), Fr(2, 3), Fr(0)],  # zero-mass top atom
]
NS = [1, 2, 3, 4, 5]
CASES = [(i, n) for i in range(len(SMALL_LAWS)) for n in NS]
CASE_IDS = [f"law{i}-n{n}" for i, n in CASES]


def _oracle(i, n):
    p = SMALL_LAWS[i]
    _, q = bon_bruteforce(p, n)
    return p, q


@pytest.mark.parametrize("i,n", CASES, ids=CASE_IDS)
def test_pmf_bruteforce_exact(i, n):
    p, q = _oracle(i, n)
    law = Ranked(p)
    assert law.kind == "exact"
    assert len(law) == len(p)
    b = best_of_n(law, n)
    assert isinstance(b, Ranked)
    assert b.kind == "exact"
    assert all(isinstance(x, Fr) for x in b.probs)
    assert tuple(b.probs) == tuple(q)
    # B3 closed form agrees with the brute force (oracle self-check)
    F = cumulative(p)
    assert q == [F[k] ** n - F[k - 1] ** n for k in range(1, len(F))]


@pytest.mark.parametrize("i,n", CASES, ids=CASE_IDS)
def test_win_rate_bruteforce_exact(i, n):
    p, q = _oracle(i, n)
    expected = win_rate_pairs(q, p)
    got = win_rate_bon(Ranked(p), n, exact=True)
    assert_exact_expr(got)
    assert to_fraction(got) == expected
    # plain sequence and the generic two-law function
    assert to_fraction(win_rate_bon(list(p), n, exact=True)) == expected
    assert to_fraction(win_rate(best_of_n(Ranked(p), n), Ranked(p), exact=True)) == expected
    # float and dps modes
    wf = win_rate_bon(Ranked(p), n)
    assert is_float_result(wf)
    assert_rel(wf, expected, 1e-13)
    wd = win_rate_bon(Ranked(p), n, dps=40)
    assert isinstance(wd, mpmath.mpf)
    assert_rel(wd, expected, 1e-38)


@pytest.mark.parametrize("i,n", CASES, ids=CASE_IDS)
def test_mean_reward_bruteforce_exact(i, n):
    p = SMALL_LAWS[i]
    L = len(p)
    rewards_sorted = [Fr(k * k + 1, 3) - 2 for k in range(L)]  # increasing, negative and positive
    perm = [(3 * k + 1) % L for k in range(L)] if L != 3 else [2, 0, 1]
    assert sorted(perm) == list(range(L))
    p_in = [p[k] for k in perm]
    r_in = [rewards_sorted[k] for k in perm]
    levels, q = bon_bruteforce(p_in, n, rewards=r_in)
    assert levels == rewards_sorted
    expected = mean_exact(q, levels)
    law = Ranked(p_in, r_in)
    assert tuple(law.probs) == tuple(p)
    assert tuple(Fr(r) for r in law.rewards) == tuple(rewards_sorted)
    assert tuple(best_of_n(law, n).probs) == tuple(q)
    got = mean_reward_bon(law, n, exact=True)
    assert_exact_expr(got)
    assert to_fraction(got) == expected
    assert_rel(mean_reward_bon(law, n), expected, 1e-13, abs_if_zero=1e-15)
    md = mean_reward_bon(law, n, dps=40)
    assert isinstance(md, mpmath.mpf)
    assert_rel(md, expected, 1e-38, abs_if_zero=1e-38)


@pytest.mark.parametrize("i,n", CASES, ids=CASE_IDS)
def test_kl_bruteforce_precision(i, n):
    p, q = _oracle(i, n)
    ref = kl_mp(q, p, dps=60)
    # dps=40: correct to 40 significant digits (1e-38 relative)
    got = kl_bon(Ranked(p), n, dps=40)
    assert isinstance(got, mpmath.mpf)
    assert_rel(got, ref, 1e-38, abs_if_zero=mpmath.mpf("1e-38"))
    got2 = kl(best_of_n(Ranked(p), n), Ranked(p), dps=40)
    assert_rel(got2, ref, 1e-38, abs_if_zero=mpmath.mpf("1e-38"))
    assert_rel(kl_bon(list(p), n, dps=40), ref, 1e-38, abs_if_zero=mpmath.mpf("1e-38"))
    # float mode, exact input
    f = kl_bon(Ranked(p), n)
    assert is_float_result(f)
    assert_rel(f, ref, 1e-13, abs_if_zero=1e-16)
    # float mode, float input (input rounding only perturbs by ~n * 1e-16)
    ff = kl_bon(Ranked([float(x) for x in p]), n)
    assert is_float_result(ff)
    assert_rel(ff, ref, 1e-13, abs_if_zero=1e-15)
    # exact mode: a SymPy expression whose value is the KL
    ex = kl_bon(Ranked(p), n, exact=True)
    assert_exact_expr(ex)
    assert_rel(sym_eval(ex, 55), ref, 1e-50, abs_if_zero=mpmath.mpf("1e-50"))
    if n == 1:
        assert ex == 0 or sympy.simplify(ex) == 0


# --------------------------------------------------------------------------- tie rules

TIE_CASES = [
    ([Fr(1, 4)] * 4, [0, 1, 1, 2]),
    ([Fr(1, 2), Fr(1, 6), Fr(1, 3)], [5, 5, 5]),
    ([Fr(1, 10), Fr(3, 10), Fr(2, 10), Fr(4, 10)], [3, 1, 3, 1]),
    ([Fr(1, 3), Fr(1, 3), Fr(1, 3)], [2, 0, 2]),
    ([Fr(1, 5), Fr(2, 5), Fr(1, 10), Fr(3, 10)], [Fr(1, 2), -1, Fr(1, 2), 7]),
]
TIE_PARAMS = [(c, n) for c in range(len(TIE_CASES)) for n in (1, 2, 3, 4)]


@pytest.mark.parametrize("c,n", TIE_PARAMS)
def test_ties_ordered_bruteforce(c, n):
    p, r = TIE_CASES[c]
    rs, ps = sorted_reference(p, r)
    law = Ranked(p, r, ties="ordered")
    assert len(law) == len(p)
    assert tuple(law.probs) == tuple(ps)
    assert [Fr(x) for x in law.rewards] == [Fr(x) for x in rs]
    levels, q = bon_bruteforce(p, n, rewards=r, ties="ordered")
    b = best_of_n(law, n)
    assert tuple(b.probs) == tuple(q)
    # win rate: the fixed tie order makes later atoms count as higher
    assert to_fraction(win_rate_bon(law, n, exact=True)) == win_rate_pairs(q, ps)
    assert_rel(kl_bon(law, n, dps=40), kl_mp(q, ps), 1e-38, abs_if_zero=mpmath.mpf("1e-38"))
    assert to_fraction(mean_reward_bon(law, n, exact=True)) == mean_exact(q, rs)


@pytest.mark.parametrize("c,n", TIE_PARAMS)
def test_ties_merge_bruteforce(c, n):
    p, r = TIE_CASES[c]
    lv, pm = merged_reference(p, r)
    law = Ranked(p, r, ties="merge")
    assert len(law) == len(lv)
    assert tuple(law.probs) == tuple(pm)
    assert [Fr(x) for x in law.rewards] == [Fr(x) for x in lv]
    levels, q = bon_bruteforce(p, n, rewards=r, ties="merge")
    assert levels == lv
    b = best_of_n(law, n)
    assert tuple(b.probs) == tuple(q)
    # win rate with reward ties counted 1/2 (B22) between merged laws
    assert to_fraction(win_rate_bon(law, n, exact=True)) == win_rate_pairs(q, pm)
    assert_rel(kl_bon(law, n, dps=40), kl_mp(q, pm), 1e-38, abs_if_zero=mpmath.mpf("1e-38"))
    assert to_fraction(mean_reward_bon(law, n, exact=True)) == mean_exact(q, lv)
    # the mean reward does not depend on the tie rule
    assert to_fraction(mean_reward_bon(Ranked(p, r, ties="ordered"), n, exact=True)) == mean_exact(q, lv)


@pytest.mark.parametrize("c,n", TIE_PARAMS)
def test_merge_oracle_splits_proportionally(c, n):
    """Oracle self-check of B6: the uniform tie-break splits a level in proportion to p."""
    p, r = TIE_CASES[c]
    per_atom = bon_bruteforce_per_atom_merge(p, n, r)
    lv, pm = merged_reference(p, r)
    _, q = bon_bruteforce(p, n, rewards=r, ties="merge")
    for k, (pk, rk) in enumerate(zip(p, r)):
        j = lv.index(rk)
        assert per_atom[k] == q[j] * Fr(pk) / pm[j]


def test_ties_ordered_vs_merge_differ_only_inside_levels():
    p, r = [Fr(1, 4)] * 4, [0, 1, 1, 2]
    qo = best_of_n(Ranked(p, r, ties="ordered"), 2).probs
    qm = best_of_n(Ranked(p, r, ties="merge"), 2).probs
    assert tuple(qo) == (Fr(1, 16), Fr(3, 16), Fr(5, 16), Fr(7, 16))
    assert tuple(qm) == (Fr(1, 16), Fr(1, 2), Fr(7, 16))


# --------------------------------------------------------------------------- input kinds (spec)


def test_input_kinds():
    ex = Ranked(["1/2", "1/3", "1/6"])
    assert ex.kind == "exact" and tuple(ex.probs) == (Fr(1, 2), Fr(1, 3), Fr(1, 6))
    assert isinstance(ex.probs, tuple) and all(isinstance(x, Fr) for x in ex.probs)
    sy = Ranked([sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(1, 6)])
    assert sy.kind == "exact" and tuple(sy.probs) == (Fr(1, 2), Fr(1, 3), Fr(1, 6))
    it = Ranked([0, 1])
    assert it.kind == "exact" and tuple(it.probs) == (Fr(0), Fr(1))
    fl = Ranked([0.25, 0.75])
    assert fl.kind == "float" and isinstance(fl.probs, np.ndarray) and fl.probs.dtype == np.float64
    na = Ranked(np.array([0.25, 0.75]))
    assert na.kind == "float" and isinstance(na.probs, np.ndarray)
    mp = Ranked([mpmath.mpf("0.5"), mpmath.mpf("0.5")])
    assert mp.kind == "mp" and all(isinstance(x, mpmath.mpf) for x in mp.probs)
    assert Ranked([Fr(1, 2), Fr(1, 2)]).rewards is None
    assert len(Ranked([Fr(1)])) == 1


def test_single_atom_law():
    law = Ranked([Fr(1)])
    assert tuple(best_of_n(law, 7).probs) == (Fr(1),)
    assert to_fraction(win_rate_bon(law, 7, exact=True)) == Fr(1, 2)
    assert kl_bon(law, 7) == 0.0


# --------------------------------------------------------------------------- reference values (THEORY.md section 7)


def test_V1_bound_values():
    ref = {2: "0.19314718055994530942", 16: "1.8350887222397812377", 1000: "5.9087552789821370521"}
    for n, v in ref.items():
        f = kl_bon_bound(n)
        assert is_float_result(f)
        assert_rel(f, mpmath.mpf(v), 1e-15)
        d = kl_bon_bound(n, dps=30)
        assert isinstance(d, mpmath.mpf)
        with mpmath.workdps(40):
            assert_rel(d, mpmath.mpf(v), 1e-19)  # the reference has 20 digits
            assert_rel(d, mpmath.log(n) - mpmath.mpf(n - 1) / n, 1e-29)
    assert kl_bon_bound(1) == 0
    n = sympy.Symbol("n", positive=True, integer=True)
    e = kl_bon_bound(n)
    assert isinstance(e, sympy.Basic)
    assert sympy.simplify(e - (sympy.log(n) - (n - 1) / n)) == 0
    w = win_rate_bound(n)
    assert isinstance(w, sympy.Basic)
    assert sympy.simplify(w - n / (n + 1)) == 0
    assert win_rate_bound(3) == pytest.approx(0.75, rel=1e-15)
    assert is_float_result(win_rate_bound(3))
    wd = win_rate_bound(7, dps=30)
    assert isinstance(wd, mpmath.mpf)
    assert_rel(wd, Fr(7, 8), 1e-29)
    assert_rel(win_rate_bound(1000), Fr(1000, 1001), 1e-15)


def test_V2_example1():
    law = Ranked([Fr(1, 2), Fr(1, 2)])
    ref = {2: "0.13081203594113695913", 8: "0.66758772051553387819"}
    for n, v in ref.items():
        with mpmath.workdps(30):
            v = mpmath.mpf(v)
        assert_rel(kl_bon(law, n), v, 1e-15)
        assert_rel(kl_bon(law, n, dps=25), v, 1e-19)
        assert_rel(sym_eval(kl_bon(law, n, exact=True), 30), v, 1e-19)


def test_V3_reference():
    p = [Fr(1, 2), Fr(1, 3), Fr(1, 6)]
    law = Ranked(p)
    q = best_of_n(law, 3).probs
    assert tuple(q) == (Fr(1, 8), Fr(49, 108), Fr(91, 216))
    with mpmath.workdps(30):
        v = mpmath.mpf("0.35727582032144872468")
    assert_rel(kl_bon(law, 3), v, 1e-15)
    assert_rel(kl_bon(law, 3, dps=30), v, 1e-19)
    assert_rel(sym_eval(kl_bon(law, 3, exact=True), 30), v, 1e-19)
    assert to_fraction(win_rate_bon(law, 3, exact=True)) == Fr(311, 432)
    assert_rel(win_rate_bon(law, 3), Fr(311, 432), 1e-15)
    # oracle self-check
    assert bon_bruteforce(p, 3)[1] == [Fr(1, 8), Fr(49, 108), Fr(91, 216)]
    assert win_rate_pairs(q, p) == Fr(311, 432)


def test_V5_uniform():
    u100 = Ranked([Fr(1, 100)] * 100)
    assert abs(kl_bon(u100, 10) - 1.4021633) <= 6e-8
    assert abs(win_rate_bon(u100, 10) - 0.90900759) <= 6e-9
    u100f = Ranked(np.full(100, 0.01))
    assert abs(kl_bon(u100f, 10) - 1.4021633) <= 6e-8
    assert abs(win_rate_bon(u100f, 10) - 0.90900759) <= 6e-9
    u10 = Ranked([Fr(1, 10)] * 10)
    assert abs(kl_bon(u10, 100) - 2.3022787) <= 6e-8
    # oracle self-check and full-precision comparison
    k, w = bon_quantities_naive_mp([Fr(1, 100)] * 100, 10)
    assert abs(k - mpmath.mpf("1.4021633")) <= 6e-8 and abs(w - mpmath.mpf("0.90900759")) <= 6e-9
    assert_rel(kl_bon(u100, 10, dps=40), k, 1e-38)
    assert_rel(win_rate_bon(u100, 10, dps=40), w, 1e-38)
    k10, _ = bon_quantities_naive_mp([Fr(1, 10)] * 10, 100)
    assert_rel(kl_bon(u10, 100, dps=40), k10, 1e-38)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 20, 30, 50, 64])
def test_B11_example1_closed_form(n):
    with mpmath.workdps(70):
        ref = mpmath.log(2) - binary_entropy_mp(Fr(1, 2 ** n), dps=70)
    law = Ranked([Fr(1, 2), Fr(1, 2)])
    assert_rel(kl_bon(law, n), ref, 1e-14, abs_if_zero=1e-16)
    assert_rel(kl_bon(law, n, dps=50), ref, 1e-48, abs_if_zero=mpmath.mpf("1e-48"))
    assert_rel(sym_eval(kl_bon(law, n, exact=True), 60), ref, 1e-55, abs_if_zero=mpmath.mpf("1e-55"))
    assert kl_bon(law, n) <= math.log(2)
    with mpmath.workdps(60):
        assert kl_bon(law, n, dps=50) < mpmath.log(2)
    # the folklore value is wrong for every n >= 2 (B9)
    if n >= 2:
        assert kl_bon(law, n, dps=30) < kl_bon_bound(n, dps=30)


def test_B11_symbolic_n():
    n = sympy.Symbol("n", positive=True, integer=True)
    law = Ranked([Fr(1, 2), Fr(1, 2)])
    e = kl_bon(law, n, exact=True)
    assert isinstance(e, sympy.Basic)
    assert e.free_symbols <= {n}
    for k in [1, 2, 3, 8, 21]:
        with mpmath.workdps(60):
            ref = mpmath.log(2) - binary_entropy_mp(Fr(1, 2 ** k), dps=60)
        assert_rel(sym_eval(e.subs(n, k), 50), ref, 1e-45, abs_if_zero=mpmath.mpf("1e-45"))


@pytest.mark.parametrize("eps", [Fr(1, 2), Fr(1, 3), Fr(1, 10), Fr(1, 100), Fr(3, 4), Fr(99, 100)])
def test_B27_two_atom_win_rate(eps):
    law = Ranked([1 - eps, eps])
    for n in range(1, 13):
        expected = Fr(1, 2) * (1 - eps) ** (n + 1) + (1 - (1 - eps) ** n) * (1 - eps / 2)
        assert to_fraction(win_rate_bon(law, n, exact=True)) == expected
        assert_rel(win_rate_bon(law, n), expected, 1e-14)
        # oracle agrees with the formula
        assert win_rate_pairs(bon_bruteforce([1 - eps, eps], n)[1] if n <= 6 else
                              [(1 - eps) ** n, 1 - (1 - eps) ** n], [1 - eps, eps]) == expected


def test_B27_uniform_binary():
    law = Ranked([Fr(1, 2), Fr(1, 2)])
    for n in range(1, 40):
        assert to_fraction(win_rate_bon(law, n, exact=True)) == Fr(3, 4) - Fr(1, 2 ** (n + 1))
    ns = sympy.Symbol("n", positive=True, integer=True)
    e = win_rate_bon(law, ns, exact=True)
    assert isinstance(e, sympy.Basic)
    assert e.free_symbols <= {ns}
    for k in [1, 2, 5, 17, 57]:
        assert to_fraction(e.subs(ns, k)) == Fr(3, 4) - Fr(1, 2 ** (k + 1))


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_pmf():
    p = [0.1, 0.2, 0.3, 0.4]
    n, size = 3, 200_000
    emp = sample_bon(p, n, size, seed=20240117)
    q = np.asarray(best_of_n(Ranked(p), n).probs, dtype=float)
    se = np.sqrt(q * (1 - q) / size)
    assert np.all(np.abs(emp - q) <= 5 * se), (emp, q, se)
    # the exact rational law gives the same pmf
    qe = best_of_n(Ranked([Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)]), n).probs
    assert np.allclose(q, [float(x) for x in qe], rtol=1e-14, atol=0)


def test_monte_carlo_win_rate():
    p = [0.1, 0.2, 0.3, 0.4]
    n, size = 3, 200_000
    rng = np.random.default_rng(7)
    x = rng.choice(4, size=(size, n), p=p).max(axis=1)
    y = rng.choice(4, size=size, p=p)
    wins = (x > y) + 0.5 * (x == y)
    w = win_rate_bon(Ranked(p), n)
    assert abs(wins.mean() - w) <= 5 * wins.std() / math.sqrt(size)


# --------------------------------------------------------------------------- large n accuracy


def _quantized_dirichlet(L: int, seed: int, bits: int = 58):
    """A seeded Dirichlet(1,...,1) law whose float entries sum to 1 *exactly*:
    p_i = k_i / 2**bits with integer k_i < 2**53 (exact doubles) and sum k_i = 2**bits."""
    raw = np.random.default_rng(seed).dirichlet(np.ones(L))
    k = [int(round(x * 2 ** bits)) for x in raw]
    k[-1] = 2 ** bits - sum(k[:-1])
    assert all(0 < ki < 2 ** 53 for ki in k)
    probs = [ki / 2 ** bits for ki in k]
    assert all(Fr(x) == Fr(ki, 2 ** bits) for x, ki in zip(probs, k))
    assert sum(Fr(x) for x in probs) == 1
    return probs


def _dirichlet_with_tiny_top(L: int, seed: int, bits: int = 58):
    """Quantized Dirichlet bulk below three tiny top atoms of mass ~1e-9, 1e-12, 1e-15, so
    that BoN is still moving mass between the top atoms at n = 1e9 ... 1e15."""
    tops = [round(1e-9 * 2 ** bits), round(1e-12 * 2 ** bits), round(1e-15 * 2 ** bits)]
    raw = np.random.default_rng(seed).dirichlet(np.ones(L - 3))
    k = [int(round(x * (2 ** bits - sum(tops)))) for x in raw]
    k[-1] = 2 ** bits - sum(tops) - sum(k[:-1])
    k += tops
    assert all(0 < ki < 2 ** 53 for ki in k) and sum(k) == 2 ** bits
    return [ki / 2 ** bits for ki in k]


LARGE_NS = [2, 10 ** 3, 10 ** 6, 10 ** 9, 10 ** 12, 10 ** 15]


@pytest.mark.parametrize("shape,seed", [("dirichlet", 1), ("dirichlet", 2), ("tiny_top", 3)])
def test_large_n_accuracy(shape, seed):
    probs = _quantized_dirichlet(1000, seed) if shape == "dirichlet" else _dirichlet_with_tiny_top(1000, seed)
    assert sum(Fr(x) for x in probs) == 1
    exact = [Fr(x) for x in probs]
    arr = np.array(probs)
    law = Ranked(arr)
    failures = []
    for n in LARGE_NS:
        k_ref, w_ref = bon_quantities_naive_mp(exact, n, extra_dps=60)
        k_lib = kl_bon(law, n)
        w_lib = win_rate_bon(law, n)
        k_seq = kl_bon(probs, n)  # plain sequence input
        k_d30 = kl_bon(law, n, dps=30)
        w_d30 = win_rate_bon(law, n, dps=30)
        for name, got, ref, tol in (("kl_bon", k_lib, k_ref, 1e-12), ("win_rate_bon", w_lib, w_ref, 1e-12),
                                    ("kl_bon(list)", k_seq, k_ref, 1e-12),
                                    ("kl_bon(dps=30)", k_d30, k_ref, 1e-28),
                                    ("win_rate_bon(dps=30)", w_d30, w_ref, 1e-28)):
            err = rel_err(got, ref)
            if not err <= tol:
                failures.append(f"{name} n={n}: got {got!r}, expected {mpmath.nstr(ref, 20)}, "
                                f"rel err {mpmath.nstr(err, 3)}")
    assert not failures, "\n".join(failures)
    # the input array is not modified
    assert np.array_equal(arr, np.array(probs))


@pytest.mark.parametrize("n", [1.5, 2.5, 7.25, 1e3 + 0.5])
def test_real_n_bon_law(n):
    """B4: for real n >= 1 the BoN law has CDF F^n."""
    p = [Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)]
    F = cumulative(p)
    b = best_of_n(Ranked(p), n)
    with mpmath.workdps(50):
        Fm = [mpmath.mpf(f.numerator) / f.denominator for f in F]
        q = [Fm[k] ** mpmath.mpf(n) - Fm[k - 1] ** mpmath.mpf(n) for k in range(1, len(F))]
        for got, ref in zip(b.probs, q):
            if ref < mpmath.mpf("1e-300"):  # below double range: 0 (or a subnormal) is correct
                assert 0 <= float(got) <= 1e-300
            else:
                assert_rel(float(got), ref, 1e-13)
        kref = mpmath.fsum(qk * mpmath.log(qk / (mpmath.mpf(pk.numerator) / pk.denominator))
                           for qk, pk in zip(q, p))
    assert_rel(kl_bon(Ranked(p), n), kref, 1e-12)
    assert_rel(kl_bon(Ranked(p), n, dps=30), kref, 1e-28)


# --------------------------------------------------------------------------- properties (hypothesis)

weights = st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=6)
small_n = st.integers(min_value=1, max_value=8)


def _bon_formula(p, n):
    F = cumulative(p)
    return [F[k] ** n - F[k - 1] ** n for k in range(1, len(F))]


@settings(deadline=None, max_examples=40)
@given(weights, small_n)
def test_prop_kl_below_bound(w, n):
    p = fractions_from_weights(w)
    law = Ranked(p)
    got = kl_bon(law, n, dps=30)
    bound = kl_bon_bound(n, dps=30)
    ref = kl_mp(_bon_formula(p, n), p, dps=50)
    assert_rel(got, ref, 1e-28, abs_if_zero=mpmath.mpf("1e-29"))
    if n == 1:
        assert abs(got) <= mpmath.mpf("1e-29")
    else:
        with mpmath.workdps(50):
            assert ref < mpmath.log(n) - mpmath.mpf(n - 1) / n  # oracle: B8 strict
        assert got < bound
        assert kl_bon(law, n) < kl_bon_bound(n)


@settings(deadline=None, max_examples=40)
@given(weights, small_n)
def test_prop_win_rate_bounds(w, n):
    p = fractions_from_weights(w)
    W = to_fraction(win_rate_bon(Ranked(p), n, exact=True))
    assert W == win_rate_pairs(_bon_formula(p, n), p)
    assert W >= Fr(1, 2)
    assert W <= Fr(n, n + 1)
    if n >= 2:
        assert W < Fr(n, n + 1)
    else:
        assert W == Fr(1, 2)


@settings(deadline=None, max_examples=30)
@given(weights, small_n, st.lists(st.integers(-20, 20), min_size=6, max_size=6))
def test_prop_modes_agree(w, n, rew):
    p = fractions_from_weights(w)
    law = Ranked(p)
    # KL
    ex = sym_eval(kl_bon(law, n, exact=True), 40)
    d30 = kl_bon(law, n, dps=30)
    fl = kl_bon(law, n)
    assert_rel(d30, ex, 1e-28, abs_if_zero=mpmath.mpf("1e-29"))
    assert_rel(fl, ex, 1e-13, abs_if_zero=1e-16)
    # win rate
    ex = sym_eval(win_rate_bon(law, n, exact=True), 40)
    assert_rel(win_rate_bon(law, n, dps=30), ex, 1e-28)
    assert_rel(win_rate_bon(law, n), ex, 1e-13)
    # mean reward (distinct rewards in arbitrary order)
    rewards = [r * 7 + k for k, r in enumerate(rew[: len(p)])]  # distinct: different residues mod 7
    rl = Ranked(p, rewards)
    exm = to_fraction(mean_reward_bon(rl, n, exact=True))
    rs, ps = sorted_reference(p, rewards)
    assert exm == mean_exact(_bon_formula(ps, n), rs)
    assert_rel(mean_reward_bon(rl, n, dps=30), exm, 1e-28, abs_if_zero=mpmath.mpf("1e-29"))
    assert_rel(mean_reward_bon(rl, n), exm, 1e-13, abs_if_zero=1e-13)


@settings(deadline=None, max_examples=40)
@given(weights, st.integers(1, 4), st.integers(1, 4))
def test_prop_bon_composition(w, m, n):
    law = Ranked(fractions_from_weights(w))
    lhs = best_of_n(best_of_n(law, n), m)
    rhs = best_of_n(law, m * n)
    assert lhs.kind == rhs.kind == "exact"
    assert tuple(lhs.probs) == tuple(rhs.probs)


@settings(deadline=None, max_examples=40)
@given(st.lists(st.tuples(st.integers(1, 9), st.integers(0, 3)), min_size=1, max_size=4),
       st.integers(1, 4), st.sampled_from(["ordered", "merge"]))
def test_prop_bruteforce_with_ties(atoms, n, ties):
    p = fractions_from_weights([a for a, _ in atoms])
    r = [b for _, b in atoms]
    levels, q = bon_bruteforce(p, n, rewards=r, ties=ties)
    law = Ranked(p, r, ties=ties)
    assert tuple(best_of_n(law, n).probs) == tuple(q)
    ref = sorted_reference(p, r)[1] if ties == "ordered" else merged_reference(p, r)[1]
    assert to_fraction(win_rate_bon(law, n, exact=True)) == win_rate_pairs(q, ref)
    assert to_fraction(mean_reward_bon(law, n, exact=True)) == mean_exact(q, levels)


@settings(deadline=None, max_examples=40)
@example(pair=([4, 6], [7, 10]))  # KL ~ 2.9e-4 with cancellation between terms
@given(st.integers(1, 5).flatmap(
    lambda L: st.tuples(st.lists(st.integers(1, 30), min_size=L, max_size=L),
                        st.lists(st.integers(1, 30), min_size=L, max_size=L))))
def test_prop_generic_kl_and_win_rate(pair):
    p = fractions_from_weights(pair[0])
    q = fractions_from_weights(pair[1])
    P, Q = Ranked(p), Ranked(q)
    assert to_fraction(win_rate(P, Q, exact=True)) == win_rate_pairs(p, q)
    assert to_fraction(win_rate(P, Q, exact=True)) + to_fraction(win_rate(Q, P, exact=True)) == 1
    assert to_fraction(win_rate(P, P, exact=True)) == Fr(1, 2)
    assert_rel(kl(P, Q, dps=30), kl_mp(p, q), 1e-28, abs_if_zero=mpmath.mpf("1e-29"))
    assert_rel(kl(P, Q), kl_mp(p, q), 1e-13, abs_if_zero=1e-16)
    assert_rel(sym_eval(kl(P, Q, exact=True), 40), kl_mp(p, q), 1e-35, abs_if_zero=mpmath.mpf("1e-35"))
    assert kl(P, P, dps=30) == 0


# --------------------------------------------------------------------------- float mode near p == q
# KL between nearby laws is a sum of terms of both signs that cancel; the float result
# must still be accurate (the inputs are exact or exact binary values), and never negative.

NEAR = [Fr(1, 10 ** 3), Fr(1, 10 ** 6), Fr(1, 10 ** 9), Fr(1, 10 ** 12)]


@pytest.mark.parametrize("d", NEAR, ids=["1e-3", "1e-6", "1e-9", "1e-12"])
def test_kl_float_nearby_exact_laws(d):
    for p, q in (
        ([Fr(1, 2), Fr(1, 2)], [Fr(1, 2) + d, Fr(1, 2) - d]),
        ([Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)], [Fr(1, 10) + d, Fr(2, 10) - 3 * d, Fr(3, 10), Fr(4, 10) + 2 * d]),
    ):
        ref = kl_mp(p, q)
        got = kl(Ranked(p), Ranked(q))
        assert got >= 0, f"negative KL {got!r} for p={p}, q={q}"
        assert_rel(got, ref, 1e-13)
        assert_rel(kl(Ranked(p), Ranked(q), dps=30), ref, 1e-28)


@pytest.mark.parametrize("k", [10, 20, 30, 40, 50])
def test_kl_float_nearby_float_laws(k):
    d = 2.0 ** -k  # dyadic: the float laws are exact binary values summing to exactly 1
    p, q = [0.5, 0.5], [0.5 + d, 0.5 - d]
    assert sum(Fr(x) for x in q) == 1
    ref = kl_mp([Fr(x) for x in p], [Fr(x) for x in q])  # KL of the exact binary values
    got = kl(Ranked(p), Ranked(q))
    assert got >= 0, f"negative KL {got!r} for q={q}"
    assert_rel(got, ref, 1e-13)


@pytest.mark.parametrize("n", [1 + 1e-9, 1 + 1e-12, 1 + 1e-15])
@pytest.mark.parametrize("p", [
    [Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)],
    [Fr(1, 3)] * 3,
    [0.25] * 4,
], ids=["exact4", "uniform3", "float4"])
def test_kl_bon_real_n_near_one_float(p, n):
    """KL(BoN_n || p) for real n slightly above 1 (about 0.7-0.9 x the bound (n-1)^2/2):
    the float result must be >= 0 and must respect Theorem 3.1 (B8)."""
    got = kl_bon(p, n)
    assert got >= 0, f"negative KL {got!r} at n={n!r}"
    assert got <= kl_bon_bound(n), f"KL {got!r} above the bound {kl_bon_bound(n)!r} at n={n!r}"


@pytest.mark.parametrize("n", [1 + 1e-9, 1 + 1e-12, 1 + 1e-15])
@pytest.mark.parametrize("p", [
    [Fr(1, 10), Fr(2, 10), Fr(3, 10), Fr(4, 10)],
    [Fr(1, 3)] * 3,
    [0.25] * 4,
], ids=["exact4", "uniform3", "float4"])
def test_kl_bon_real_n_near_one_dps(p, n):
    F = cumulative([Fr(x) for x in p])
    with mpmath.workdps(80):
        nn = mpmath.mpf(n)
        Fm = [mpmath.mpf(f.numerator) / f.denominator for f in F]
        q = [Fm[k] ** nn - Fm[k - 1] ** nn for k in range(1, len(F))]
        pm = [Fm[k] - Fm[k - 1] for k in range(1, len(F))]
        ref = mpmath.fsum(qk * mpmath.log(qk / pk) for qk, pk in zip(q, pm))
    assert ref > 0
    assert_rel(kl_bon(p, n, dps=30), ref, 1e-28)
