"""How far finite best-of-n falls below its continuous values (THEORY.md B10, B24, B26).

``kl_bon_gap = (log n - (n-1)/n) - KL(BoN_n(p) || p)`` and
``win_rate_gap = n/(n+1) - W_n`` are both sums of non-negative per-atom
terms (B10, B24):

.. math:: G_n = \\sum_i F_i^n\\, G(h_i, n), \\qquad
          G^W_n = \\sum_i F_i^{n+1}\\, W(h_i, n), \\qquad h_i = \\log(F_i / F_{i-1}),

with ``G`` and ``W`` of :mod:`bonsym.derive.atom_gaps` (the bottom atom has
``h = inf``: ``G = log n - (n-1)/n``, ``W = (n-1)/(2(n+1))``).  The float path
sums these terms, taking ``G`` and ``W`` from their SymPy-derived Taylor
series where ``n h <= 1`` (thin atoms, where the closed forms cancel) and from
the closed forms elsewhere, so a tiny gap keeps its relative accuracy instead
of being the difference of two rounded numbers.  The ``dps`` path computes the
difference in Arb balls, whose precision rises until the gap is certified;
``exact=True`` returns the SymPy expression.

>>> law = ["1/2", "1/3", "1/6"]
>>> win_rate_gap(law, 2, exact=True)   # = (1/6) sum p^3 at n = 2 (B26)
1/36
>>> float(kl_bon_gap(law, 3, dps=20))  # doctest: +ELLIPSIS
0.0746698016...
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .bestofn import _prepare, kl_bon, kl_bon_bound, win_rate_bon, win_rate_bound, _extra_bits
from .cdf import float_cdf
from .numbers import arb_eval
from .order import short_number

__all__ = ["kl_bon_gap", "win_rate_gap", "win_rate_gap_bound"]

#: n h below which the per-atom gaps come from their Taylor series
_SERIES_LIMIT = 1.0


def _shifted_coefficients(which):
    """Series coefficients as float polynomials in m = n - 1 (cached): list over k of lists."""
    key = "_shifted_" + which
    if key not in _COEFF_CACHE:
        from .derive.atom_gaps import series_coefficients

        out = []
        for cs in series_coefficients(which):
            poly = [Fraction(c) for c in cs]  # in n, lowest power first
            out.append([float(c) for c in _taylor_shift(poly)])
        _COEFF_CACHE[key] = out
    return _COEFF_CACHE[key]


_COEFF_CACHE: dict = {}


def _taylor_shift(poly):
    """Coefficients of p(m + 1) in m, given p in n (exact rationals, lowest power first)."""
    out = [Fraction(0)] * len(poly)
    # Horner: p(m+1) = (...(c_d (m+1) + c_{d-1})(m+1) + ...)
    for c in reversed(poly):
        # out = out * (m + 1) + c
        new = [Fraction(0)] * len(poly)
        for i, v in enumerate(out):
            if v:
                new[i] += v
                if i + 1 < len(new):
                    new[i + 1] += v
        new[0] += c
        out = new
    return out


def _series_values(which, m, h):
    """sum_k c_k(m) h^k for arrays h (float), coefficients polynomials in m = n - 1."""
    coeffs = _shifted_coefficients(which)
    if abs(m) > 1e6 and all(len(poly) <= k + 1 for k, poly in enumerate(coeffs)):
        # huge n: m^k overflows, so sum b_kj (m h)^j h^(k-j) with m h <= n h <= 1
        y = m * h
        acc = np.zeros_like(h)
        for k, poly in enumerate(coeffs):
            for j, b in enumerate(poly):
                if b:
                    acc += b * y**j * h ** (k - j)
        return acc
    cvals = []
    for poly in coeffs:
        v = 0.0
        for c in reversed(poly):
            v = v * m + c
        cvals.append(v)
    acc = np.zeros_like(h)
    for c in reversed(cvals):
        acc *= h
        acc += c
    return acc


def _per_atom_float(law, order, which):
    """Non-negative per-atom gap terms and their sum (float)."""
    nf, m = order.floats()
    cdf = float_cdf(law)
    logF = cdf.log_F()
    weight_power = nf if which == "kl" else nf + 1.0
    j = int(np.searchsorted(logF, -750.0 / weight_power, side="right"))
    D = cdf.log_steps(j)
    h = -D  # log(F_i / F_{i-1}) >= 0, inf for the bottom atom
    x = nf * h
    G = np.empty_like(h)
    thin = x <= _SERIES_LIMIT
    G[thin] = _series_values(which, m, h[thin])
    thick = ~thin & np.isfinite(h)
    ht, xt = h[thick], x[thick]
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        if which == "kl":
            A = -np.expm1(-xt)
            B = -np.expm1(-ht)
            G[thick] = A * np.log(nf * B / A) - m * A / nf + m * np.exp(-xt) * ht
            bottom = kl_bon_bound(order.value)
        else:
            # W = n/(n+1) (1 - t^{n+1}) - (1+t)/2 (1 - t^n), regrouped so that only
            # O(1) cancellation remains for n h >= 1, also at large n:
            # W = (1 - t)(1 + t^n)/2 - (1 - t^{n+1})/(n+1)
            G[thick] = (-np.expm1(-ht) * 0.5 * (1.0 + np.exp(-xt))
                        + np.expm1(-(nf + 1.0) * ht) / (nf + 1.0))
            bottom = m / (2.0 * (nf + 1.0))
        if m < 1e-2:
            # near n = 1 the closed forms cancel to O(m^2) (KL) or O(m) (win rate); the thick
            # atoms (n h > 1, so F_i > e^{0.99} F_{i-1}: at most ~750 of them) get 40 digits
            idx = np.flatnonzero(thick)
            mfrac = order.as_fraction() - 1  # exact n - 1, not from a rounded n
            digits = 30 + max(0, -int(math.log10(float(mfrac)) if mfrac else 0)) * 2
            G[idx] = [_closed_form_mp(which, order.as_fraction(), float(hv), dps=digits) for hv in h[idx]]
        G[~np.isfinite(h)] = bottom
        w = np.exp(weight_power * logF[j:])
    return float(np.dot(w, G))


def _closed_form_mp(which, n, h, dps=40):
    """The closed-form G(h, n) or W(h, n) at ``dps`` digits in a private mpmath context."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = dps
    n = ctx.mpf(n.numerator) / n.denominator if isinstance(n, Fraction) else ctx.mpf(n)
    h = ctx.mpf(h)
    t = ctx.exp(-h)
    tn = ctx.exp(-n * h)
    if which == "kl":
        A = -ctx.expm1(-n * h)
        return float(A * ctx.log(n * (1 - t) / A) - (n - 1) * A / n + (n - 1) * tn * h)
    return float(n / (n + 1) * -ctx.expm1(-(n + 1) * h) - (1 + t) / 2 * -ctx.expm1(-n * h))


