"""Best-of-n and divergences in python-flint Arb balls (the ``dps=`` path).

Every input is first turned into exact integers: the probabilities become
``m_i / T`` with integer weights ``m_i`` over a common denominator (a float
*is* a dyadic rational, an mpf too) and ``T = sum m_i``, so prefix sums
``P_i``, the complements ``T - P_i`` and ``F_{i-1} = P_i - m_i`` are exact
integers.  Rounding starts only inside Arb balls whose radii track every
error, so :func:`bonsym.numbers.arb_eval` can certify the digits.

Two kernels (THEORY.md B3, B7, B23):

* **small integer n** (``n <= EXACT_POWER_MAX``): ``Q_i = P_i^n - P_{i-1}^n``
  is an exact integer and ``q_i / p_i = H_i / T^{n-1}`` with
  ``H_i = Q_i / m_i`` (an exact integer, the complete homogeneous polynomial
  ``sum_k P_i^{n-1-k} P_{i-1}^k``), so the KL needs one logarithm per atom and
  the win rate none;
* **any real n**: the cancellation-free ``q_i = exp(n log F_i) (-expm1(n D_i))``
  with ``D_i = log(F_{i-1}/F_i)`` taken as ``log1p(-p_i/F_i)``.  Atoms whose
  whole lower mass ``F_j^n`` is below ``2^-(prec+20)`` are not evaluated one by
  one: their contribution is enclosed rigorously (KL in
  ``[eps log(eps/j), eps log n]``, win rate in ``[0, eps]``, mean reward in
  ``eps [min r, max r]``) and added as a ball.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .numbers import to_fraction_any

__all__ = ["law_ints", "bon_balls", "kl_ball", "EXACT_POWER_MAX"]

#: integer n up to which the exact-integer kernel is used
EXACT_POWER_MAX = 16


def _scaled(values):
    """Exact Fractions -> (integer numerators over a common denominator, denominator)."""
    den = 1
    for f in values:
        d = f.denominator
        if den % d:
            den = den * d // math.gcd(den, d)
    return [f.numerator * (den // f.denominator) for f in values], den


def law_ints(law):
    """``(ms, T)``: exact integer weights (fmpz) of ``law`` and their sum (cached on the law)."""
    cache = law._cache
    if "ints" not in cache:
        from flint import fmpz

        if law.kind == "float":
            ms = _dyadic_ints(law.probs)
        else:
            nums, _ = _scaled([to_fraction_any(x) for x in law.probs])
            ms = [fmpz(v) for v in nums]
        T = fmpz(0)
        for m in ms:
            T += m
        
        cache["ints"] = (ms, T)
    return cache["ints"]


def _dyadic_ints(x):
    """Exact integer weights of float64 values over their common power-of-two denominator."""
    import numpy as np
    from flint import fmpz

    x = np.asarray(x, dtype=np.float64)
    mant, expo = np.frexp(x)  # x = mant * 2**expo, 0.5 <= mant < 1 (0 for zeros)
    mi = (mant * 2.0**53).astype(np.int64)  # exact
    e = expo.astype(np.int64) - 53
    emin = int(e[mi != 0].min()) if np.any(mi != 0) else 0
    shifts = (e - emin).tolist()
    return [fmpz(int(m)) << s if m else fmpz(0) for m, s in zip(mi.tolist(), shifts)]


def law_fmpq(law):
    """Exactly normalised probabilities as fmpq."""
    from flint import fmpq

    ms, T = law_ints(law)
    return [fmpq(m, T) for m in ms]


def _rewards_balls(law):
    """Rewards as balls from their exact values (floats and mpf are exact binary numbers)."""
    from flint import arb, fmpq

    out = []
    for x in law.rewards:
        f = to_fraction_any(x)
        out.append(arb(fmpq(f.numerator, f.denominator)))
    return out


def _order_ball(order):
    from flint import arb, fmpq

    if order.kind == "int":
        return arb(order.value)
    f = order.as_fraction()
    return arb(fmpq(f.numerator, f.denominator))


def bon_balls(law, order, want, prec=None):
    """Arb balls of best-of-n quantities at the current flint precision.

    ``want`` is drawn from ``{"pmf", "kl", "win", "mean"}``.  Returns a dict
    with the requested entries (``"pmf"``: one ball per atom, zero atoms
    included).  ``prec`` (the current precision) sets the cut-off below which
    atoms are enclosed in bulk; ``None`` disables it.
    """
    if order.kind == "int" and order.value <= EXACT_POWER_MAX:
        return _bon_exact_power(law, order.value, want)
    return _bon_transcendental(law, order, want, prec)


def _bon_exact_power(law, n, want):
    from flint import arb, fmpq

    ms, T = law_ints(law)
    rewards = _rewards_balls(law) if "mean" in want else None
    Tn = T**n
    logT = arb(T).log()
    pmf = [] if "pmf" in want else None
    kl_sum = arb(0)  # sum Q_i log H_i
    win_num = 0  # sum Q_i (2 P_i - m_i), exact
    mean = arb(0)
    P = 0
    Pn_prev = 0
    for i, m in enumerate(ms):
        if m == 0:
            if pmf is not None:
                pmf.append(arb(0))
            continue
        P = P + m
        if n == 2:
            H = 2 * P - m  # P^2 - G^2 = m (P + G)
            Q = m * H
        else:
            Pn = P**n
            Q = Pn - Pn_prev
            H = Q // m
            Pn_prev = Pn
        if pmf is not None:
            pmf.append(arb(fmpq(Q, Tn)))
        if "kl" in want:
            kl_sum += arb(Q) * arb(H).log()
        if "win" in want:
            win_num += Q * (2 * P - m)
        if "mean" in want:
            mean += arb(Q) * rewards[i]
    out = {}
    if pmf is not None:
        out["pmf"] = pmf
    if "kl" in want:
        # KL = sum q_i log(H_i / T^{n-1}) with sum q_i = 1
        out["kl"] = kl_sum / arb(Tn) - (n - 1) * logT
    if "win" in want:
        out["win"] = arb(fmpq(win_num, 2 * Tn * T))
    if "mean" in want:
        out["mean"] = mean / arb(Tn)
    return out


def _bon_transcendental(law, order, want, prec):
    from flint import arb

    ms, T = law_ints(law)
    rewards = _rewards_balls(law) if "mean" in want else None
    n = _order_ball(order)
    Tb = arb(T)
    logT = Tb.log()
    two_T = 2 * Tb
    pmf = [] if "pmf" in want else None
    cut = None if (prec is None or pmf is not None) else -(prec * 0.6931471805599453 + 20)
    kl = arb(0)
    win = arb(0)
    mean = arb(0)
    P = 0
    skipped = 0  # support atoms enclosed in bulk
    eps = None  # F_j^n of the last skipped atom
    for i, m in enumerate(ms):
        if m == 0:
            if pmf is not None:
                pmf.append(arb(0))
            continue
        G = P
        P = P + m
        if 2 * P <= T:
            logF = arb(P).log() - logT
        else:
            logF = (-(arb(T - P) / Tb)).log1p()
        a = n * logF
        if cut is not None and a.upper() < cut:
            skipped += 1
            eps = a
            continue
        if G == 0:
            M = arb(1)
            logM = arb(0)
        else:
            if 2 * m <= P:
                D = (-(arb(m) / arb(P))).log1p()
            else:
                D = (arb(G) / arb(P)).log()
            M = -((n * D).expm1())
            logM = M.log()
        q = a.exp() * M
        if pmf is not None:
            pmf.append(q)
        if "kl" in want:
            kl += q * (a + logM - arb(m).log() + logT)
        if "win" in want:
            win += q * (arb(2 * P - m) / two_T)
        if "mean" in want:
            mean += q * rewards[i]
    out = {}
    if pmf is not None:
        out["pmf"] = pmf
    if skipped:
        e = eps.exp()  # the lower mass F_j^n, a ball
        loge = eps
        r_kl = e * _max(arb(skipped).log() - loge, n.log())
        kl += r_kl.union(-r_kl)
        win += e.union(arb(0))
        if rewards is not None:
            big = max((abs(r) for r in rewards), key=lambda b: b.upper())
            r_mean = e * big
            mean += r_mean.union(-r_mean)
    if "kl" in want:
        out["kl"] = kl
    if "win" in want:
        out["win"] = win
    if "mean" in want:
        out["mean"] = mean
    return out


def _max(a, b):
    return a.union(b) if not (a > b or b > a) else (a if a > b else b)


def kl_ball(p, q):
    """KL(p || q) for two exact-rational laws (lists of fmpq), as an arb (inf if not abs. continuous)."""
    from flint import arb

    total = arb(0)
    for pi, qi in zip(p, q):
        if pi == 0:
            continue
        if qi == 0:
            return arb("inf")
        total += arb(pi) * arb(pi / qi).log()
    return total
