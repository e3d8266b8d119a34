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
from .summation import accurate_sum
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
        r = np.array([_to_float(x / y) if y else 0.0 for x, y in pairs])
        d = np.array([_to_float((x - y) / y) if y else -1.0 for x, y in pairs])
        return r, d
    from .summation import dd_total

    a = p.float_array()
    b = q.float_array()
    ta_hi, ta_lo = dd_total(a)
    tb_hi, tb_lo = dd_total(b)
    rho = ((tb_hi - ta_hi) + (tb_lo - ta_lo)) / (ta_hi + ta_lo)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ab = a / b
        r = ab * (1.0 + rho)
        d = (a - b) / b + ab * rho
    r[b == 0] = 0.0
    d[b == 0] = -1.0
    return r, d


def _to_float(f):
    """A Fraction as a float, ``inf`` beyond the float range (ratios of laws with atoms below 1e-308)."""
    try:
        return float(f)
    except OverflowError:
        return math.inf


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
    if mode == "mp":  # the same rational from the integer weights: sum m_i (2 N_{i-1} + n_i) / (2 T U)
        from fractions import Fraction

        from .balls import law_ints

        (ms, T), (ns, U) = law_ints(p), law_ints(q)
        acc = 0 * T
        N = 0 * T
        for m, n in zip(ms, ns):
            acc += m * (2 * N + n)
            N += n
        return mpf_of_fraction(Fraction(int(acc), int(2 * T * U)), dps)
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
    equal laws keep their digits.  ``dps=k`` results are certified Arb balls
    built from the exact integer weights of the laws (differences ``p_i - q_i``
    exact), so they too need no cancellation.

    >>> divergence("chi2", ["1/2", "1/2"], ["1/4", "3/4"], exact=True)
    1/3
    >>> divergence("tv", [0.5, 0.5], [0.25, 0.75])
    0.25
    >>> divergence("renyi", [0.5, 0.5], [0.25, 0.75], alpha=1e4)  # log(2) (1 - 1/(a-1)): no overflow
    0.6930778589097242
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
        return _divergence_exact(kind, p, q, a)
    if mode == "mp":
        return _divergence_mp(kind, p, q, a, dps)
    val = _divergence_float(kind, p, q, a)
    if math.isnan(val):
        # an intermediate overflowed where the value does not (e.g. alpha (a - 1) log r beyond 1e308):
        # the certified path, rounded to a double
        val = float(_divergence_mp(kind, p, q, a, 17))
    return val


def _divergence_exact(kind, p, q, a):
    """SymPy values from the exact Fractions (exact laws only)."""
    import sympy

    fp, fq = p.fractions(), q.fractions()
    if fp == fq:  # identical laws: every divergence is exactly 0
        return sympy.Integer(0)
    infinite = any(x != 0 and y == 0 for x, y in zip(fp, fq))
    if kind == "renyi" and not any(x and y for x, y in zip(fp, fq)):
        return sympy.oo  # no common support: sum p^a q^(1-a) = 0
    if (kind == "chi2" or (kind == "renyi" and a > 1)) and infinite:
        return sympy.oo
    if kind in ("chi2", "tv"):
        from fractions import Fraction

        if kind == "chi2":
            val = sum(((x - y) ** 2 / y for x, y in zip(fp, fq) if y != 0), Fraction(0))
        else:
            val = sum((abs(x - y) for x, y in zip(fp, fq)), Fraction(0)) / 2
        return sympy.Rational(val.numerator, val.denominator)
    if kind == "renyi" and a == math.inf:
        r = max(x / y for x, y in zip(fp, fq) if x != 0)
        return sympy.log(sympy.Rational(r.numerator, r.denominator))
    from .backends import evaluate

    formula = {"hellinger": _hellinger_formula, "renyi": _renyi_formula, "js": _js_formula}[kind]
    return evaluate(lambda B: formula(B, fp, fq, a), "exact", None)


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


# ---------------------------------------------------------------------------
# dps=k: certified Arb balls from the exact integer weights (python-flint)

