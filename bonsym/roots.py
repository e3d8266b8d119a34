"""Certified inversion of monotone functions in Arb balls.

To evaluate ``g(x*)`` where ``f(x*) = y`` and ``f`` is increasing, start from
a bracket guessed by the caller (from asymptotics), widen it geometrically
until ``f(lo) < y < f(hi)`` is *certified* (Arb comparisons), bisect on ``x``
with ball evaluations of ``f`` (a step is taken only when the ball of
``f(mid)`` lies entirely on one side of ``y``), then enclose ``g(x*)`` by the
union of ``g`` on the final bracket (``g`` monotone).  The result is a ball
that certainly contains the true value.

When the bracket cannot be certified at the working precision (the balls of
``f`` at the guesses keep overlapping ``y``), :func:`solve_increasing`
returns an Arb NaN: :func:`bonsym.numbers.arb_eval` then raises the precision
and tries again, exactly as for a ball that is too wide.
"""
from __future__ import annotations

__all__ = ["bracket_increasing", "solve_increasing"]


def _exact(x):
    """An exact dyadic point inside the ball ``x`` (its midpoint)."""
    from flint import arb

    return arb(x.mid())


def bracket_increasing(f, y, lo, hi, *, max_steps=40, floor=None):
    """Widen ``[lo, hi]`` (0 < lo < hi) until ``f(lo) < y < f(hi)`` holds in certified ball arithmetic.

    ``hi`` is multiplied and ``lo`` divided by factors 2, 4, 16, 256, ...
    (geometric steps in log space, the exponent capped at 2**16), so a guess
    that is off by a factor ``F`` costs about ``log2(log2(F))`` steps.  ``lo`` never goes below ``floor``
    (exclusive lower end of the domain of ``f``, if any): the step halves the
    distance to it instead.  Returns ``(lo, hi)`` as exact arbs, or ``None``
    when the bracket cannot be certified within ``max_steps`` at the current
    precision (the caller should ask for more bits).
    """
    from flint import arb

    lo, hi = _exact(lo), _exact(hi)
    k = 1
    for _ in range(max_steps):
        fh = f(hi)
        if fh > y:
            break
        lo_new = hi if fh < y else lo  # below the target: hi is a valid lower end
        lo, hi = lo_new, _exact(hi * arb(2) ** k)
        k = min(2 * k, 1 << 16)
    else:
        return None
    k = 1
    for _ in range(max_steps):
        fl = f(lo)
        if fl < y:
            return lo, hi
        if fl > y:
            hi = lo
        if floor is None:
            lo = _exact(lo / arb(2) ** k)
        else:
            lo = _exact(floor + (lo - floor) / arb(2) ** k)
        k = min(2 * k, 1 << 16)
    return None


def _size(x):
    """About log2|x| of an exact nonzero arb (any exponent)."""
    man, exp = x.mid().man_exp()
    return int(exp) + int(man).bit_length() if man != 0 else -(1 << 62)


def solve_increasing(f, y, g, prec, *, lo, hi, floor=None):
    """A ball containing ``g(x)`` where ``f(x) = y`` (``f`` increasing, ``g`` monotone on the bracket).

    ``lo < hi`` are positive starting guesses for a bracket (widened if
    needed, see :func:`bracket_increasing`).  The bracket then shrinks until
    its relative width is about ``2**-(prec-8)``: while it spans more than a
    factor 4, by geometric-mean bisection; then by a safeguarded secant step
    (the two points ``x -+ eps`` around the regula-falsi point ``x``, ``eps``
    a little above the expected secant error and above the resolution of the
    balls of ``f``, each kept only if the ball of ``f`` there is certified on
    one side of ``y``), falling back to plain
    bisection whenever a step does not halve the bracket.  When no
    point can be separated from ``y`` at this precision it stops (the final
    union is then wider and the caller raises the precision).  Returns an
    Arb NaN when no bracket can be certified at this precision.
    """
    from flint import arb

    br = bracket_increasing(f, y, lo, hi, floor=floor)
    if br is None:
        return arb("nan")
    lo, hi = br
    ym = arb(y.mid())
    fl, fh = f(lo), f(hi)
    flo, fhi = arb(fl.mid()), arb(fh.mid())
    noise = arb(max(fl.rad(), fh.rad(), y.rad()))
    bisect_next = False
    for _ in range(2 * prec + 64):
        width = hi - lo
        if _size(width) < _size(hi) - prec - 4:
            break
        if floor is None and hi > 4 * lo:
            points = [_exact((lo * hi).sqrt())]
        elif bisect_next or not (fhi > flo):
            points = [_exact((lo + hi) / 2)]
        else:
            # regula falsi: error about |f''/f'| width^2 / 4, and |f''/f'| ~ 1/x for the curves here,
            # so try x -+ eps with eps = hi 2^(6 - 2a) (a = current relative bits), but not below the
            # resolution of f (8 radii of its balls, divided by the slope), where they would be undecided
            a = _size(hi) - _size(width)
            slope = (fhi - flo) / width
            eps = max(hi / arb(2) ** max(2 * a - 6, 0), 8 * noise / slope)
            if eps * 4 >= width:
                points = [_exact((lo + hi) / 2)]
            else:
                x = _exact(lo + (ym - flo) / slope)
                eps = _exact(eps)
                points = [_exact(x - eps), _exact(x + eps)]  # exact dyadics: a rounded ball point stalls the secant
        old_width = width
        moved = False
        for p in points:
            if not (lo < p < hi):
                continue
            fp = f(p)
            noise = max(noise, arb(fp.rad()))
            if fp < y:
                lo, flo, moved = p, arb(fp.mid()), True
            elif fp > y:
                hi, fhi, moved = p, arb(fp.mid()), True
        if not moved:
            if len(points) == 1:
                break  # f(mid) cannot be separated from y at this precision
            bisect_next = True
            continue
        bisect_next = (hi - lo) * 2 > old_width
    return g(lo).union(g(hi))
