"""Regression tests for the review fixes: top-atom bounds (B15, B27) in floats and exact mode,
certified refutations in ``check_on_instances``, and re-checked refutations of the Mroueh limit claims.

Oracles are independent of bonsym's code paths: the bound formulas typed here and evaluated
with mpmath at 60 digits from exact Fractions, exact rational arithmetic, and the win rate of
B23 summed by hand.
"""
from __future__ import annotations

from fractions import Fraction as Fr

import mpmath
import pytest

from bonsym.claims import mroueh
from bonsym.engine.verdict import Margin, check_on_instances, margin_of
from bonsym.gap import kl_bon_gap
from bonsym.topatom import (EXACT_BITS_MAX, kl_bon_gap_lower_bound, kl_bon_sandwich, top_mass,
                            win_rate_top_bound)

# --------------------------------------------------------------------------- oracles (60 digits)


def _mp(x):
    x = Fr(x)
    return mpmath.mpf(x.numerator) / x.denominator


def ref_bounds(eps, n):
    """B15 / B27 / B16 as typed in THEORY.md, at 60 digits: (gap lower bound, win bound, KL_bin, d_n)."""
    with mpmath.workdps(60):
        e, nn = _mp(eps), _mp(n)
        a = 1 - e
        an = mpmath.exp(nn * mpmath.log(a)) if a > 0 else mpmath.mpf(0)
        an1 = mpmath.exp((nn + 1) * mpmath.log(a)) if a > 0 else mpmath.mpf(0)
        kbar = mpmath.log(nn) - (nn - 1) / nn
        lb = (1 - an) * (mpmath.log(nn * e) - (nn - 1) / nn)
        win = nn / (nn + 1) * an1 + (1 - an) * (1 - e / 2)
        klbin = (1 - an) * mpmath.log((1 - an) / e) + ((nn - 1) * an * mpmath.log(a) if a > 0 else 0)
        d = klbin + an * kbar
        if nn == 1:  # KL_bin = d_1 = 0 exactly (B16); the formulas leave 1e-62 of rounding
            klbin = d = mpmath.mpf(0)
        return lb, win, klbin, d


def win_rate_b23(probs, n):
    """W_n = 1/2 sum_i (F_i^n - F_{i-1}^n)(F_i + F_{i-1}) (B23), at 60 digits."""
    with mpmath.workdps(60):
        nn, F, W = _mp(n), mpmath.mpf(0), mpmath.mpf(0)
        for p in probs:
            G = F + _mp(p)
            W += (G**nn - F**nn) * (G + F) / 2
            F = G
        return W


def rel_err(x, ref):
    with mpmath.workdps(60):
        if ref == 0:
            return abs(mpmath.mpf(x))
        return abs((mpmath.mpf(x) - ref) / ref)


# eps solving log(3 eps) = 2/3 to 40 digits: log(n eps) - (n-1)/n cancels to ~1e-40 at n = 3
with mpmath.workdps(50):
    _EPS_CANCEL = Fr(int(mpmath.nint(mpmath.exp(mpmath.mpf(2) / 3) / 3 * 10**40)), 10**40)

LAWS = [
    [Fr(1)],  # one atom: the gap lower bound is the gap itself
    [Fr(1, 2), Fr(1, 2)],
    [Fr(1, 2), Fr(1, 3), Fr(1, 6)],
    [Fr(1, 10**12), 1 - Fr(1, 10**12)],  # top mass 1 - 1e-12
    [1 - Fr(1, 10**9), Fr(1, 10**9)],  # top mass 1e-9
    [Fr(3, 7), Fr(1, 7), Fr(2, 7), Fr(1, 7)],
    [1 - _EPS_CANCEL, _EPS_CANCEL],  # log(n eps) - (n-1)/n ~ 1e-40 at n = 3
]
ORDERS = [1, Fr(10**17 + 1, 10**17), 1 + 2**-40, Fr(2**40 + 1, 2**40), 1 + 2**-20, Fr(3, 2), 2, 3,
          Fr(27182818, 10**7), 1000, 10**6, 10**15, 10**300, mpmath.mpf("1.0000000001")]


@pytest.mark.parametrize("law", LAWS, ids=lambda law: f"top={float(law[-1]):.3g}")
def test_float_top_atom_bounds_match_60_digit_formulas(law):
    eps = top_mass(law)
    for n in ORDERS:
        nexact = Fr(n) if not isinstance(n, mpmath.mpf) else Fr(int(n.man_exp[0])) * Fr(2) ** int(n.man_exp[1])
        lb, win, klbin, d = ref_bounds(eps, nexact)
        assert rel_err(kl_bon_gap_lower_bound(law, n), lb) <= 1e-13, (law, n)
        assert rel_err(win_rate_top_bound(law, n), win) <= 1e-13, (law, n)
        lo, hi = kl_bon_sandwich(law, n)
        assert rel_err(lo, klbin) <= 1e-13, (law, n, "KL_bin")
        assert rel_err(hi, d) <= 1e-13, (law, n, "d_n")


