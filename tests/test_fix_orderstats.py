"""Regression tests for the review of bonsym/orderstats.py (bon_f_divergence with real / huge /
symbolic n, bon_divergence near n = 1 and at n = 1e15, exp_max size guards and edge values).

Oracles (independent of the library code paths): closed forms of THEORY.md M13/M16 typed here
and evaluated with mpmath at 60+ digits, mpmath.quad of int_0^1 f(n u^(n-1)) du with guard
digits for the O((n-1)^2) values near n = 1, exact Fractions, Euler-Maclaurin expansions.
"""
from __future__ import annotations

import math
from fractions import Fraction as Fr

import mpmath
import pytest
import sympy

import bonsym

T = sympy.Symbol("t")
NSYM = sympy.Symbol("n", positive=True)
KL_F = T * sympy.log(T)
CHI2_F = (T - 1) ** 2


def mp_of(x):
    if isinstance(x, Fr):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


def rel(a, b):
    with mpmath.workdps(80):
        a, b = mp_of(a) if not isinstance(a, sympy.Basic) else mpmath.mpf(str(sympy.N(a, 80))), mp_of(b)
        return abs(a - b) / abs(b)


# ---------------------------------------------------------------- typed closed forms (M16), 60+ digits
def closed(kind, n, alpha=None, dps=60):
    """D_kind(P_n || U) typed from THEORY.md M16 (tests/oracles.py), n a Fraction (exact), 60 guard digits."""
    from oracles import bon_closed_mp

    return bon_closed_mp(kind, n, alpha, dps=dps + 35)


def generator_mp(kind, alpha=None):
    """The generator f(t) of ``kind`` in mpmath (tests/oracles.py), alpha given exactly."""
    from oracles import generator_mp as typed

    return typed(kind, None if alpha is None else mp_of(alpha))


def quad_near_one(kind, n, alpha=None, dps=60):
    """mpmath.quad of int_0^1 f(n u^(n-1)) du, n = 1 + h, with 2 log10(1/h) guard digits (value O(h^2))."""
    h = n - 1
    guard = 2 * int(math.log10(h.denominator / h.numerator) + 1) + 20
    with mpmath.workdps(dps + guard):
        nn, hh = mp_of(n), mp_of(h)
        f = generator_mp(kind, alpha)
        us = mpmath.exp(-mpmath.log(nn) / hh)  # the ratio crosses 1 (TV kink)
        v = mpmath.quad(lambda u: f(nn * mpmath.exp(hh * mpmath.log(u))), [0, us / 4, us, (1 + us) / 2, 1])
        if kind == "renyi":
            v = mpmath.log1p(v - 1) / (mp_of(alpha) - 1)
        return +v


def quad_moderate(fm, n, dps=50):
    with mpmath.workdps(dps + 20):
        nn = mp_of(n)
        us = nn ** (-1 / (nn - 1))
        return mpmath.quad(lambda u: fm(nn * u ** (nn - 1)), [0, us, 1])


# ====================================================================== 1a: real n in bon_f_divergence
@pytest.mark.parametrize("n", [2.5, 3.0, 7.25, 1.5 + 2 ** -30])
def test_f_divergence_float_n_is_its_binary_value(n):
    nf = Fr(n)
    for f, kind in ((KL_F, "kl"), (CHI2_F, "chi2")):
        expected = closed(kind, nf)
        fl = bonsym.bon_f_divergence(f, n)
        assert isinstance(fl, float) and rel(fl, expected) < 1e-14, (kind, n, fl)
        d = bonsym.bon_f_divergence(f, n, dps=30)
        assert isinstance(d, mpmath.mpf) and rel(d, expected) < mpmath.mpf(10) ** -29, (kind, n, d)
    if n != 7.25:
        return
    # a generator without M16 closed form (quadrature in the library): quadrature oracle
    fm = lambda t: mpmath.sqrt(1 + t ** 3) - mpmath.sqrt(2)  # noqa: E731
    assert rel(bonsym.bon_f_divergence(sympy.sqrt(1 + T ** 3) - sympy.sqrt(2), n, dps=25),
               quad_moderate(fm, nf)) < mpmath.mpf(10) ** -24


def test_f_divergence_exact_mode_rational_n_and_float_refusal():
    ex = bonsym.bon_f_divergence(CHI2_F, Fr(5, 2), exact=True)
    assert sympy.simplify(ex - sympy.Rational(9, 16)) == 0   # (3/2)^2 / 4
    with pytest.raises(TypeError, match="Fraction"):
        bonsym.bon_f_divergence(CHI2_F, 2.5, exact=True)


@pytest.mark.parametrize("bad,exc", [(0.5, ValueError), (0, ValueError), (float("nan"), ValueError),
                                     (float("inf"), ValueError), (True, TypeError), ("3", TypeError),
                                     (None, TypeError)])
def test_f_divergence_bad_n_says_what_is_accepted(bad, exc):
    with pytest.raises(exc, match=">= 1"):
        bonsym.bon_f_divergence(KL_F, bad)


