"""Tradeoff curve inversions across the whole domain (B28-B30): tiny and huge budgets and win rates.

Oracles are independent of bonsym's code path: the closed forms of THEORY.md B29/B30 typed here
and evaluated naively in mpmath at a working precision raised by the cancellation they suffer
(90 digits plus three times the decimal size of the tilt parameter), solved with mpmath.findroot in
log-log coordinates; leading asymptotics derived by hand and confirmed by SymPy series.
"""
from __future__ import annotations

import math
from fractions import Fraction as Fr

import mpmath
import pytest
from flint import arb

import bonsym
from bonsym import tradeoff as T
from bonsym.numbers import arb_eval
from bonsym.roots import bracket_increasing, solve_increasing

KS = [1e-300, 1e-30, 1e-12, 1e-6, 1, 10, 100, 1e4, 1e8, 1e15]
WS = [Fr(1, 2) + Fr(1, 10 ** 300), Fr(1, 2) + Fr(1, 10 ** 20), Fr(1, 2) + Fr(1, 10 ** 10), Fr(9, 10),
      1 - Fr(1, 10 ** 10), 1 - Fr(1, 10 ** 30), 1 - Fr(1, 10 ** 300)]


# ------------------------------------------------------------------ oracles (closed forms, mpmath)

def _mp(x):
    x = Fr(x)
    with mpmath.workdps(max(mpmath.mp.dps, 60)):
        return mpmath.mpf(x.numerator) / x.denominator


def tilt_w(c):
    """B30: W(c) = 1/(1-e^{-c}) - 1/c (naive)."""
    return 1 / (1 - mpmath.exp(-c)) - 1 / c


def tilt_kl(c):
    """B30: KL(c) = log(c/(e^c-1)) + c W(c) (naive)."""
    return mpmath.log(c / (mpmath.exp(c) - 1)) + c * tilt_w(c)


def kbar(t):
    """B29: log t - (t-1)/t (naive)."""
    return mpmath.log(t) - (t - 1) / t


_TOL = mpmath.mpf(10) ** -150  # findroot: |F|^2 below this, i.e. log-residual below 1e-75


def _wdps(log10_param):
    return int(90 + 3 * abs(log10_param))


def oracle_tilt_c_from_kl(K):
    """c with KL(c) = K, by findroot on log KL(e^l) = log K."""
    Kf = Fr(K)
    l0 = 0.5 * math.log(24 * float(Kf)) if Kf <= 2 else float(Kf) + 1
    with mpmath.workdps(_wdps(l0 / math.log(10))):
        Km = _mp(Kf)
        lstar = mpmath.findroot(lambda l: mpmath.log(tilt_kl(mpmath.exp(l))) - mpmath.log(Km), mpmath.mpf(l0), tol=_TOL)
        c = mpmath.exp(lstar)
        assert abs(tilt_kl(c) / Km - 1) < mpmath.mpf(10) ** -70
        return c


def oracle_optimal_win_rate(K):
    c = oracle_tilt_c_from_kl(K)
    with mpmath.workdps(_wdps(float(mpmath.log10(c)))):
        return +tilt_w(c)


def oracle_optimal_kl(w):
    """KL(c) with W(c) = w; solve log(W-1/2) = log(w-1/2) (w <= 3/4) or log(1-W) = log(1-w)."""
    w = Fr(w)
    d, v = w - Fr(1, 2), 1 - w
    l0 = math.log(12 * float(d)) if d <= Fr(1, 4) else -math.log(float(v))
    with mpmath.workdps(_wdps(l0 / math.log(10))):
        if d <= Fr(1, 4):
            F = lambda l: mpmath.log(tilt_w(mpmath.exp(l)) - 0.5) - mpmath.log(_mp(d))  # noqa: E731
        else:
            F = lambda l: mpmath.log(1 - tilt_w(mpmath.exp(l))) - mpmath.log(_mp(v))  # noqa: E731
        c = mpmath.exp(mpmath.findroot(F, mpmath.mpf(l0), tol=_TOL))
        return +tilt_kl(c)