def _divergence_mp(kind, p, q, a, dps):
    """``p_i = m_i/T``, ``q_i = n_i/U`` with integer weights, so ``p_i - q_i = D_i/(T U)``,
    ``D_i = m_i U - n_i T`` exact; every kind is a sum of non-negative (or
    sign-definite) terms built from ``D_i``, evaluated in Arb and certified by
    :func:`bonsym.numbers.arb_eval`."""
    from fractions import Fraction

    from .balls import law_ints

    ms, T = law_ints(p)
    ns, U = law_ints(q)
    Ds = [m * U - n * T for m, n in zip(ms, ns)]
    if not any(Ds):  # identical laws: every divergence is exactly 0
        return mpmath.mpf(0)
    infinite = any(m != 0 and n == 0 for m, n in zip(ms, ns))
    if kind == "renyi" and not any(m != 0 and n != 0 for m, n in zip(ms, ns)):
        return mpmath.mpf("inf")  # no common support: sum p^a q^(1-a) = 0
    if (kind == "chi2" or (kind == "renyi" and a > 1)) and infinite:
        return mpmath.mpf("inf")
    if kind == "tv":  # (1/2) sum |D_i| / (T U): an exact integer sum
        s = sum((abs(D) for D in Ds), 0 * T)
        return mpf_of_fraction(Fraction(int(s), int(2 * T * U)), dps)
    extra = int(math.log2(len(ms) + 1)) + 20
    if kind == "renyi" and a == math.inf:
        return _renyi_inf_mp(ms, ns, T, U, dps)
    compute = {"chi2": _chi2_ball, "hellinger": _hellinger_ball, "js": _js_ball, "renyi": _renyi_ball}[kind]
    return arb_eval(lambda prec: compute(ms, ns, Ds, T, U, a), dps, extra_bits=extra)


def _chi2_ball(ms, ns, Ds, T, U, a):
    """chi2 = sum (p-q)^2/q = sum D_i^2 / n_i / (T^2 U)."""
    from flint import arb

    total = arb(0)
    for n, D in zip(ns, Ds):
        if n != 0 and D != 0:
            total += arb(D * D) / arb(n)
    return total / arb(T * T * U)


def _hellinger_ball(ms, ns, Ds, T, U, a):
    """1 - sum sqrt(p q) = (1/2) sum (sqrt p - sqrt q)^2 = sum D_i^2 / (sqrt(m_i U) + sqrt(n_i T))^2 / (2 T U)."""
    from flint import arb

    total = arb(0)
    for m, n, D in zip(ms, ns, Ds):
        if D != 0:
            s = arb(m * U).sqrt() + arb(n * T).sqrt()
            total += arb(D * D) / (s * s)
    return total / arb(2 * T * U)


def _js_ball(ms, ns, Ds, T, U, a):
    """JS = (1/2) sum w_i [(1+e) log(1+e) + (1-e) log(1-e)], w = (p+q)/2, e = (p-q)/(p+q) = D/(m U + n T);
    the bracket is 2 e atanh(e) + log1p(-e^2) >= 0 (no cancellation beyond a factor 2)."""
    from flint import arb

    total = arb(0)
    two_log2 = 2 * arb(2).log()
    for m, n, D in zip(ms, ns, Ds):
        if D == 0:
            continue
        s = m * U + n * T
        if m == 0 or n == 0:  # |e| = 1
            total += arb(s) * two_log2
            continue
        if 2 * abs(D) < s:  # |e| < 1/2
            e = arb(D) / arb(s)
            total += arb(s) * (2 * e * e.atanh() + (-(e * e)).log1p())
        else:  # 1 + e = 2 m U / s and 1 - e = 2 n T / s from the exact integers (e may be near -1 or 1)
            up, um = arb(2 * m * U) / arb(s), arb(2 * n * T) / arb(s)
            total += arb(s) * (up * up.log() + um * um.log())
    return total / arb(4 * T * U)


def _renyi_ball(ms, ns, Ds, T, U, a):
    """log(S)/(a-1) with S - 1 = sum_{q>0} q_i psi(r_i) - a P0, psi(r) = r^a - 1 - a (r - 1) (sign-definite),
    r_i - 1 = D_i/(n_i T) exact and log r_i from log1p of it near 1."""
    from flint import arb, fmpq

    aa = arb(fmpq(a.numerator, a.denominator))
    am1 = arb(fmpq((a - 1).numerator, (a - 1).denominator))
    logUT = (arb(U) / arb(T)).log()
    s = arb(0)
    p0 = 0 * T
    for m, n, D in zip(ms, ns, Ds):
        if n == 0:
            p0 += m
            continue
        if D == 0:
            continue
        nT = n * T
        if m == 0:  # r = 0: psi = a - 1
            s += arb(n) * am1
            continue
        d = arb(D) / arb(nT)
        if 2 * abs(D) < nT:
            L = d.log1p()
        else:
            L = (arb(m) / arb(n)).log() + logUT
        s += arb(n) * ((aa * L).expm1() - aa * d)
    s1 = s / arb(U)
    if p0 != 0:
        s1 -= aa * arb(fmpq(p0, T))
    return s1.log1p() / am1


