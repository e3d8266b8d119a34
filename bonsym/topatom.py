"""Bounds from the top-reward atom alone (THEORY.md B15, B27).

With ``eps`` the mass of the top-reward atom (of the support) and ``a = 1 - eps``:

* the sandwich (B15): ``KL_bin(eps) <= KL(BoN_n || p) <= d_n(eps)``, by data
  processing onto {top, rest} and by spreading the rest into a continuum;
* the KL-gap lower bound (B15): ``log n - (n-1)/n - KL >= (1 - a^n)(log(n eps) - (n-1)/n)``;
* the win-rate bound (B27): ``W_n <= n/(n+1) a^(n+1) + (1 - a^n)(1 - eps/2)``.

The float paths take ``n - 1`` from the exact order (not from a rounded n) and
``log eps``, ``log(1 - eps)`` from the exact top mass, so they keep full
relative accuracy near ``n = 1``, for a top mass near 1 and for huge n; where
``log(n eps) - (n-1)/n`` cancels, it is evaluated in certified Arb balls.
``exact=True`` refuses (ValueError) results whose rationals would exceed
``EXACT_BITS_MAX`` bits: use ``dps=k`` there.

>>> lo, hi = kl_bon_sandwich(["1/2", "1/3", "1/6"], 3)
>>> round(lo, 6), round(hi, 6)
(0.179665, 0.429633)
"""
from __future__ import annotations

import math
from fractions import Fraction

from .backends import evaluate
from .bestofn import _prepare, kl_bon_bound
from .estimator import EXACT_BITS_MAX, _check_exact_size, kl_bin, kl_bon_estimate

__all__ = ["top_mass", "kl_bon_sandwich", "kl_bon_gap_lower_bound", "win_rate_top_bound", "EXACT_BITS_MAX"]



def top_mass(law):
    """Mass of the top-reward atom of the support, exactly normalised (a Fraction).

    >>> top_mass(["1/2", "1/2", "0"])
    Fraction(1, 2)
    """
    from .laws import as_ranked

    law = as_ranked(law)
    for f in reversed(law.fractions()):
        if f:
            return f
    raise ValueError("the law has no mass")  # unreachable: Ranked requires positive mass


def _mode_eps(law, mode):
    eps = top_mass(law)
    return eps if mode != "float" else float(eps)


def _log_fraction(f):
    """``log f`` for a Fraction ``0 < f <= 1`` to full relative accuracy (also near 1 and below 1e-308)."""
    if f > Fraction(1, 2):
        return math.log1p(float(f - 1))  # f - 1 exact, then rounded once
    x = float(f)
    if x >= 2.2250738585072014e-308:  # a normal float, correctly rounded
        return math.log(x)
    k = f.denominator.bit_length() - f.numerator.bit_length()
    return math.log(float(f * 2**k)) - k * math.log(2.0)


def kl_bon_sandwich(law, n, *, dps=None, exact=False):
    """``(KL_bin(eps), d_n(eps))``: bounds on ``KL(BoN_n || p)`` from the top atom's mass (B15).

    >>> round(kl_bon_sandwich([0.5, 0.5], 2)[0], 12)   # two atoms: the lower bound is exact
    0.130812035941
    """
    mode, law, order = _prepare(law, n, dps, exact)
    eps = top_mass(law)
    if mode == "exact":
        _check_exact_size(eps, order, "kl_bon_sandwich")
    if mode == "float" and Fraction(1, 2) < eps < 1 and not order.is_one:
        # a float eps near 1 carries 1 - eps to only ~1e-16 / (1 - eps) relative accuracy,
        # and both bounds are ~ (1 - eps) there: evaluate them from the exact eps instead
        return (float(kl_bin(eps, order.value, dps=17)), float(kl_bon_estimate(eps, order.value, dps=17)))
    if mode == "float":
        eps = float(eps)
    return (kl_bin(eps, order.value, dps=dps, exact=exact), kl_bon_estimate(eps, order.value, dps=dps, exact=exact))