def oracle_bon_curve_win_rate(K):
    """t/(t+1) with log t - (t-1)/t = K; solve log kbar(t) = log K in l = log(t - 1)."""
    Kf = Fr(K)
    l0 = 0.5 * math.log(2 * float(Kf)) if Kf < 1 else math.log(math.expm1(float(Kf) + 1))
    with mpmath.workdps(_wdps(l0 / math.log(10))):
        Km = _mp(Kf)
        l = mpmath.findroot(lambda l: mpmath.log(kbar(1 + mpmath.exp(l))) - mpmath.log(Km), mpmath.mpf(l0), tol=_TOL)
        t = 1 + mpmath.exp(l)
        assert abs(kbar(t) / Km - 1) < mpmath.mpf(10) ** -70
        return t / (t + 1)


def rel(a, b):
    with mpmath.workdps(60):
        a, b = mpmath.mpf(a), mpmath.mpf(b)
        return abs(a - b) / abs(b)


# ------------------------------------------------------------------ asymptotics (hand-derived, SymPy-checked)

def test_series_of_the_closed_forms():
    """Hand-derived (c/(e^c-1) = sum B_k c^k/k!, KL'(c) = c W'(c); SymPy series agrees):
    KL = c^2/24 - c^4/960 + c^6/36288 - ..., W - 1/2 = c/12 - c^3/720 + c^5/30240 - ...;
    BoN with u = 1 - 1/t: Kbar = u^2/2 + u^3/3 + u^4/4 + u^5/5 + ....
    Checked on the naive closed forms at 300 digits: the remainder after the typed terms,
    divided by the next power, is the next coefficient."""
    with mpmath.workdps(300):
        for x in (mpmath.mpf(10) ** -6, mpmath.mpf(10) ** -9):
            r = (tilt_kl(x) - x ** 2 / 24 + x ** 4 / 960) / x ** 6
            assert abs(r * 36288 - 1) < 1e-9
            r = (tilt_w(x) - mpmath.mpf(1) / 2 - x / 12 + x ** 3 / 720) / x ** 5
            assert abs(r * 30240 - 1) < 1e-9
            r = (kbar(1 / (1 - x)) - x ** 2 / 2 - x ** 3 / 3 - x ** 4 / 4) / x ** 5
            assert abs(r * 5 - 1) < 1e-5
        # large c: KL = log c - 1 + O(c e^{-c}), 1 - W = 1/c - O(e^{-c}); large t: Kbar = log t - 1 + 1/t
        x = mpmath.mpf(200)
        assert abs(tilt_kl(x) - (mpmath.log(x) - 1)) < 1e-80
        assert abs((1 - tilt_w(x)) * x - 1) < 1e-80


def test_small_win_rate_excess_gives_kl_6d2():
    """W - 1/2 = d tiny: c = 12 d (1 + O(d^2)), KL = c^2/24 (1 + O(c^2)) = 6 d^2 (1 + O(d^2))."""
    for e in (20, 300, 1000):
        d = Fr(1, 10 ** e)
        with mpmath.workdps(50):
            ref = 6 * mpmath.mpf(10) ** (-2 * e)
        got = bonsym.optimal_kl(Fr(1, 2) + d, dps=30)
        assert rel(got, ref) < 1e-29


def test_small_budget_win_rate_excess_is_sqrt_k_over_6():
    """W - 1/2 = sqrt(K/6) (1 + O(K)): visible in 40 digits at K = 1e-30 (W - 1/2 ~ 4e-16)."""
    K = Fr(1, 10 ** 30)
    got = T.optimal_win_rate(K, dps=40)
    with mpmath.workdps(60):
        excess = got - mpmath.mpf(1) / 2
        ref = mpmath.sqrt(_mp(K) / 6)
        assert abs(excess / ref - 1) < 1e-20  # 40 digits of W leave ~24 of the excess
    # BoN: W - 1/2 = u/(2(2-u)) ~ u/4 and K ~ u^2/2, so W - 1/2 ~ sqrt(K/8)
    got = T.bon_curve_win_rate(K, dps=40)
    with mpmath.workdps(60):
        assert abs((got - mpmath.mpf(1) / 2) / mpmath.sqrt(_mp(K) / 8) - 1) < 1e-14  # next order ~ sqrt(K)


def test_large_win_rate_kl_is_log_one_over_v_minus_one():
    """1 - W = v tiny: c = 1/v (1 + O(e^{-c}/v)), KL = log c - 1 + O(c e^{-c}) = log(1/v) - 1 to any digits."""
    for e in (30, 300, 5000):
        with mpmath.workdps(60):
            ref = e * mpmath.log(10) - 1
        got = bonsym.optimal_kl(1 - Fr(1, 10 ** e), dps=30)
        assert rel(got, ref) < 1e-29
        assert rel(bonsym.optimal_kl(1 - Fr(1, 10 ** e)), ref) < 1e-15