def test_gap_lower_bound_cancellation_case_is_tiny_and_accurate():
    # the law built so that log(3 eps) - 2/3 ~ 1e-40: the old float path returned ~1e-17 noise
    law = [1 - _EPS_CANCEL, _EPS_CANCEL]
    lb = ref_bounds(_EPS_CANCEL, 3)[0]
    assert abs(lb) < 1e-38
    assert rel_err(kl_bon_gap_lower_bound(law, 3), lb) <= 1e-13


@pytest.mark.parametrize("law", LAWS[:6], ids=lambda law: f"top={float(law[-1]):.3g}")
def test_gap_lower_bound_below_the_gap(law):
    for n in [Fr(10**17 + 1, 10**17), 1 + 2**-40, 1 + 2**-20, Fr(3, 2), 2, 7, 1000, 10**15]:
        g = kl_bon_gap(law, n, dps=40)
        lbf = kl_bon_gap_lower_bound(law, n)
        ref = ref_bounds(top_mass(law), Fr(n))[0]
        with mpmath.workdps(60):
            assert ref <= g * (1 + mpmath.mpf(10) ** -38)  # the bound itself (60-digit formula)
            # the float bound: at most rounding (4 ulps) above the gap, where the bound is tight
            assert lbf <= g * (1 + mpmath.mpf(2) ** -50), (law, n, lbf, g)


@pytest.mark.parametrize("law", LAWS[1:6], ids=lambda law: f"top={float(law[-1]):.3g}")
def test_win_rate_top_bound_above_the_win_rate(law):
    for n in [Fr(10**17 + 1, 10**17), 1 + 2**-20, 2, 3, 50]:
        win = ref_bounds(top_mass(law), Fr(n))[1]
        with mpmath.workdps(60):
            # the bound exceeds W_n by (n-1)/(2(n+1)) a^(n+1) or more, ~1e-612 for one law at n = 50
            assert win >= win_rate_b23(law, Fr(n)) * (1 - mpmath.mpf(10) ** -57)
        assert rel_err(win_rate_top_bound(law, n), win) <= 1e-13


def test_one_atom_gap_lower_bound_near_n1_old_failure():
    # the old float path computed log(n) - (n-1)/n from a rounded n: 1e-10 relative error here,
    # and a "lower bound" above the gap (which it equals for one atom)
    n = 1 + 2**-20
    with mpmath.workdps(60):
        nn = _mp(n)
        exact = mpmath.log(nn) - (nn - 1) / nn
    assert rel_err(kl_bon_gap_lower_bound([1], n), exact) <= 1e-15
    n = Fr(10**17 + 1, 10**17)  # rounds to 1.0 as a float
    with mpmath.workdps(60):
        nn = _mp(n)
        exact = mpmath.log(nn) - (nn - 1) / nn
    assert rel_err(kl_bon_gap_lower_bound([1], n), exact) <= 1e-15


def test_beyond_float_range_refused():
    with pytest.raises(ValueError, match="dps"):
        kl_bon_gap_lower_bound(["1/2", "1/2"], 10**400)
    with pytest.raises(ValueError, match="dps"):
        win_rate_top_bound(["1/2", "1/2"], 10**400)


# --------------------------------------------------------------------------- exact mode


@pytest.mark.parametrize("fn", [kl_bon_gap_lower_bound, win_rate_top_bound, kl_bon_sandwich])
@pytest.mark.parametrize("n", [10**7, Fr(10**7 + 1, 2), 10**300])
def test_exact_mode_refuses_gigantic_results(fn, n):
    with pytest.raises(ValueError, match=r"dps=k") as info:
        fn(["1/2", "1/3", "1/6"], n, exact=True)
    assert str(EXACT_BITS_MAX) in str(info.value)


def test_exact_mode_below_the_limit_matches_rationals():
    # integer n: the win-rate bound is a rational, computed here with Fractions
    law = [Fr(1, 2), Fr(1, 3), Fr(1, 6)]
    e = Fr(1, 6)
    for n in (1, 2, 5, 50, 2000):
        a = 1 - e
        expect = Fr(n, n + 1) * a ** (n + 1) + (1 - a**n) * (1 - e / 2)
        got = win_rate_top_bound(law, n, exact=True)
        assert Fr(int(got.p), int(got.q)) == expect
    # symbolic-free exact gap lower bound agrees with the 60-digit formula
    got = kl_bon_gap_lower_bound(law, 40, exact=True)
    with mpmath.workdps(60):
        assert rel_err(mpmath.mpf(got.evalf(60)), ref_bounds(e, 40)[0]) <= 1e-50


# --------------------------------------------------------------------------- verdicts


def test_margin_of_error_bound():
    m = margin_of(mpmath.mpf(1), Fr(3, 2), 30)
    assert m.certainly_negative and m.value == -0.5
    # two sides that agree to 33 digits: negative at face value, not certainly
    with mpmath.workdps(40):
        y = mpmath.mpf(1) + mpmath.mpf(10) ** -33
    m = margin_of(mpmath.mpf(1), y, 30)
    assert m.value < 0 and not m.certainly_negative


