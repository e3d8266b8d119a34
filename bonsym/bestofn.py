"""Exact best-of-n for finite reward laws (THEORY.md B3, B4, B7, B8, B22-B24).

Draw ``n`` samples from a reference law ``p`` on atoms in increasing reward
order and keep the best: the result has CDF ``F_i**n`` at every atom, so its
pmf is (B3)

.. math:: q_i = F_i^n - F_{i-1}^n .

Every function takes the law as a :class:`~bonsym.laws.Ranked` or a plain
sequence of probabilities, and returns

* a SymPy expression with ``exact=True`` (exact inputs; ``n`` an integer, a
  rational or a SymPy symbol),
* an :class:`mpmath.mpf` certified to ``dps`` significant digits with
  ``dps=k`` (computed in Arb balls),
* a Python float otherwise, computed without the cancellation of the naive
  ``F**n - Fprev**n``: tails ``1 - F_i`` are summed from the top with
  compensated summation and ``q_i = exp(n log F_i) * (-expm1(n log(F_{i-1}/F_i)))``
  with ``log1p`` wherever an argument is near 1.  This stays accurate for
  ``n`` up to 1e15 and atoms down to 1e-300.

>>> law = Ranked(["1/2", "1/3", "1/6"])
>>> best_of_n(law, 3).probs
(Fraction(1, 8), Fraction(49, 108), Fraction(91, 216))
>>> win_rate_bon(law, 3, exact=True)
311/432
>>> round(kl_bon(law, 3), 12)
0.357275820321
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np

from .laws import Ranked, as_ranked
from .numbers import arb_eval, mpf_from_arb, resolve_mode
from .order import check_n
from .cdf import float_cdf

__all__ = [
    "best_of_n",
    "kl_bon",
    "win_rate_bon",
    "mean_reward_bon",
    "kl_bon_bound",
    "win_rate_bound",
]

#: Largest number of bits an exact result may need before exact mode refuses.
EXACT_BIT_LIMIT = 2_000_000


# ---------------------------------------------------------------------------
# the float kernel

def _float_kernel(law, order):
    """float64 per-atom quantities of BoN_n on the support of ``law``.

    Returns a dict: ``support`` (mask over all atoms), ``start`` (the first
    support atom whose BoN mass does not underflow; all below have q = 0),
    and over the support atoms from ``start`` on: ``q``, ``lr`` = log(q/p),
    ``pn`` (= p/T) and ``F``.  No masks in the hot path: ``F`` increases
    along the atoms, so the branches (F <= 1/2, n log F > -750) are slices;
    temporaries are reused in place (allocation dominates at 1e6 atoms).
    ``h = n - 1`` is taken from the exact n, so an exactly given n just above
    1 is not rounded to 1.
    """
    nf, h = order.floats()
    key = ("fk", nf, h)
    cache = law._cache
    if key in cache:
        return cache[key]
    cdf = float_cdf(law)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        pn = np.divide(cdf.p, cdf.T)
        if nf == 2.0:
            out = _float_square(cdf, pn)
        else:
            out = _float_any_power(nf, h, cdf, cdf.F, pn)
    out["support"] = cdf.support
    for key_old in [kk for kk in cache if isinstance(kk, tuple) and kk[0] == "fk"][:-1]:
        del cache[key_old]
    cache[key] = out
    return out


def _float_square(cdf, pn):
    """n = 2: q/p = F_i + F_{i-1}, a sum of positive terms; log(q/p) = log1p(F_{i-1} - (1 - F_i)) above the median."""
    F = cdf.F
    G = cdf.prev() / cdf.T
    r = np.add(F, G)
    q = np.multiply(pn, r)
    k = cdf.median_index()
    lr = np.log(r)
    lr[k:] = np.log1p(G[k:] - cdf.tail(k) / cdf.T)
    return {"start": 0, "q": q, "lr": lr, "pn": pn, "F": F}


def _float_any_power(nf, h, cdf, F, pn):
    """Any real n = 1 + h, written so that nothing cancels, even as h -> 0.

    With ``D_i = log(F_{i-1}/F_i)``, ``e^D = G/F`` and ``expm1(D) = -p/F``:

    .. math:: \\log\\frac{q_i}{p_i} = h\\log F_i + \\log1p\\Big(-\\frac{G_i}{p_i}\\,\\mathrm{expm1}(h D_i)\\Big),
              \\qquad q_i = p_i\\, e^{\\log(q_i/p_i)} .

    Both terms are computed to full relative accuracy (``-G expm1(hD)/p`` is a
    product of positive factors), so ``lr = log(q/p)`` is accurate to a few
    ulps of its terms and ``q`` to a few ulps of itself.
    """
    logF = cdf.log_F()
    # atoms whose BoN mass underflows (q_i <= F_i^n < e^-750) form a prefix
    j = int(np.searchsorted(logF, -750.0 / nf, side="right"))
    pj, pn, F, logF = cdf.p[j:], pn[j:], F[j:], logF[j:]
    Gj = cdf.prev(j)
    D = cdf.log_steps(j, Gj)
    # y = -G expm1(h D) / p
    D *= h
    y = np.expm1(D, out=D)
    y *= Gj
    np.divide(y, pj, out=y)
    np.negative(y, out=y)
    lr = np.log1p(y, out=y)
    logF *= h
    lr += logF
    q = np.exp(lr)
    q *= pn
    return {"start": j, "q": q, "lr": lr, "pn": pn, "F": F}


def _kl_from_kernel(k, h):
    """KL = sum q lr; near n = 1 as the sum of non-negative terms p phi(q/p - 1)."""
    if h >= 0.5:
        q, lr = k["q"], k["lr"]
        ok = q > 0  # an underflowed q carries no mass, whatever its log
        return float(np.dot(q, lr) if ok.all() else np.dot(q[ok], lr[ok]))
    from .divergences import phi_relative

    lr = k["lr"]
    d = np.expm1(lr)
    return float(np.dot(k["pn"], phi_relative(d, lr)))


def _full(law, kernel):
    """The BoN pmf over all atoms (zeros off the support and below ``start``)."""
    support, j, q = kernel["support"], kernel["start"], kernel["q"]
    if support.all() and j == 0:
        return q
    sup = np.zeros(int(support.sum()), dtype=np.float64)
    sup[j:] = q
    out = np.zeros(len(law), dtype=np.float64)
    out[support] = sup
    return out


# ---------------------------------------------------------------------------
# the exact kernel

def _exact_pmf(law, order):
    """SymPy pmf entries (zero atoms included) and the Rational probabilities."""
    import sympy

    if law.kind != "exact":
        raise TypeError(
            f"exact=True needs exact probabilities (ints, Fractions, strings like '1/3' or SymPy "
            f"Rationals); this law holds {law.kind} values: use dps=k for high precision instead"
        )
    nn = order.sympy()
    if order.kind in ("int", "rational"):
        bits = max(f.denominator.bit_length() + f.numerator.bit_length() for f in law.fractions())
        if float(order.as_fraction()) * bits > EXACT_BIT_LIMIT:
            raise ValueError(
                f"an exact result at n = {order.value} would need about "
                f"{int(float(order.as_fraction()) * bits)} bits per atom; use dps=k instead"
            )
    ps = [sympy.Rational(f.numerator, f.denominator) for f in law.fractions()]
    qs = []
    F_prev = sympy.Integer(0)
    for pi in ps:
        F = F_prev + pi
        if pi == 0:
            qs.append(sympy.Integer(0))
        elif F_prev == 0:
            qs.append(F**nn)
        else:
            qs.append(F**nn - F_prev**nn)
        F_prev = F
    return qs, ps


def _prepare(law, n, dps, exact):
    mode = resolve_mode(dps, exact)
    law = as_ranked(law)
    order = check_n(n, symbolic_ok=(mode == "exact"))
    return mode, law, order


def _require_rewards(law, what):
    if law.rewards is None:
        raise ValueError(f"{what} needs rewards: build the law as Ranked(probs, rewards=...)")


# ---------------------------------------------------------------------------
# public API

def best_of_n(law, n, *, dps=None):
    """The best-of-n law: pmf ``F_i**n - F_{i-1}**n`` (THEORY.md B3, B4).

    Exact laws with an integer ``n`` stay exact (Fractions); float laws, and
    exact laws with a non-integer ``n``, give a float law; mp laws, or
    ``dps=k``, give a law of mpf values certified to ``k`` digits.  A real
    ``n >= 1`` means the law with CDF ``F**n``.

    >>> best_of_n(Ranked(["1/2", "1/2"]), 2).probs
    (Fraction(1, 4), Fraction(3, 4))
    >>> best_of_n([0.5, 0.5], 2).probs
    array([0.25, 0.75])
    """
    law = as_ranked(law)
    order = check_n(n)
    if dps is None and law.kind == "mp":
        dps = mpmath.mp.dps
    if dps is not None:
        resolve_mode(dps)
        balls = {}

        def compute(prec):
            from .balls import bon_balls

            balls["pmf"] = bon_balls(law, order, {"pmf"})["pmf"]
            worst = None
            for b in balls["pmf"]:
                if not b.is_zero() and (worst is None or b.rel_accuracy_bits() < worst.rel_accuracy_bits()):
                    worst = b
            return worst

        arb_eval(compute, dps)
        probs = [mpf_from_arb(b, dps) if not b.is_zero() else mpmath.mpf(0) for b in balls["pmf"]]
        return Ranked._raw("mp", probs, law.rewards, law.ties)
    if law.kind == "exact" and order.kind == "int":
        m = order.value
        bits = max(f.denominator.bit_length() for f in law.fractions())
        if m * bits > EXACT_BIT_LIMIT:
            raise ValueError(
                f"the exact best-of-{m} law would need about {m * bits} bits per atom; "
                "pass dps=k for a certified high-precision law, or float probabilities")
        F_prev = Fraction(0)
        qs = []
        for f in law.fractions():
            F = F_prev + f
            qs.append(F**m - F_prev**m if f else Fraction(0))
            F_prev = F
        return Ranked._raw("exact", qs, law.rewards, law.ties)
    if order.is_one:
        return Ranked._raw("float", law.float_probs()[0] / law.float_probs()[1], law.rewards, law.ties)
    k = _float_kernel(law, order)
    return Ranked._raw("float", _full(law, k), law.rewards, law.ties)


def kl_bon(law, n, *, dps=None, exact=False):
    """KL(BoN_n(p) || p) = sum_i q_i log(q_i / p_i) (THEORY.md B7).

    Strictly below ``log n - (n-1)/n`` for finite laws and n >= 2 (B8).

    >>> from fractions import Fraction
    >>> kl_bon([Fraction(1, 2), Fraction(1, 2)], 2, exact=True)
    -log(2)/4 + 3*log(3/2)/4
    >>> print(mpmath.nstr(kl_bon([0.5, 0.5], 2, dps=25), 25))
    0.1308120359411369591292018
    """
    mode, law, order = _prepare(law, n, dps, exact)
    if mode == "exact":
        import sympy

        qs, ps = _exact_pmf(law, order)
        return sympy.Add(*[q * sympy.log(q / p) for q, p in zip(qs, ps) if p != 0])
    if order.is_one or _support_size(law) == 1:
        return mpmath.mpf(0) if mode == "mp" else 0.0
    if mode == "mp":
        from .balls import bon_balls

        return arb_eval(lambda prec: bon_balls(law, order, {"kl"}, prec)["kl"], dps,
                        extra_bits=_extra_bits(law, order))
    k = _float_kernel(law, order)
    return _kl_from_kernel(k, order.floats()[1])


def win_rate_bon(law, n, *, dps=None, exact=False):
    """Win rate of BoN_n(p) against p: P(X > Y) + P(X = Y)/2 (THEORY.md B22, B23).

    ``W_n = sum_i q_i (F_{i-1} + p_i/2)``; at most ``n/(n+1)`` (B24).

    >>> win_rate_bon(["1/2", "1/2"], 3, exact=True)
    11/16
    >>> win_rate_bon([0.5, 0.5], 3)
    0.6875
    """
    mode, law, order = _prepare(law, n, dps, exact)
    if mode == "exact":
        import sympy

        qs, ps = _exact_pmf(law, order)
        F, w = sympy.Integer(0), sympy.Integer(0)
        for q, p in zip(qs, ps):
            w += q * (F + p / 2)
            F += p
        return w
    if order.is_one:
        return mpmath.mpf(1) / 2 if mode == "mp" else 0.5
    if mode == "mp":
        from .balls import bon_balls

        return arb_eval(lambda prec: bon_balls(law, order, {"win"}, prec)["win"], dps,
                        extra_bits=_extra_bits(law, order))
    k = _float_kernel(law, order)
    return float(np.dot(k["q"], k["F"] - 0.5 * k["pn"]))


def mean_reward_bon(law, n, *, dps=None, exact=False):
    """Expected reward of BoN_n(p): ``sum_i q_i r_i`` (needs rewards).

    >>> law = Ranked(["1/2", "1/2"], rewards=[0, 1])
    >>> mean_reward_bon(law, 2, exact=True)
    3/4
    >>> mean_reward_bon(Ranked([0.5, 0.5], rewards=[0.0, 1.0]), 2)
    0.75
    """
    mode, law, order = _prepare(law, n, dps, exact)
    _require_rewards(law, "mean_reward_bon")
    if mode == "exact":
        import sympy

        from .numbers import to_sympy

        if not all(isinstance(r, Fraction) for r in law.rewards):
            raise TypeError("exact=True needs exact rewards (ints, Fractions, strings like '1/3' "
                            "or SymPy Rationals); got floating-point (float or mpf) rewards: use dps=k instead")
        qs, _ = _exact_pmf(law, order)
        return sympy.Add(*[q * to_sympy(r) for q, r in zip(qs, law.rewards)])
    if mode == "mp":
        from .balls import bon_balls

        exact_value = _cheap_exact_mean(law, order)
        if exact_value is not None:
            from .numbers import mpf_of_fraction

            return mpf_of_fraction(exact_value, dps)
        return arb_eval(lambda prec: bon_balls(law, order, {"mean"}, prec)["mean"], dps,
                        extra_bits=_extra_bits(law, order))
    if order.is_one:
        p, T = law.float_probs()
        return float(np.sum((p / T) * law.float_rewards()))
    k = _float_kernel(law, order)
    r = law.float_rewards()[k["support"]][k["start"]:]
    return float(np.dot(k["q"], r))


def _cheap_exact_mean(law, order, limit=200_000):
    """The mean as an exact Fraction when n is an integer and that is cheap (n bits L <= limit), else None."""
    if order.kind != "int":
        return None
    fr = law.fractions()
    bits = max(f.denominator.bit_length() for f in fr)
    if order.value * bits * len(fr) > limit:
        return None
    rs = law.reward_fractions()
    m = order.value
    total, F_prev = Fraction(0), Fraction(0)
    for f, r in zip(fr, rs):
        F = F_prev + f
        if f:
            total += (F**m - F_prev**m) * r
        F_prev = F
    return total


def _support_size(law):
    p = law.probs
    return int(np.count_nonzero(p)) if isinstance(p, np.ndarray) else sum(1 for x in p if x != 0)


def _extra_bits(law, order):
    return order.bits() + int(math.log2(len(law) + 1)) + 8


# ---------------------------------------------------------------------------
# the continuous (atomless) values: the bounds

def kl_bon_bound(n, *, dps=None, exact=False):
    """``log n - (n-1)/n``: the KL of continuous best-of-n, an upper bound for every law (B7, B8).

    With a SymPy symbol returns the expression; with a number a float (an mpf
    with ``dps=k``; a SymPy expression with ``exact=True``).  Accurate near
    ``n = 1`` (where it is ``(n-1)**2/2 + ...``).

    >>> kl_bon_bound(2)
    0.1931471805599453
    >>> import sympy
    >>> kl_bon_bound(sympy.Symbol("n"))
    log(n) - (n - 1)/n
    >>> kl_bon_bound(1 + 2**-30)  # (n-1)**2/2 - 2(n-1)**3/3 + ...
    4.33680868455672...e-19
    """
    sym = _maybe_symbolic(n)
    if sym is not None:
        import sympy

        if resolve_mode(dps, exact) == "mp":
            raise ValueError("a symbolic n gives a SymPy expression; dps=k needs a numeric n")
        return sympy.log(sym) - (sym - 1) / sym
    mode = resolve_mode(dps, exact)
    order = check_n(n, symbolic_ok=False)
    if mode == "exact":
        import sympy

        nn = order.sympy()
        return sympy.log(nn) - (nn - 1) / nn
    if order.is_one:
        return mpmath.mpf(0) if mode == "mp" else 0.0
    if mode == "mp":
        from .balls import _order_ball

        def compute(prec):
            t = _order_ball(order) - 1
            return t.log1p() - t / (1 + t)

        return arb_eval(compute, dps)
    x, t = order.floats()
    if t < 0.1:
        return _kbar_series(t)
    return math.log1p(t) - t / x


def _kbar_series(t):
    # sum_{k>=2} (-1)^k (k-1)/k t^k, Horner from the top; |t| < 0.1, 40 terms
    s = 0.0
    for k in range(40, 1, -1):
        s = s * t + (-1) ** k * (k - 1) / k
    return s * t * t


def win_rate_bound(n, *, dps=None, exact=False):
    """``n/(n+1)``: the win rate of continuous best-of-n, an upper bound for every law (B23, B24).

    >>> win_rate_bound(3)
    0.75
    >>> import sympy
    >>> win_rate_bound(sympy.Symbol("n"))
    n/(n + 1)
    """
    sym = _maybe_symbolic(n)
    if sym is not None:
        if resolve_mode(dps, exact) == "mp":
            raise ValueError("a symbolic n gives a SymPy expression; dps=k needs a numeric n")
        return sym / (sym + 1)
    mode = resolve_mode(dps, exact)
    order = check_n(n)
    if mode == "exact":
        nn = order.sympy()
        return nn / (nn + 1)
    if mode == "mp":
        f = order.as_fraction()
        r = f / (f + 1)
        from .numbers import mpf_of_fraction

        return mpf_of_fraction(r, dps)
    x = order.floats()[0]
    return x / (x + 1.0)


def _maybe_symbolic(n):
    if type(n).__module__.startswith("sympy") and getattr(n, "free_symbols", None):
        return n
    return None
