"""Certified inversion of monotone functions in Arb balls.

To evaluate ``g(c*)`` where ``f(c*) = y`` and ``f`` is increasing, bisect on
``c`` with ball evaluations of ``f`` (a step is taken only when the ball of
``f(mid)`` lies entirely on one side of ``y``), then enclose ``g(c*)`` by the
union of ``g`` on the final bracket (``g`` monotone).  The result is a ball
that certainly contains the true value; :func:`bonsym.numbers.arb_eval`
raises the precision until it is narrow enough.
"""
from __future__ import annotations

__all__ = ["bracket_increasing", "solve_increasing"]


def bracket_increasing(f, y, *, start=1, max_steps=4000):
    """``(lo, hi)`` (arb, exact dyadics, lo > 0) with ``f(lo) < y < f(hi)`` for increasing ``f`` on (0, inf)."""
    from flint import arb

    hi = arb(start)
    for _ in range(max_steps):
        if f(hi) > y:
            break
        hi = hi * 2
    else:
        raise ArithmeticError(f"no upper bracket found for target {y}")
    lo = hi / 2
    for _ in range(max_steps):
        if f(lo) < y:
            return lo, hi
        hi, lo = lo, lo / 2
    raise ArithmeticError(f"no lower bracket found for target {y}")


def solve_increasing(f, y, g, prec, *, start=1):
    """A ball containing ``g(c)`` where ``f(c) = y`` (``f`` increasing on (0, inf), ``g`` monotone).

    Bisects to about ``prec`` bits; when ``f(mid)`` cannot be separated from
    ``y`` at this precision, stops (the caller raises the precision).
    """
    lo, hi = bracket_increasing(f, y, start=start)
    for _ in range(prec + 8):
        mid = (lo + hi) / 2
        fm = f(mid)
        if fm < y:
            lo = mid
        elif fm > y:
            hi = mid
        else:
            break
    return g(lo).union(g(hi))