def _renyi_inf_mp(ms, ns, T, U, dps):
    """D_inf = log max_{p_i > 0} p_i/q_i = log(max m_i/n_i * U/T)."""
    from flint import arb, fmpq

    best = None
    for m, n in zip(ms, ns):
        if m != 0:
            r = fmpq(m, n)
            if best is None or r > best:
                best = r
    r = best * fmpq(U, T)
    if r == 1:
        return mpmath.mpf(0)
    return arb_eval(lambda prec: arb(r).log(), dps)


# ---------------------------------------------------------------------------
# float64: numpy on the relative ratios r = p/q and d = r - 1

def _divergence_float(kind, p, q, a):
    """Float path: non-negative (or sign-definite) terms from the ratios r = p/q and d = r - 1."""
    pa, ta = p.float_probs()
    qa, tb = q.float_probs()
    if p.kind == "float" and q.kind == "float":
        identical = np.array_equal(pa, qa)
    else:  # exactly normalised laws equal: m_i U == n_i T with the integer weights (flint, no Fractions)
        from .balls import law_ints

        (ms, T), (ns, U) = law_ints(p), law_ints(q)
        identical = all(m * U == n * T for m, n in zip(ms, ns))
    if identical:  # every divergence is exactly 0
        return 0.0
    pn, qn = pa / ta, qa / tb
    r, d = relative_ratios(p, q)
    pos = qa > 0
    psup = pa > 0
    P0 = accurate_sum(pn[~pos])  # mass of p where q = 0
    # atoms where r = p/q is beyond 1e300 (q tiny or subnormal): their terms are formed from p and q
    # directly, since r, d and q d^2 overflow there although the terms do not
    far = pos & ~(np.abs(d) < 1e300)
    near = pos & ~far
    pf, qf = pn[far], qn[far]
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        if kind == "chi2":
            if P0 > 0:
                return math.inf
            return accurate_sum(np.concatenate(((qn[near] * d[near]) * d[near], (pf - qf) * ((pf - qf) / qf))))
        if kind == "tv":
            return 0.5 * accurate_sum(np.concatenate((qn[near] * np.abs(d[near]), np.abs(pf - qf)))) + 0.5 * P0
        if kind == "hellinger":
            # (1/2) sum q (sqrt r - 1)^2 = (1/2) sum q (d / (sqrt r + 1))^2, plus p/2 where q = 0
            rp, dp = r[near], d[near]
            terms = qn[near] * np.where(np.abs(dp) < 0.5, dp / (np.sqrt(rp) + 1.0), np.sqrt(rp) - 1.0) ** 2
            return 0.5 * (accurate_sum(np.concatenate((terms, (np.sqrt(pf) - np.sqrt(qf)) ** 2))) + P0)
        if kind == "js":
            # (1/2) sum m [phi(e) + phi(-e)], m = (p+q)/2, e = (p-q)/(p+q) = d/(2+d),
            # 1 + e = 2r/(1+r), 1 - e = 2/(1+r)
            e = np.where(near, d / (2.0 + d), 1.0)
            m = np.where(near, qn * (2.0 + d) / 2.0, pn / 2.0)
            rplus = np.where(near, 2.0 * r / (1.0 + r), 2.0)
            rminus = np.where(near, 2.0 / (1.0 + r), 0.0)
            terms = m * (phi_relative(e, r=rplus) + phi_relative(-e, r=rminus))
            # far atoms, x = q/p tiny: p log(2p/(p+q)) + q log(2q/(p+q))
            x = qf / pf
            log2 = math.log(2.0)
            terms[far] = pf * (log2 - np.log1p(x)) + qf * (log2 + np.log(qf) - np.log(pf) - np.log1p(x))
            return 0.5 * accurate_sum(terms)
        return _renyi_float(a, pn, qn, r, d, pos, psup, P0)


