"""Divergences and win rate between two laws on the same atoms (THEORY.md B7, B22).

>>> p = Ranked(["1/4", "3/4"]); q = Ranked(["1/2", "1/2"])
>>> kl(p, q, exact=True)
-log(2)/4 + 3*log(3/2)/4
>>> win_rate(p, q, exact=True)
5/8
"""
from __future__ import annotations

import math

import mpmath
import numpy as np

from .laws import Ranked, as_ranked
from .numbers import arb_eval, mpf_of_fraction, resolve_mode

__all__ = ["kl", "win_rate", "divergence"]


def _pair(p, q):
    p = as_ranked(p)
    q = as_ranked(q)
    if len(p) != len(q):
        raise ValueError(f"the two laws must live on the same atoms: got {len(p)} and {len(q)} atoms")
    if p.rewards is not None and q.rewards is not None:
        same = all(a == b for a, b in zip(p.reward_fractions(), q.reward_fractions()))
        if not same:
            raise ValueError("the two laws have different rewards; they must live on the same atoms")
    return p, q


def _require_exact(*laws):
    for law in laws:
        if law.kind != "exact":
            raise TypeError(
                "exact=True needs exact probabilities (ints, Fractions, strings like '1/3' or SymPy "
                f"Rationals); got a {law.kind} law: use dps=k for high precision instead"
            )


def kl(p, q, *, dps=None, exact=False):
    """Kullback-Leibler divergence ``KL(p || q) = sum_i p_i log(p_i / q_i)``.

    Infinite (``inf``, ``mpf('+inf')`` or SymPy ``oo``) when ``p`` charges an
    atom that ``q`` does not.

    >>> kl([0.5, 0.5], [0.25, 0.75])  # doctest: +ELLIPSIS
    0.1438410362258...
    >>> kl([0.5, 0.5], [1.0, 0.0])
    inf
    """
    mode = resolve_mode(dps, exact)
    p, q = _pair(p, q)
    if mode == "exact":
        import sympy

        _require_exact(p, q)
        terms = []
        for a, b in zip(p.fractions(), q.fractions()):
            if a == 0:
                continue
            if b == 0:
                return sympy.oo
            ra, rb = sympy.Rational(a.numerator, a.denominator), sympy.Rational(b.numerator, b.denominator)
            terms.append(ra * sympy.log(ra / rb))
        return sympy.Add(*terms)
    if mode == "mp":
        from .balls import kl_ball, law_fmpq

        fp, fq = law_fmpq(p), law_fmpq(q)
        if any(a != 0 and b == 0 for a, b in zip(fp, fq)):
            return mpmath.mpf("inf")
        if all(a == b for a, b in zip(fp, fq)):
            return mpmath.mpf(0)
        return arb_eval(lambda prec: kl_ball(fp, fq), dps, extra_bits=int(math.log2(len(p) + 1)) + 8)
    a, ta = p.float_probs()
    b, tb = q.float_probs()
    sup = a > 0
    if np.any(b[sup] == 0):
        return math.inf
    r, d = relative_ratios(p, q)
    return _kl_float(a / ta, b / tb, d, r)


def relative_differences(p, q):
    """``d_i = p_i/q_i - 1`` of the exactly normalised laws, to full relative accuracy (float).

    Exact laws: from the Fractions.  Float laws: ``d = (a - b)/b + (a/b) rho`` with
    ``rho = T_b/T_a - 1`` from double-double totals, so laws that differ by
    little keep the digits of their difference even when they do not sum to 1
    exactly.  Atoms with ``q_i = 0`` get ``d = -1`` (they carry no mass).
    """
    return relative_ratios(p, q)[1]