def test_bon_curve_extreme_t():
    # t = 1 + s: Kbar = s^2/2 - 2 s^3/3 + 3 s^4/4 - ... (from log(1+s) - s/(1+s))
    s = Fr(1, 10 ** 30)
    kl, w = T.bon_curve(1 + s, dps=30)
    with mpmath.workdps(120):
        sm = _mp(s)
        assert rel(kl, sm ** 2 / 2 - 2 * sm ** 3 / 3) < 1e-29
        assert rel(w, (1 + sm) / (2 + sm)) < 1e-29
    klf, wf = T.bon_curve(1 + s)  # float: 5e-61, 0.5
    assert rel(klf, 5e-61) < 1e-15 and wf == 0.5
    # t = 1e300 (exact double value): Kbar = log t - 1 + 1/t
    t = 1e300
    kl, w = T.bon_curve(t, dps=30)
    with mpmath.workdps(400):
        tm = _mp(Fr(t))
        assert rel(kl, mpmath.log(tm) - 1 + 1 / tm) < 1e-29
    assert w == 1
    assert rel(T.bon_curve(t)[0], 300 * math.log(10) - 1) < 1e-15
    # t = 10**4000 (an exact int, beyond floats)
    kl, w = T.bon_curve(10 ** 4000, dps=30)
    with mpmath.workdps(60):
        assert rel(kl, 4000 * mpmath.log(10) - 1) < 1e-29


def test_optimal_tilt_extreme_c():
    for c in (Fr(1, 10 ** 300), Fr(1, 10 ** 8), Fr(1, 20), Fr(3, 10), 40, 10 ** 12, 10 ** 300):
        kl, w = T.optimal_tilt(c, dps=30)
        with mpmath.workdps(_wdps(math.log10(c)) + 10):
            cm = _mp(c)
            assert rel(kl, tilt_kl(cm)) < 1e-29
            assert rel(w, tilt_w(cm)) < 1e-29
            kf, wf = T.optimal_tilt(c)
            assert rel(kf, tilt_kl(cm)) < 1e-15 or (kf == 0 and tilt_kl(cm) < 1e-320)
            assert rel(wf, tilt_w(cm)) < 1e-15


# ------------------------------------------------------------------ the inversions vs the findroot oracle

@pytest.mark.parametrize("K", KS)
def test_optimal_win_rate_whole_range(K):
    f = bonsym.optimal_win_rate(K)
    d = bonsym.optimal_win_rate(K, dps=30)
    assert isinstance(f, float) and isinstance(d, mpmath.mpf)
    if K <= 100:
        ref = oracle_optimal_win_rate(K)
    else:
        # KL(c) = log c - 1 + eps(c), 0 < eps(c) < 1.05 for c >= 1: 0 < 1 - W(c*) <= 1/c* <= e^{1-K} < 1e-40
        ref = mpmath.mpf(1)
        assert f == 1.0 and d == 1
    assert rel(f, ref) <= 1e-15
    assert rel(d, ref) < 1e-29


@pytest.mark.parametrize("K", KS)
def test_bon_curve_win_rate_whole_range(K):
    f = T.bon_curve_win_rate(K)
    d = T.bon_curve_win_rate(K, dps=30)
    if K <= 100:
        ref = oracle_bon_curve_win_rate(K)
    else:
        # log t = K + 1 - 1/t >= K, so 0 < 1 - t/(t+1) < e^{-K} < 1e-43
        ref = mpmath.mpf(1)
        assert f == 1.0 and d == 1
    assert rel(f, ref) <= 1e-15
    assert rel(d, ref) < 1e-29
    # B30 dominates B29 at every budget
    assert bonsym.optimal_win_rate(K, dps=30) >= d


@pytest.mark.parametrize("w", WS)
def test_optimal_kl_whole_range(w):
    ref = oracle_optimal_kl(w)
    d = bonsym.optimal_kl(w, dps=30)
    assert rel(d, ref) < 1e-29
    f = bonsym.optimal_kl(w)
    if ref > 1e-300:
        assert rel(f, ref) <= 1e-15
    else:
        assert f == 0.0  # 6e-600 underflows a double
    # the float input (if representable away from 1/2) also works
    wf = float(w)
    if 0.5 < wf < 1:
        assert rel(bonsym.optimal_kl(wf), oracle_optimal_kl(Fr(wf))) <= 1e-15


