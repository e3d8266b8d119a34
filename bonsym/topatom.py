"""Bounds from the top-reward atom alone (THEORY.md B15, B27).

With ``eps`` the mass of the top-reward atom (of the support) and ``a = 1 - eps``:

* the sandwich (B15): ``KL_bin(eps) <= KL(BoN_n || p) <= d_n(eps)``, by data
  processing onto {top, rest} and by spreading the rest into a continuum;
* the KL-gap lower bound (B15): ``log n - (n-1)/n - KL >= (1 - a^n)(log(n eps) - (n-1)/n)``;
* the win-rate bound (B27): ``W_n <= n/(n+1) a^(n+1) + (1 - a^n)(1 - eps/2)``.

>>> lo, hi = kl_bon_sandwich(["1/2", "1/3", "1/6"], 3)
>>> round(lo, 6), round(hi, 6)
(0.179665, 0.429633)
"""
from __future__ import annotations

import math

import numpy as np

from .backends import evaluate
from .bestofn import _prepare
from .estimator import kl_bin, kl_bon_estimate

__all__ = ["top_mass", "kl_bon_sandwich", "kl_bon_gap_lower_bound", "win_rate_top_bound"]


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


def kl_bon_sandwich(law, n, *, dps=None, exact=False):
    """``(KL_bin(eps), d_n(eps))``: bounds on ``KL(BoN_n || p)`` from the top atom's mass (B15).

    >>> round(kl_bon_sandwich([0.5, 0.5], 2)[0], 12)   # two atoms: the lower bound is exact
    0.130812035941
    """
    mode, law, order = _prepare(law, n, dps, exact)
    eps = _mode_eps(law, mode)
    return (kl_bin(eps, order.value, dps=dps, exact=exact), kl_bon_estimate(eps, order.value, dps=dps, exact=exact))


def _gap_lb_formula(B, eps, nn):
    e = B.num(eps)
    A = -B.expm1(nn * B.log1p(-e)) if eps != 1 else B.num(1)
    return A * (B.log(nn * e) - (nn - 1) / nn)


def kl_bon_gap_lower_bound(law, n, *, dps=None, exact=False):
    """``(1 - a^n)(log(n eps) - (n-1)/n)``, a lower bound on the KL gap (B15); grows like log(n eps).

    >>> round(kl_bon_gap_lower_bound([0.9, 0.1], 1000), 10)   # top atom of mass 0.1
    3.606170186
    """
    mode, law, order = _prepare(law, n, dps, exact)
    eps = _mode_eps(law, mode)
    if mode == "float":
        nf = order.as_float()
        with np.errstate(divide="ignore"):
            A = -math.expm1(nf * math.log1p(-eps)) if eps < 1 else 1.0
        return A * (math.log(nf * eps) - (nf - 1.0) / nf)
    from .estimator import _n_of

    return evaluate(lambda B: _gap_lb_formula(B, eps, _n_of(B, order)), mode, dps,
                    extra_bits=order.bits() + 16)


def _top_win_formula(B, eps, nn):
    e = B.num(eps)
    if eps == 1:
        return 1 - e / 2
    L = B.log1p(-e)
    return nn / (nn + 1) * B.exp((nn + 1) * L) - B.expm1(nn * L) * (1 - e / 2)


def win_rate_top_bound(law, n, *, dps=None, exact=False):
    """``n/(n+1) a^(n+1) + (1 - a^n)(1 - eps/2)``, an upper bound on the BoN win rate (B27).

    It treats everything below the top atom as a continuum; for two atoms
    (``W_n = a^(n+1)/2 + (1 - a^n)(1 - eps/2)``) it is off by ``(n-1)/(2(n+1)) a^(n+1)``.

    >>> win_rate_top_bound([0.5, 0.5], 3)   # W_3 = 0.6875
    0.703125
    """
    mode, law, order = _prepare(law, n, dps, exact)
    eps = _mode_eps(law, mode)
    if mode == "float":
        nf = order.as_float()
        if eps == 1:
            return 1 - eps / 2
        L = math.log1p(-eps)
        return nf / (nf + 1) * math.exp((nf + 1) * L) - math.expm1(nf * L) * (1 - eps / 2)
    from .estimator import _n_of

    return evaluate(lambda B: _top_win_formula(B, eps, _n_of(B, order)), mode, dps,
                    extra_bits=order.bits() + 16)