def test_rounding_noise_is_not_a_refutation():
    # a "margin" negative at every precision only by 10^-(d+5): rounding noise of sides ~ 1
    v = check_on_instances(lambda inst, d: -mpmath.mpf(10) ** (-(d + 5)), [1, 2, 3], dps=30)
    assert v.status == "unknown" and "could not be certified" in v.how


def test_side_margins_refute_only_beyond_error():
    def noisy(inst, d):
        with mpmath.workdps(d + 10):
            y = mpmath.mpf(inst) + mpmath.mpf(10) ** (-(d + 3))
        return margin_of(mpmath.mpf(inst), y, d)

    assert check_on_instances(noisy, [1, 2], dps=30).status == "unknown"
    v = check_on_instances(lambda inst, d: margin_of(mpmath.mpf(inst), mpmath.mpf(inst) + 1, d), [5], dps=30,
                           describe=lambda inst: {"x": inst})
    assert v.status == "refuted" and v.counterexample["x"] == 5 and v.margin == -1


def test_ball_margins():
    from flint import arb

    assert check_on_instances(lambda inst, d: arb(-1, 0.5), [0], dps=20).status == "refuted"
    assert check_on_instances(lambda inst, d: arb(-1, 2), [0], dps=20).status == "unknown"


def test_exact_and_strict_margins():
    assert check_on_instances(lambda inst, d: -1, [0], dps=20).status == "refuted"
    assert check_on_instances(lambda inst, d: Fr(0), [0], dps=20, strict=True).status == "refuted"
    # a rounded zero does not refute strictness
    assert check_on_instances(lambda inst, d: mpmath.mpf(0), [0], dps=20, strict=True).status == "unknown"
    assert check_on_instances(lambda inst, d: Fr(1, 10**50), [0], dps=20, strict=True).status == "verified"


def test_plain_margin_inconsistent_between_precisions_is_unknown():
    # -1 at 30 digits but -0.5 at the re-check: the sides are not what the error model assumes
    v = check_on_instances(lambda inst, d: mpmath.mpf(-1) if d == 30 else mpmath.mpf(-0.5), [0], dps=30)
    assert v.status == "unknown" and "disagree" in v.how


def test_plain_margin_true_counterexample_refutes():
    # KL-equality folklore on the uniform binary law at n = 2: bound - KL = 0.0623351446... (B11)
    with mpmath.workdps(60):
        gap = mpmath.log(2) - mpmath.mpf(1) / 2 - (mpmath.log(2) - (-(mpmath.mpf(1) / 4) * mpmath.log(mpmath.mpf(1) / 4)
                                                                - mpmath.mpf(3) / 4 * mpmath.log(mpmath.mpf(3) / 4)))
    v = check_on_instances(lambda inst, d: -abs(kl_bon_gap(["1/2", "1/2"], 2, dps=d)), [0], dps=30)
    assert v.status == "refuted"
    assert rel_err(v.margin, -gap) < 1e-15  # the margin's unary minus rounds to 53 bits


# --------------------------------------------------------------------------- Mroueh limit claims


def _fake_divergence(offset):
    """Mroueh's divergence replaced: the continuous value plus offset(L, dps) (a test double)."""

    def fake(kind, bon, law, alpha=None, dps=None):
        bound = mroueh.bon_divergence(kind, 2 if len(bon) == 0 else _order_of(bon, law), alpha=alpha, dps=dps)
        with mpmath.workdps(dps + 20):
            return bound + offset(len(law), dps)

    return fake


def _order_of(bon, law):
    # uniform law on L atoms: BoN's top atom has mass 1 - (1 - 1/L)^n; recover n exactly
    L = len(law)
    top = bon.fractions()[-1]
    for n in (2, 3, 8):
        if 1 - (1 - Fr(1, L)) ** n == top:
            return n
    raise AssertionError("unexpected order")


def test_atomless_refutation_needs_a_certified_recheck(monkeypatch):
    check = mroueh._limit_check("kl")
    # rounding-size excess at the working precision only: not a refutation
    monkeypatch.setattr(mroueh, "divergence", _fake_divergence(
        lambda L, d: mpmath.mpf(10) ** (-(d + 3)) * (1 if L >= 1024 else -10**20)))
    v = check(30, 0)
    assert v.status != "refuted"
    # a real excess on every grid: refuted after the re-check on the finer grid
    monkeypatch.setattr(mroueh, "divergence", _fake_divergence(lambda L, d: mpmath.mpf("0.01")))
    v = check(30, 0)
    assert v.status == "refuted" and v.counterexample["L"] == 4096 and "re-checked at 80 digits" in v.how


def test_atomless_noise_at_low_precision_passes_on_recheck(monkeypatch):
    check = mroueh._limit_check("tv")
    real = mroueh.divergence

    def noisy(kind, bon, law, alpha=None, dps=None):
        val = real(kind, bon, law, alpha=alpha, dps=dps)
        if dps == 30 and len(law) == 1024:  # a spurious excess at the working precision only
            return mroueh.bon_divergence(kind, _order_of(bon, law), alpha=alpha, dps=dps) + mpmath.mpf(10) ** -31
        return val

    monkeypatch.setattr(mroueh, "divergence", noisy)
    v = check(30, 0)
    assert v.status == "verified" and "re-check" in v.how