def test_mid_range_large_budget_visible_digits():
    """K = 60: 1 - W ~ e^{-61} ~ 3e-27, visible in 30 digits (neither regime shortcut)."""
    for fn, oracle in ((bonsym.optimal_win_rate, oracle_optimal_win_rate),
                       (T.bon_curve_win_rate, oracle_bon_curve_win_rate)):
        ref = oracle(60)
        d = fn(60, dps=40)
        assert d != 1
        assert rel(d, ref) < 1e-39
        with mpmath.workdps(60):
            assert abs((1 - d) / (1 - ref) - 1) < 1e-12


# ------------------------------------------------------------------ round trips

@pytest.mark.parametrize("K", [Fr(1, 10 ** 12), Fr(1, 10 ** 6), Fr(1, 3), 1, 10, 40])
def test_round_trip_kl(K):
    w = bonsym.optimal_win_rate(K, dps=80)
    back = bonsym.optimal_kl(w, dps=30)
    assert rel(back, _mp(K)) < 1e-29


@pytest.mark.parametrize("w", [Fr(1, 2) + Fr(1, 10 ** 20), Fr(51, 100), Fr(9, 10), 1 - Fr(1, 10 ** 30),
                               1 - Fr(1, 10 ** 300)])
def test_round_trip_win_rate(w):
    K = bonsym.optimal_kl(w, dps=80)
    back = bonsym.optimal_win_rate(K, dps=30)
    assert rel(back, _mp(w)) < 1e-29


def test_round_trip_float_mode():
    for K in (1e-300, 1e-30, 1e-6, 0.5, 3.0, 30.0):
        w = bonsym.optimal_win_rate(K)
        if w - 0.5 > 1e-8 and 1 - w > 1e-8:  # inverse well conditioned in doubles
            assert rel(bonsym.optimal_kl(w), K) < 1e-7


# ------------------------------------------------------------------ domain and the precision signal

def test_out_of_domain_inputs_are_value_errors():
    for bad in (-1, -1e-300, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            bonsym.optimal_win_rate(bad)
        with pytest.raises(ValueError):
            T.bon_curve_win_rate(bad, dps=30)
    for bad in (0.4999, 1, 1.5, Fr(1, 3), float("nan")):
        with pytest.raises(ValueError):
            bonsym.optimal_kl(bad)
    with pytest.raises(TypeError):
        bonsym.optimal_kl(True)
    with pytest.raises(ValueError):
        T.bon_curve(0.5)


def test_huge_exact_inputs():
    assert bonsym.optimal_win_rate(10 ** 400, dps=30) == 1
    assert T.bon_curve_win_rate(10 ** 400) == 1.0
    assert bonsym.optimal_win_rate(Fr(1, 10 ** 1000), dps=30) == mpmath.mpf(1) / 2
    assert T.bon_curve_win_rate(Fr(1, 10 ** 1000)) == 0.5


def test_roots_bracket_widens_geometrically_and_signals_precision():
    from flint import ctx

    with ctx.workprec(80):
        # f(x) = log x: root of log x = 1000 is e^1000, far from the guess [1, 2]
        br = bracket_increasing(lambda x: x.log(), arb(1000), arb(1), arb(2))
        assert br is not None
        lo, hi = br
        assert lo.log() < 1000 < hi.log()
        r = solve_increasing(lambda x: x.log(), arb(1000), lambda x: x.log(), 80, lo=arb(1), hi=arb(2))
        assert r.contains(1000) and r.rad() < 1e-15
        # a function whose ball always straddles the target: NaN (= "raise the precision"), no exception
        r = solve_increasing(lambda x: arb(0, 10), arb(1), lambda x: x, 80, lo=arb(1), hi=arb(2))
        assert r.is_nan()
    # arb_eval turns the persistent NaN into its documented ArithmeticError (not a hang)
    with pytest.raises(ArithmeticError):
        arb_eval(lambda prec: solve_increasing(lambda x: arb(0, 10), arb(1), lambda x: x, prec,
                                               lo=arb(1), hi=arb(2)), 10, max_doublings=2)
