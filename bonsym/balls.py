"""Best-of-n and divergences in python-flint Arb balls (the ``dps=`` path).

Every input is first turned into an exact rational (a float *is* a dyadic
rational; an mpf too), normalised exactly, and its prefix sums ``F_i`` and
tails ``1 - F_i`` are formed exactly in ``fmpq``.  Only then does rounding
start, inside Arb balls whose radii track every error, so the result of
:func:`bonsym.numbers.arb_eval` is certified.  The per-atom formulas are the
same cancellation-free ones as the float path (THEORY.md B3, B7, B23):

* ``log F_i`` as ``log F_i`` when ``F_i <= 1/2``, else ``log1p(-(1 - F_i))``;
* ``D_i = log(F_{i-1}/F_i)`` as ``log1p(-p_i/F_i)`` when ``p_i <= F_i/2``;
* ``q_i = exp(n log F_i) * (-expm1(n D_i))``.
"""
from __future__ import annotations

from fractions import Fraction

from .numbers import to_fraction_any

__all__ = ["law_fmpq", "bon_balls", "kl_ball"]


def _fmpq(x):
    from flint import fmpq

    f = to_fraction_any(x) if not isinstance(x, Fraction) else x
    return fmpq(f.numerator, f.denominator)


def law_fmpq(law):
    """Exactly normalised probabilities of ``law`` as fmpq (cached on the law)."""
    cache = law._cache
    if "fmpq" not in cache:
        from flint import fmpq

        if law.kind == "float":
            vals = [fmpq(*float(x).as_integer_ratio()) for x in law.probs]
        else:
            vals = [_fmpq(x) for x in law.probs]
        total = fmpq(0)
        for v in vals:
            total += v
        if total != 1:
            vals = [v / total for v in vals]
        cache["fmpq"] = vals
    return cache["fmpq"]


def _rewards_fmpq(law):
    if law.rewards is None:
        return None
    from flint import fmpq

    if law.rewards is not None and hasattr(law.rewards, "dtype"):
        return [fmpq(*float(x).as_integer_ratio()) for x in law.rewards]
    return [_fmpq(x) for x in law.rewards]


def _order_ball(order):
    from flint import arb

    if order.kind == "int":
        return arb(order.value)
    f = order.as_fraction()
    return arb(_fmpq(f))


def bon_balls(law, order, want):
    """Arb balls of best-of-n quantities at the current flint precision.

    ``want`` is a set drawn from ``{"pmf", "kl", "win", "mean"}``.  Returns a
    dict with the requested entries (``"pmf"`` is a list of balls, one per
    atom, zero atoms included).
    """
    from flint import arb, fmpq

    probs = law_fmpq(law)
    rewards = _rewards_fmpq(law) if "mean" in want else None
    n = _order_ball(order)
    half = fmpq(1, 2)
    zero = arb(0)
    pmf = [] if "pmf" in want else None
    kl = arb(0)
    win = arb(0)
    mean = arb(0)
    prev = fmpq(0)
    for i, p in enumerate(probs):
        if p == 0:
            if pmf is not None:
                pmf.append(zero)
            continue
        P = prev + p
        if P <= half:
            logF = arb(P).log()
        else:
            logF = (-arb(1 - P)).log1p()
        a = n * logF
        if prev == 0:
            M = arb(1)
            logM = arb(0)
        else:
            ratio = p / P
            if ratio <= half:
                D = (-arb(ratio)).log1p()
            else:
                D = arb(prev / P).log()
            M = -((n * D).expm1())
            logM = M.log()
        q = a.exp() * M
        if pmf is not None:
            pmf.append(q)
        if "kl" in want:
            kl += q * (a + logM - arb(p).log())
        if "win" in want:
            win += q * arb(P - p * half)
        if "mean" in want:
            mean += q * arb(rewards[i])
        prev = P
    out = {}
    if pmf is not None:
        out["pmf"] = pmf
    if "kl" in want:
        out["kl"] = kl
    if "win" in want:
        out["win"] = win
    if "mean" in want:
        out["mean"] = mean
    return out


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