def kl_bon_gap(law, n, *, dps=None, exact=False):
    """``log n - (n-1)/n - KL(BoN_n(p) || p) >= 0``, without cancellation (B10).

    Zero for n = 1 and for one-atom laws (where the KL is 0 but the bound is
    not: a one-atom law has gap ``log n - (n-1)/n``).

    >>> round(kl_bon_gap([0.5, 0.5], 2), 12)   # Example 1 (B11): bound - (log 2 - h(1/4))
    0.062335144619
    """
    mode, law, order = _prepare(law, n, dps, exact)
    if mode == "exact":
        return kl_bon_bound(order.sympy(), exact=True) - kl_bon(law, order.value, exact=True)
    if order.is_one:
        from .numbers import mpf_of_fraction

        return mpf_of_fraction(Fraction(0), dps) if mode == "mp" else 0.0
    if mode == "mp":
        from .balls import _order_ball, bon_balls

        def compute(prec):
            t = _order_ball(order) - 1
            bound = t.log1p() - t / (1 + t)
            return bound - bon_balls(law, order, {"kl"}, prec)["kl"]

        return arb_eval(compute, dps, extra_bits=_extra_bits(law, order) + 20)
    return _per_atom_float(law, order, "kl")


def win_rate_gap(law, n, *, dps=None, exact=False):
    """``n/(n+1) - W_n >= 0``, the win-rate gap of best-of-n (B24), without cancellation.

    >>> win_rate_gap([0.5, 0.5], 3)   # 3/4 - (3/4 - 2**-4)  (B27)
    0.0625
    """
    mode, law, order = _prepare(law, n, dps, exact)
    if mode == "exact":
        return win_rate_bound(order.value, exact=True) - win_rate_bon(law, order.value, exact=True)
    if order.is_one:
        from .numbers import mpf_of_fraction

        return mpf_of_fraction(Fraction(0), dps) if mode == "mp" else 0.0
    if mode == "mp":
        from .balls import _order_ball, bon_balls

        def compute(prec):
            nb = _order_ball(order)
            return nb / (nb + 1) - bon_balls(law, order, {"win"}, prec)["win"]

        return arb_eval(compute, dps, extra_bits=_extra_bits(law, order) + 20)
    return _per_atom_float(law, order, "win")


def win_rate_gap_bound(law, n, *, dps=None, exact=False):
    """``n(n-1)/12 sum_i p_i^3 >= n/(n+1) - W_n`` (B26) for ``n >= 2``, with equality at n = 2.

    The proof bounds ``xi^(n-2) <= 1``, which needs ``n >= 2``; for ``1 < n < 2``
    the inequality fails (two equal atoms at n = 3/2), so such n are refused.

    >>> win_rate_gap_bound(["1/2", "1/3", "1/6"], 2, exact=True)
    1/36
    """
    mode, law, order = _prepare(law, n, dps, exact)
    if order.kind != "symbolic" and order.as_fraction() < 2 and not order.is_one:
        raise ValueError(f"the cube bound n(n-1)/12 sum p^3 holds for n >= 2 (and n = 1); got n = {order.value}")
    if mode == "float":
        p, T = law.float_probs()
        nf, h = order.floats()  # n - 1 from the exact n; refuses n beyond the float range
        val = nf * (h * float(np.sum((p / T) ** 3))) / 12.0
        if not math.isfinite(val):
            raise ValueError(f"n(n-1)/12 sum p^3 at n = {short_number(order.value)} is beyond the float range; use dps=k")
        return val
    cubes = sum((f**3 for f in law.fractions()), Fraction(0))
    if mode == "exact":
        nn = order.sympy()
        from .numbers import to_sympy

        return nn * (nn - 1) / 12 * to_sympy(cubes)
    if order.kind != "symbolic" and order.is_exact:
        from .numbers import mpf_of_fraction

        f = order.as_fraction()
        return mpf_of_fraction(f * (f - 1) / 12 * cubes, dps)
    from .backends import evaluate

    return evaluate(lambda B: B.num(order.as_fraction()) * (B.num(order.as_fraction()) - 1) / 12
                    * B.num(cubes), "mp", dps)
