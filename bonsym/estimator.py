"""The KL estimator of Beirami et al. (THEORY.md B15-B18).

.. math:: d_n(\\varepsilon) = (1-\\varepsilon)^n\\Big[\\log n + (n-1)\\log(1-\\varepsilon) - \\frac{n-1}{n}\\Big]
          + \\big(1-(1-\\varepsilon)^n\\big)\\log\\frac{1-(1-\\varepsilon)^n}{\\varepsilon}

is the exact BoN KL of a law with one top atom of mass ``eps`` above an
atomless continuum (B17); ``d_n(0+) = log n - (n-1)/n``, ``d_n(1) = 0``,
``d_1 = 0``.  With ``a = (1-eps)^n`` it splits as ``d_n = KL_bin(eps) + a (log n - (n-1)/n)``
where ``KL_bin`` is the KL of the coarsening to {top, rest} (B15).

The float path uses that split with ``KL_bin = eps phi(d1) + (1-eps) phi(d2)``,
``phi(d) = (1+d) log1p(d) - d >= 0``, ``d2 = expm1((n-1) log1p(-eps))`` and
``d1 = -(1-eps) d2 / eps``: every term is non-negative and computed to full
relative accuracy, for ``eps`` down to 1e-300, ``n`` up to 1e15 and ``n``
close to 1.

>>> round(kl_bon_estimate(0.3, 3), 12)
0.4185016511
>>> kl_bon_estimate("1/2", 2, exact=True)
-1/8 + 3*log(3/2)/4
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .backends import evaluate
from .bestofn import _extra_bits, _float_kernel, _prepare, kl_bon_bound
from .divergences import phi_relative
from .numbers import resolve_mode, to_fraction_any
from .order import check_n, short_number as _short

__all__ = ["kl_bon_estimate", "kl_bon_estimate_expected", "kl_bin"]


#: largest exact result (bits of the rational (1 - eps)^n) that ``exact=True`` computes
EXACT_BITS_MAX = 1_000_000


def _check_exact_size(eps, order, what):
    """Refuse exact results whose rational ``(1 - eps)^n`` would exceed EXACT_BITS_MAX bits."""
    if order.kind not in ("int", "rational") or eps in (0, 1):
        return  # (1 - eps)^n is 1 or 0
    a = 1 - eps
    bits = a.numerator.bit_length() + a.denominator.bit_length()
    size = (math.floor(order.as_fraction()) + 1) * bits  # (1 - eps)^(n+1) in the win-rate bound
    if size > EXACT_BITS_MAX:
        raise ValueError(
            f"{what}(exact=True) at n = {_short(order.value)} would build the rational (1 - eps)^n with about "
            f"{_short(size)} bits (the limit is {EXACT_BITS_MAX}); use dps=k for k certified digits instead"
        )


def _check_eps(eps, mode):
    """Validate eps in [0, 1]; return it as a Fraction (exact/mp) or a float array/scalar (float)."""
    if isinstance(eps, (list, tuple, np.ndarray)) and mode == "float":
        arr = np.asarray(eps, dtype=np.float64)
        if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
            raise ValueError("eps must hold probabilities in [0, 1] (finite)")
        return arr
    if isinstance(eps, bool):
        raise TypeError("eps must be a probability in [0, 1], got a bool")
    try:
        f = to_fraction_any(eps)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"eps must be a probability in [0, 1]: {exc}") from None
    if f < 0 or f > 1:
        raise ValueError(f"eps must be a probability in [0, 1], got {eps}")
    if mode == "exact" and isinstance(eps, (float, np.floating)):
        raise TypeError("exact=True needs an exact eps (a Fraction, '1/3' or a SymPy Rational), got a float")
    return f if mode != "float" else float(eps)


# -- the textbook formulas, once, for SymPy and Arb -------------------------------------

def _kl_bin_formula(B, e, nn):
    """KL_bin(eps) = (1-a) log((1-a)/eps) + (n-1) a log(1-eps), a = (1-eps)^n (B15); 0 < eps < 1."""
    L = B.log1p(-e)
    A = -B.expm1(nn * L)  # 1 - a
    return A * B.log(A / e) + (nn - 1) * B.exp(nn * L) * L


def _d_formula(B, e, nn):
    """d_n(eps) = KL_bin(eps) + (1-eps)^n (log n - (n-1)/n) (B16, B17); 0 < eps < 1."""
    kbar = B.log(nn) - (nn - 1) / nn
    return _kl_bin_formula(B, e, nn) + B.exp(nn * B.log1p(-e)) * kbar


def _at(formula, B, eps, nn, at_zero):
    """formula(B, eps, n) with the limits at eps = 0 (``at_zero(B, n)``) and eps = 1 (0)."""
    if eps == 0:
        return at_zero(B, nn)
    if eps == 1:
        return B.num(0)
    return formula(B, B.num(eps), nn)


def _kbar(B, nn):
    return B.log(nn) - (nn - 1) / nn


def _zero(B, nn):
    return B.num(0)


# -- the float path ----------------------------------------------------------------------

def _kl_bin_float(eps, h):
    eps = np.asarray(eps, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        L = np.log1p(-eps)
        d2 = np.expm1(h * L)  # (1-eps)^(n-1) - 1
        d1 = -(1.0 - eps) * d2 / eps  # (1 - (1-eps)^n)/eps - 1
        top = np.where(eps > 0, eps * phi_relative(np.where(eps > 0, d1, 0.0)), 0.0)
        rest = np.where(eps < 1, (1.0 - eps) * phi_relative(np.where(eps < 1, d2, 0.0)), 0.0)
    return top + rest


def _d_float(eps, order):
    nf, h = order.floats()
    eps = np.asarray(eps, dtype=np.float64)
    with np.errstate(under="ignore", invalid="ignore", divide="ignore"):
        a = np.exp(nf * np.log1p(-eps))
    return _kl_bin_float(eps, h) + a * kl_bon_bound(order.value)


def _scalar(x):
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


# -- public API -------------------------------------------------------------------------

def _eps_function(eps, n, dps, exact, float_fn, formula, at_zero, what):
    """A function of (eps, n) that is 0 at n = 1: stable float path, or the formula in SymPy / Arb."""
    mode = resolve_mode(dps, exact)
    order = check_n(n)
    e = _check_eps(eps, mode)
    if mode == "float":
        if order.is_one:
            return _scalar(np.zeros_like(np.asarray(e, dtype=float)))
        return _scalar(float_fn(e, order))
    if order.is_one:
        return evaluate(lambda B: B.num(0), mode, dps)
    if mode == "exact":
        _check_exact_size(e, order, what)
    return evaluate(lambda B: _at(formula, B, e, _n_of(B, order), at_zero), mode, dps,
                    extra_bits=order.bits() + 16)


def kl_bin(eps, n, *, dps=None, exact=False):
    """``KL_bin(eps) = (1-a) log((1-a)/eps) + (n-1) a log(1-eps)``, ``a = (1-eps)^n`` (B15).

    The KL between the best-of-n and reference laws coarsened to {top atom,
    rest}: a lower bound on the BoN KL of any law whose top atom has mass eps.

    >>> round(kl_bin(0.5, 2), 12)   # = KL of (3/4, 1/4) vs (1/2, 1/2)
    0.130812035941
    """
    return _eps_function(eps, n, dps, exact, lambda e, order: _kl_bin_float(e, order.floats()[1]),
                         _kl_bin_formula, _zero, "kl_bin")


def kl_bon_estimate(eps, n, *, dps=None, exact=False):
    """The estimator ``d_n(eps)`` of Beirami et al. (B16): the BoN KL of a top atom of mass eps over a continuum.

    ``eps`` is the reference probability of the selected output, in [0, 1]
    (``d_n(0) = log n - (n-1)/n`` as a limit, ``d_n(1) = 0``); in float mode it
    may be an array.

    >>> kl_bon_estimate(0, 8) == kl_bon_bound(8)
    True
    >>> kl_bon_estimate(1, 8)
    0.0
    """
    return _eps_function(eps, n, dps, exact, _d_float, _d_formula, _kbar, "kl_bon_estimate")


def kl_bon_estimate_expected(law, n, *, dps=None, exact=False):
    """``E_{Y ~ BoN_n(p)} d_n(p(Y)) = sum_i q_i d_n(p_i)`` (B18; Conjecture 4.4 says it is >= KL).

    >>> round(kl_bon_estimate_expected(["1/2", "1/3", "1/6"], 3), 12)
    0.414917411846
    """
    mode, law, order = _prepare(law, n, dps, exact)
    if order.is_one:
        return evaluate(lambda B: B.num(0), mode, dps) if mode != "float" else 0.0
    if mode == "exact":
        from .backends import SYMPY
        from .bestofn import _exact_pmf

        qs, ps = _exact_pmf(law, order)
        nn = order.sympy()
        return sum((q * _at(_d_formula, SYMPY, p, nn, _kbar) for q, p in zip(qs, ps) if p != 0),
                   start=SYMPY.num(0))
    if mode == "mp":
        from .backends import ARB
        from .balls import bon_balls, law_ints
        from .numbers import arb_eval

        ms, T = law_ints(law)

        def compute(prec):
            nn = _n_of(ARB, order)
            pmf = bon_balls(law, order, {"pmf"})["pmf"]
            total = ARB.num(0)
            for q, m in zip(pmf, ms):
                if m != 0:
                    total += q * _at(_d_formula, ARB, Fraction(int(m), int(T)), nn, _kbar)
            return total

        return arb_eval(compute, dps, extra_bits=_extra_bits(law, order) + 16)
    k = _float_kernel(law, order)
    d = _d_float(k["pn"], order)
    return float(np.dot(k["q"], d))


def _n_of(B, order):
    """n in backend B (exact SymPy value or symbol; an Arb ball)."""
    if B.name == "exact":
        return order.sympy()
    return B.num(order.as_fraction())