def relative_ratios(p, q):
    """``(r, d)``: the ratios ``r_i = p_i/q_i`` and ``d_i = r_i - 1``, each to full relative accuracy.

    ``d`` loses the digits of ``r`` when ``r`` is tiny (``1 + d`` rounds), so
    formulas use ``r`` away from 1 and ``d`` near 1.  ``q_i = 0`` gives
    ``r = 0, d = -1``.
    """
    if p.kind == "exact" and q.kind == "exact":
        pairs = list(zip(p.fractions(), q.fractions()))
        r = np.array([float(x / y) if y else 0.0 for x, y in pairs])
        d = np.array([float((x - y) / y) if y else -1.0 for x, y in pairs])
        return r, d
    from .summation import dd_total

    a = p.float_array()
    b = q.float_array()
    ta_hi, ta_lo = dd_total(a)
    tb_hi, tb_lo = dd_total(b)
    rho = ((tb_hi - ta_hi) + (tb_lo - ta_lo)) / (ta_hi + ta_lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        ab = a / b
        r = ab * (1.0 + rho)
        d = (a - b) / b + ab * rho
    r[b == 0] = 0.0
    d[b == 0] = -1.0
    return r, d


def _kl_float(p, q, d=None, r=None):
    """KL(p || q) = sum_i q_i phi(p_i/q_i - 1), a sum of non-negative terms.

    Since sum p = sum q = 1 this is KL, and a small KL keeps its relative
    accuracy.  Atoms with q_i = 0 (and so p_i = 0) contribute nothing.
    """
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        if d is None:
            d = (p - q) / q
        pos = q > 0
        return float(np.dot(q[pos], phi_relative(d[pos], r=None if r is None else r[pos])))


def phi_relative(d, logr=None, r=None):
    """phi(d) = (1+d) log1p(d) - d >= 0, accurate for every d >= -1.

    ``logr`` (= log1p(d)) and ``r`` (= 1 + d) may be passed when known more
    accurately than from d (d near -1 has lost the digits of 1 + d).
    Near d = 0 the Taylor series sum_{k>=2} (-1)^k d^k / (k (k-1)) is used
    (|d| < 1/8: 24 terms reach 1e-22 relative).

    >>> float(phi_relative(np.array([1e-10]))[0])  # d**2/2 - d**3/6 + ...
    4.99999999983333...e-21
    """
    d = np.asarray(d, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        phi = np.empty_like(d)
        small = np.abs(d) < 0.125
        ds = d[small]
        acc = np.zeros_like(ds)
        for k in range(25, 1, -1):
            acc = acc * ds + (-1) ** k / (k * (k - 1))
        phi[small] = acc * ds * ds
        dl = d[~small]
        rl = 1.0 + dl if r is None else np.asarray(r, dtype=np.float64)[~small]
        ll = (np.log1p(dl) if r is None else np.log(rl)) if logr is None else logr[~small]
        # r = 0 (p_i = 0): phi = 1
        phi[~small] = np.where(rl == 0.0, 1.0, rl * ll - dl)
    return phi


def win_rate(p, q, *, dps=None, exact=False):
    """Win rate of ``p`` against ``q``: ``P(X > Y) + P(X = Y)/2``, ``X ~ p``, ``Y ~ q``.

    Atoms are compared by their position in reward order, so equality means
    the same atom (equal rewards are one atom under ``ties="merge"``).  The
    value is a rational function of the probabilities, so ``dps=k`` returns
    the exact value rounded to ``k`` digits.

    >>> win_rate([0.5, 0.5], [0.5, 0.5])
    0.5
    """
    mode = resolve_mode(dps, exact)
    p, q = _pair(p, q)
    if mode == "exact":
        import sympy

        _require_exact(p, q)
        w = _win_fraction(p.fractions(), q.fractions())
        return sympy.Rational(w.numerator, w.denominator)
    if mode == "mp":
        return mpf_of_fraction(_win_fraction(p.fractions(), q.fractions()), dps)
    a, ta = p.float_probs()
    b, tb = q.float_probs()
    from .summation import compensated_cumsum

    Q = compensated_cumsum(b) / tb
    below = np.concatenate(([0.0], Q[:-1]))
    return float(np.sum((a / ta) * (below + 0.5 * (b / tb))))


def _win_fraction(fp, fq):
    from fractions import Fraction

    half = Fraction(1, 2)
    Q = Fraction(0)
    w = Fraction(0)
    for a, b in zip(fp, fq):
        w += a * (Q + b * half)
        Q += b
    return w


# ---------------------------------------------------------------------------
# the f-divergence family between two finite laws (THEORY.md M14-M16)

def divergence(kind, p, q, *, alpha=None, dps=None, exact=False):
    """``D_kind(p || q)`` between two finite laws on the same atoms.

    Kinds as in :func:`bonsym.bon_divergence`: ``"kl"``, ``"reverse_kl"``
    (``KL(q || p)``), ``"chi2"`` (``sum (p-q)^2/q``), ``"tv"`` (``sum |p-q|/2``),
    ``"hellinger"`` (``1 - sum sqrt(p q)``), ``"renyi"`` (``log(sum p^a q^(1-a))/(a-1)``,
    ``alpha > 0``; 1 is KL, inf is ``log max p/q``), ``"js"`` (Jensen-Shannon).
    Infinite values (``p`` not absolutely continuous w.r.t. ``q``) are
    ``inf``, ``mpf('+inf')`` or SymPy ``oo``.  Float results sum non-negative
    terms built from the relative differences ``p_i/q_i - 1``, so nearly
    equal laws keep their digits.

    >>> divergence("chi2", ["1/2", "1/2"], ["1/4", "3/4"], exact=True)
    1/3
    >>> divergence("tv", [0.5, 0.5], [0.25, 0.75])
    0.25
    """
    from .orderstats import check_kind

    a = check_kind(kind, alpha)
    mode = resolve_mode(dps, exact)
    p, q = _pair(p, q)
    if kind == "renyi" and a == 1:
        kind = "kl"
    if kind == "kl":
        return kl(p, q, dps=dps, exact=exact)
    if kind == "reverse_kl":
        return kl(q, p, dps=dps, exact=exact)
    if mode == "exact":
        _require_exact(p, q)
    fp, fq = p.fractions(), q.fractions()
    if fp == fq:  # identical laws: every divergence is exactly 0
        from .orderstats import _zero

        return _zero(mode)
    infinite = any(x != 0 and y == 0 for x, y in zip(fp, fq))
    if kind == "renyi" and not any(x and y for x, y in zip(fp, fq)):
        return _inf(mode)  # no common support: sum p^a q^(1-a) = 0
    if kind in ("chi2",) or (kind == "renyi" and (a == math.inf or a > 1)):
        if infinite:
            return _inf(mode)
    if kind in ("chi2", "tv"):  # rational: exact in every mode
        from fractions import Fraction

        if kind == "chi2":
            val = sum(((x - y) ** 2 / y for x, y in zip(fp, fq) if y != 0), Fraction(0))
        else:
            val = sum((abs(x - y) for x, y in zip(fp, fq)), Fraction(0)) / 2
        if mode == "exact":
            import sympy

            return sympy.Rational(val.numerator, val.denominator)
        return mpf_of_fraction(val, dps) if mode == "mp" else float(val)
    if kind == "renyi" and a == math.inf:
        r = max(x / y for x, y in zip(fp, fq) if x != 0)
        if mode == "exact":
            import sympy

            return sympy.log(sympy.Rational(r.numerator, r.denominator))
        if mode == "mp":
            from .backends import evaluate

            return evaluate(lambda B: B.log(B.num(r)), "mp", dps)
        return math.log(r.numerator) - math.log(r.denominator)
    if mode in ("exact", "mp"):
        from .backends import evaluate

        formula = {"hellinger": _hellinger_formula, "renyi": _renyi_formula, "js": _js_formula}[kind]
        return evaluate(lambda B: formula(B, fp, fq, a), mode, dps, extra_bits=int(math.log2(len(fp) + 1)) + 20)
    return _divergence_float(kind, p, q, a)


def _inf(mode):
    if mode == "exact":
        import sympy

        return sympy.oo
    return mpmath.mpf("inf") if mode == "mp" else math.inf


def _hellinger_formula(B, fp, fq, a):
    total = B.num(0)
    for x, y in zip(fp, fq):
        if x and y:
            total += B.sqrt(B.num(x * y))
    return 1 - total


def _renyi_formula(B, fp, fq, a):
    total = B.num(0)
    aa = B.num(a)
    for x, y in zip(fp, fq):
        if x and y:
            total += B.pow(B.num(x), aa) * B.pow(B.num(y), 1 - aa)
    return B.log(total) / (aa - 1)


def _js_formula(B, fp, fq, a):
    total = B.num(0)
    for x, y in zip(fp, fq):
        m = (x + y) / 2
        if x:
            total += B.num(x) * B.log(B.num(x / m))
        if y:
            total += B.num(y) * B.log(B.num(y / m))
    return total / 2


def _divergence_float(kind, p, q, a):
    """Float path: non-negative (or sign-definite) terms from the ratios r = p/q and d = r - 1."""
    pa, ta = p.float_probs()
    qa, tb = q.float_probs()
    pn, qn = pa / ta, qa / tb
    r, d = relative_ratios(p, q)
    pos = qn > 0
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        if kind == "hellinger":
            # (1/2) sum q (sqrt r - 1)^2 = (1/2) sum q (d / (sqrt r + 1))^2, plus p/2 where q = 0
            rp, dp = r[pos], d[pos]
            terms = qn[pos] * np.where(np.abs(dp) < 0.5, dp / (np.sqrt(rp) + 1.0), np.sqrt(rp) - 1.0) ** 2
            return float(0.5 * (np.sum(terms) + np.sum(pn[~pos])))
        if kind == "js":
            # (1/2) sum m [phi(e) + phi(-e)], m = (p+q)/2, e = (p-q)/(p+q) = d/(2+d),
            # 1 + e = 2r/(1+r), 1 - e = 2/(1+r)
            e = np.where(pos, d / (2.0 + d), 1.0)
            m = np.where(pos, qn * (2.0 + d) / 2.0, pn / 2.0)
            rplus = np.where(pos, 2.0 * r / (1.0 + r), 2.0)
            rminus = np.where(pos, 2.0 / (1.0 + r), 0.0)
            return float(0.5 * np.dot(m, phi_relative(e, r=rplus) + phi_relative(-e, r=rminus)))
        # Renyi: S - 1 = sum_{q>0} q psi_a(r) - a P0, psi_a = r^a - 1 - a d
        af = float(a)
        s1 = float(np.dot(qn[pos], _psi(d[pos], af, r[pos]))) - af * float(np.sum(pn[~pos]))
        if s1 <= -1.0:  # no common support
            return math.inf
        return math.log1p(s1) / (af - 1.0)


def _psi(d, a, r):
    """r^a - 1 - a d with r = 1 + d, accurate near d = 0 (binomial series for |d| < 1/8) and for tiny r."""
    out = np.empty_like(d)
    small = np.abs(d) < 0.125
    ds = d[small]
    coef = [0.0] * 26
    c = 1.0
    for k in range(1, 26):
        c *= (a - k + 1) / k
        coef[k] = c
    acc = np.zeros_like(ds)
    for k in range(25, 1, -1):
        acc = acc * ds + coef[k]
    out[small] = acc * ds * ds
    dl = d[~small]
    with np.errstate(divide="ignore"):
        out[~small] = np.expm1(a * np.log(r[~small])) - a * dl
    return out