def _renyi_float(a, pn, qn, r, d, pos, psup, P0):
    """Rényi divergence of order ``a`` (a Fraction > 0, != 1, or inf) in float64.

    With ``L = log r`` (``log1p(d)`` near r = 1) and the sign-definite
    ``psi_a(r) = r^a - 1 - a d`` (>= 0 for a > 1, <= 0 for a < 1):

    * ``S = sum q r^a > e`` (only for a > 1) or ``S < 1/2``: ``log S`` by log-sum-exp
      of ``log p + (a - 1) L`` (= ``log q r^a``; no overflow at large ``a``, no lost digits when S is
      tiny, no cancellation between ``log q`` and ``a L``);
    * ``|a - 1| < 1/8``: ``D = log1p(b A - a P0)/b``, ``b = a - 1``, with
      ``A = sum q psi_a/b`` and ``psi_a/b = phi(d) + r E2(b L)/b`` where
      ``phi(d) = r log r - d`` and ``E2(x) = e^x - 1 - x``: the division by
      ``a - 1`` is done analytically, so nothing cancels near a = 1;
    * otherwise ``D = log1p(S - 1)/(a - 1)``, ``S - 1 = sum q psi_a - a P0``,
      ``psi_a = E2(a L) - a (d - L)`` for ``|L| < 1`` and ``expm1(a L) - a d`` beyond.
    """
    common = pos & psup
    if not np.any(common):
        return math.inf  # no common support
    if a > 1 and P0 > 0:
        return math.inf
    L = np.where(np.abs(d) < 0.5, np.log1p(d), np.log(r))
    bad = ~np.isfinite(L) & common  # r overflowed (q subnormal): log p - log q
    if np.any(bad):
        L[bad] = np.log(pn[bad]) - np.log(qn[bad])
    if a == math.inf:
        return float(np.max(L[common]))
    af = float(a)
    b = float(a - 1)
    qp, pp, Lp, dp, rp = qn[pos], pn[pos], L[pos], d[pos], r[pos]
    huge = ~(rp < 1e300)  # r near overflow (tiny q): terms from p and log q + a L instead
    if abs(b) < 0.125:
        # q psi_a / b = q phi(d) + p L h(b L), h(x) = E2(x)/x (|b L| < 190: no overflow); r = 0 gives q
        h = _e2_over_x(b * Lp)
        extra = pp * Lp * h
        extra[pp == 0.0] = 0.0
        terms = qp * phi_relative(dp, r=rp) + extra
        if np.any(huge):  # q psi/b = p L (1 + h) - (p - q)
            terms[huge] = pp[huge] * Lp[huge] * (1.0 + h[huge]) - (pp[huge] - qp[huge])
        s1 = b * accurate_sum(terms) - af * P0
        if s1 < -0.5:  # S < 1/2: S - 1 has lost the digits of S
            return _log_sum_exp(np.log(pn[common]) + b * L[common]) / b
        return math.log1p(s1) / b
    t = np.log(pn[common]) + b * L[common]  # log(q r^a) = log p + (a - 1) log r: no cancellation of log q
    if a > 1:
        if float(np.max(t)) > 1.0 or np.any(af * L[common] > 700.0):  # S > e or r^a near overflow
            return _log_sum_exp(t) / b
    x = af * Lp
    inner = np.abs(Lp) < 1.0
    psi = np.empty_like(Lp)
    psi[inner] = _e2(x[inner]) - af * _d_minus_log1p(dp[inner], Lp[inner])
    psi[~inner] = np.expm1(x[~inner]) - af * dp[~inner]  # r = 0: -1 + a
    terms = qp * psi
    if np.any(huge):  # (a < 1) q psi = q r^a - q - a (p - q)
        terms[huge] = np.exp(np.log(qp[huge]) + x[huge]) - qp[huge] - af * (pp[huge] - qp[huge])
    s1 = accurate_sum(terms) - af * P0
    if s1 < -0.5:  # S < 1/2: S - 1 has lost the digits of S
        return _log_sum_exp(t) / b
    return math.log1p(s1) / b


def _log_sum_exp(t):
    """log sum exp(t), scaled by the largest term."""
    M = float(np.max(t))
    return M + math.log(accurate_sum(np.exp(t - M)))


def _e2(x):
    """E2(x) = e^x - 1 - x = x (E2(x)/x), accurate near 0 through :func:`_e2_over_x`."""
    x = np.asarray(x, dtype=np.float64)
    return x * _e2_over_x(x)


def _e2_over_x(x):
    """E2(x)/x = sum_{k>=1} x^k/(k+1)!, series for |x| < 1/2 (0 at x = 0)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    small = np.abs(x) < 0.5
    xs = x[small]
    acc = np.zeros_like(xs)
    for k in range(21, 0, -1):
        acc = acc * xs + 1.0 / math.factorial(k + 1)
    out[small] = acc * xs
    xl = x[~small]
    with np.errstate(over="ignore", invalid="ignore"):
        out[~small] = (np.expm1(xl) - xl) / xl
    return out


def _d_minus_log1p(d, L):
    """d - log1p(d) >= 0 (L = log1p(d) given), series sum_{k>=2} (-1)^k d^k/k for |d| < 1/8."""
    out = np.empty_like(d)
    small = np.abs(d) < 0.125
    ds = d[small]
    acc = np.zeros_like(ds)
    for k in range(25, 1, -1):
        acc = acc * ds + (-1) ** k / k
    out[small] = acc * ds * ds
    out[~small] = d[~small] - L[~small]
    return out