# ====================================================================== 1b: huge n
@pytest.mark.parametrize("n", [10 ** 6, 10 ** 15, 1e15])
def test_f_divergence_huge_n_matches_closed_forms(n):
    nf = Fr(n)
    for f, kind in ((KL_F, "kl"), (CHI2_F, "chi2")):
        expected = closed(kind, nf)
        fl = bonsym.bon_f_divergence(f, n)
        assert rel(fl, expected) < 1e-14, (kind, n, fl)
        assert rel(fl, bonsym.bon_divergence(kind, n)) < 1e-15
        d = bonsym.bon_f_divergence(f, n, dps=30)
        assert rel(d, expected) < mpmath.mpf(10) ** -29, (kind, n, d)


def test_f_divergence_huge_n_exact():
    n = 10 ** 15
    ex = bonsym.bon_f_divergence(CHI2_F, n, exact=True)
    assert ex == sympy.Rational((n - 1) ** 2, 2 * n - 1)
    kl = bonsym.bon_f_divergence(KL_F, n, exact=True)
    assert sympy.simplify(kl - (sympy.log(n) - sympy.Rational(n - 1, n))) == 0
    # TV (|t - 1|): SymPy has no symbolic-n form; exact mode refuses and points to dps
    with pytest.raises(ValueError, match="dps"):
        bonsym.bon_f_divergence(sympy.Abs(T - 1) / 2, n, exact=True)


def test_f_divergence_huge_n_quadrature_tv():
    n = 10 ** 6
    d = bonsym.bon_f_divergence(sympy.Abs(T - 1) / 2, n, dps=20)
    assert rel(d, closed("tv", Fr(n))) < mpmath.mpf(10) ** -19


def test_f_divergence_huge_n_divergent_generator_is_refused():
    """f = 1/t: int_0^1 u^(1-n)/n du = +inf for n >= 2; SymPy's conds-free antiderivative
    -1/(n(n-2)) must not be returned."""
    with pytest.raises(ValueError, match="dps"):
        bonsym.bon_f_divergence(1 / T, 10 ** 6, exact=True)
    ex = bonsym.bon_f_divergence(1 / T, NSYM, exact=True)
    assert ex.has(sympy.Integral)


# ====================================================================== 1c: symbolic n
def test_f_divergence_symbolic_chi2_has_no_zero_power():
    ex = bonsym.bon_f_divergence(CHI2_F, NSYM, exact=True)
    assert not any(p.base == 0 for p in ex.atoms(sympy.Pow)), ex
    assert sympy.simplify(ex - (NSYM - 1) ** 2 / (2 * NSYM - 1)) == 0
    for nv in (Fr(3, 2), Fr(4), Fr(1000)):
        got = ex.subs(NSYM, sympy.Rational(nv.numerator, nv.denominator))
        assert rel(got, quad_moderate(lambda t: (t - 1) ** 2, nv)) < mpmath.mpf(10) ** -40
    kl = bonsym.bon_f_divergence(sympy.Lambda(T, KL_F), NSYM, exact=True)
    assert sympy.simplify(kl - (sympy.log(NSYM) - (NSYM - 1) / NSYM)) == 0


# ====================================================================== 2: bon_divergence near n = 1 and huge n
KINDS = [("kl", None), ("reverse_kl", None), ("chi2", None), ("tv", None), ("hellinger", None),
         ("renyi", Fr(1, 2)), ("renyi", Fr(3)), ("js", None)]
NEAR_ONE = [1 + 1e-6, 1 + 1e-12, Fr(1) + Fr(1, 10 ** 20)]


@pytest.mark.parametrize("n", NEAR_ONE, ids=["1+1e-6", "1+1e-12", "1+1e-20"])
@pytest.mark.parametrize("case", KINDS, ids=[k if a is None else f"renyi{a}" for k, a in KINDS])
def test_bon_divergence_near_one(case, n):
    kind, a = case
    nf = Fr(n)
    expected = quad_near_one(kind, nf, a)
    kw = {} if a is None else {"alpha": float(a)}
    fl = bonsym.bon_divergence(kind, n, **kw)
    assert isinstance(fl, float) and rel(fl, expected) < 1e-12, (kind, n, fl, expected)
    d = bonsym.bon_divergence(kind, n, dps=30, **kw)
    assert isinstance(d, mpmath.mpf) and rel(d, expected) < mpmath.mpf(10) ** -29, (kind, n, d, expected)


@pytest.mark.parametrize("n", [10 ** 15, 1e15, 2 ** 80])
@pytest.mark.parametrize("case", KINDS, ids=[k if a is None else f"renyi{a}" for k, a in KINDS])
def test_bon_divergence_huge_n(case, n):
    kind, a = case
    expected = closed(kind, Fr(n), a)
    kw = {} if a is None else {"alpha": float(a)}
    fl = bonsym.bon_divergence(kind, n, **kw)
    assert isinstance(fl, float) and math.isfinite(fl) and rel(fl, expected) < 1e-14, (kind, fl)
    d = bonsym.bon_divergence(kind, n, dps=30, **kw)
    assert rel(d, expected) < mpmath.mpf(10) ** -29, (kind, d)