def _gap_lb_formula(B, eps, nn):
    e = B.num(eps)
    A = -B.expm1(nn * B.log1p(-e)) if eps != 1 else B.num(1)
    return A * (B.log(nn * e) - (nn - 1) / nn)


def _gap_lb_float(eps, order):
    """The float value of B15's lower bound from the exact eps (a Fraction) and the exact n - 1."""
    nf, _ = order.floats()  # refuses n beyond the float range
    kbar = kl_bon_bound(order.value)  # log n - (n-1)/n >= 0, from the exact n - 1
    if eps == 1:
        return kbar
    le = _log_fraction(eps)  # log eps < 0
    s = kbar + le  # log(n eps) - (n-1)/n
    if abs(s) < 0.05 * max(kbar, -le):
        # the two terms cancel: certify 17 digits of their sum in Arb balls
        nq = order.as_fraction()
        s = float(evaluate(lambda B: B.log1p(B.num(nq - 1)) - B.num((nq - 1) / nq) + B.log(B.num(eps)),
                           "mp", 17, extra_bits=order.bits() + 16))
    A = -math.expm1(nf * _log_fraction(1 - eps))  # 1 - (1 - eps)^n
    return A * s


def kl_bon_gap_lower_bound(law, n, *, dps=None, exact=False):
    """``(1 - a^n)(log(n eps) - (n-1)/n)``, a lower bound on the KL gap (B15); grows like log(n eps).

    >>> round(kl_bon_gap_lower_bound([0.9, 0.1], 1000), 10)   # top atom of mass 0.1
    3.606170186
    """
    mode, law, order = _prepare(law, n, dps, exact)
    eps = top_mass(law)
    if mode == "float":
        return _gap_lb_float(eps, order)
    if mode == "exact":
        _check_exact_size(eps, order, "kl_bon_gap_lower_bound")
    from .estimator import _n_of

    return evaluate(lambda B: _gap_lb_formula(B, eps, _n_of(B, order)), mode, dps,
                    extra_bits=order.bits() + 16)


def _top_win_formula(B, eps, nn):
    e = B.num(eps)
    if eps == 1:
        return 1 - e / 2
    L = B.log1p(-e)
    return nn / (nn + 1) * B.exp((nn + 1) * L) - B.expm1(nn * L) * (1 - e / 2)


def _top_win_float(eps, order):
    """B27 in floats: two non-negative terms, ``log(1 - eps)`` from the exact eps, ``n/(n+1)`` from ``n - 1``."""
    nf, h = order.floats()  # refuses n beyond the float range
    if eps == 1:
        return 0.5
    L = _log_fraction(1 - eps)
    return (1.0 + h) / (2.0 + h) * math.exp((nf + 1.0) * L) - math.expm1(nf * L) * float(1 - eps / 2)


def win_rate_top_bound(law, n, *, dps=None, exact=False):
    """``n/(n+1) a^(n+1) + (1 - a^n)(1 - eps/2)``, an upper bound on the BoN win rate (B27).

    It treats everything below the top atom as a continuum; for two atoms
    (``W_n = a^(n+1)/2 + (1 - a^n)(1 - eps/2)``) it is off by ``(n-1)/(2(n+1)) a^(n+1)``.

    >>> win_rate_top_bound([0.5, 0.5], 3)   # W_3 = 0.6875
    0.703125
    """
    mode, law, order = _prepare(law, n, dps, exact)
    eps = top_mass(law)
    if mode == "float":
        return _top_win_float(eps, order)
    if mode == "exact":
        _check_exact_size(eps, order, "win_rate_top_bound")
    from .estimator import _n_of

    return evaluate(lambda B: _top_win_formula(B, eps, _n_of(B, order)), mode, dps,
                    extra_bits=order.bits() + 16)