def test_js_closed_form_oracle_self_check():
    """The typed JS closed form agrees with quadrature where both are easy (n = 2, 9/2)."""
    for n in (Fr(2), Fr(9, 2)):
        assert rel(closed("js", n), quad_moderate(generator_mp("js"), n)) < mpmath.mpf(10) ** -45


def test_bon_divergence_repeated_calls_consistent():
    """The in-memory compiled evaluator gives the typed value on every call."""
    for _ in range(3):
        assert rel(bonsym.bon_divergence("kl", 7), closed("kl", Fr(7))) < 1e-15
        assert rel(bonsym.bon_divergence("hellinger", 7, dps=40), closed("hellinger", Fr(7))) < mpmath.mpf(10) ** -39
    assert bonsym.bon_divergence("chi2", 7, exact=True) == sympy.Rational(36, 13)


# ====================================================================== 3: exp_max
def harmonic(n, k=1):
    return sum((Fr(1, j ** k) for j in range(1, n + 1)), Fr(0))


def test_exp_max_exact_moderate_n_and_refusal_of_huge_n():
    n = 3000
    X = bonsym.exp_max(n)
    assert X.mean(exact=True) == sympy.Rational(*harmonic(n).as_integer_ratio())
    assert X.variance(exact=True) == sympy.Rational(*harmonic(n, 2).as_integer_ratio())
    assert X.cumulant(3, exact=True) == 2 * sympy.Rational(*harmonic(n, 3).as_integer_ratio())
    big = bonsym.exp_max(10 ** 6)
    for call in (lambda: big.mean(exact=True), lambda: big.variance(exact=True),
                 lambda: big.cumulant(4, exact=True), lambda: bonsym.exp_max(10 ** 15).mean(exact=True)):
        with pytest.raises(ValueError, match="dps"):
            call()


@pytest.mark.parametrize("n", [10 ** 6, 10 ** 15])
def test_exp_max_huge_n_numeric(n):
    """Euler-Maclaurin (P17): H_n = log n + gamma + 1/(2n) - 1/(12n^2) + 1/(120n^4) - ...,
    H_n^(2) = pi^2/6 - 1/n + 1/(2n^2) - 1/(6n^3) + 1/(30 n^5) - ...; truncation < 1e-30 here."""
    with mpmath.workdps(60):
        N = mpmath.mpf(n)
        h1 = mpmath.log(N) + mpmath.euler + 1 / (2 * N) - 1 / (12 * N ** 2) + 1 / (120 * N ** 4) - 1 / (252 * N ** 6)
        h2 = mpmath.pi ** 2 / 6 - 1 / N + 1 / (2 * N ** 2) - 1 / (6 * N ** 3) + 1 / (30 * N ** 5) - 1 / (42 * N ** 7)
    X = bonsym.exp_max(n)
    assert rel(X.mean(), h1) < 1e-15 and rel(X.mean(dps=30), h1) < mpmath.mpf(10) ** -29
    assert rel(X.variance(), h2) < 1e-15 and rel(X.variance(dps=30), h2) < mpmath.mpf(10) ** -29


def test_exp_max_pdf_at_zero():
    one = bonsym.exp_max(1)
    assert one.pdf(0) == 1.0 and isinstance(one.pdf(0), float)
    assert one.pdf(0, dps=20) == 1 and isinstance(one.pdf(0, dps=20), mpmath.mpf)
    assert one.pdf(0, exact=True) == 1
    assert one.pdf(0.0) == 1.0
    for n in (2, 3, 2.5):
        assert bonsym.exp_max(n).pdf(0) == 0
    # n = 1 is Exp(1): density e^-x
    with mpmath.workdps(50):
        e2 = mpmath.exp(-2)
    assert rel(one.pdf(2.0, dps=30), e2) < mpmath.mpf(10) ** -29


def test_exp_max_infinite_and_nan_arguments():
    X = bonsym.exp_max(3)
    for kw in ({}, {"dps": 20}):
        assert X.cdf(math.inf, **kw) == 1
        assert X.cdf(-math.inf, **kw) == 0
        assert X.cdf(-1.5, **kw) == 0
        assert X.pdf(math.inf, **kw) == 0
        assert X.pdf(-math.inf, **kw) == 0
        assert X.pdf(-0.5, **kw) == 0
    assert X.cdf(mpmath.inf) == 1 and X.cdf(sympy.oo, exact=True) == 1
    for bad in (math.nan, mpmath.nan, sympy.nan):
        with pytest.raises(ValueError, match="nan"):
            X.cdf(bad)
        with pytest.raises(ValueError, match="nan"):
            X.pdf(bad)
    # a finite value against the typed CDF (1 - e^-x)^n
    with mpmath.workdps(50):
        c = (-mpmath.expm1(-mpmath.mpf(1.25))) ** 3
    assert rel(X.cdf(1.25, dps=30), c) < mpmath.mpf(10) ** -29
