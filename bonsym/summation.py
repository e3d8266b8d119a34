"""Error-free (compensated) cumulative sums for the float path.

A plain ``np.cumsum`` of L positive terms can be off by up to ``L`` units in
the last place; the tail sums ``1 - F_i`` that best-of-n needs at huge ``n``
must be accurate to a few units.  ``compensated_cumsum`` recovers the rounding
error of every addition with Knuth's TwoSum (vectorised: both operands of the
k-th addition are known arrays once the plain cumsum is computed) and adds the
running sum of those errors back, giving every prefix sum to about one ulp.

>>> import numpy as np
>>> x = np.array([1.0, 1e-16, 1e-16, 1e-16])
>>> float(np.cumsum(x)[-1]) == 1.0
True
>>> float(compensated_cumsum(x)[-1]) == 1.0 + 3e-16
True
"""
from __future__ import annotations

import numpy as np

__all__ = ["compensated_cumsum", "suffix_sums", "dd_total", "accurate_sum"]


def compensated_cumsum(x):
    """Prefix sums ``s_k = x_0 + ... + x_k`` accurate to ~1 ulp each.

    Uses ``s = cumsum(x)`` and the exact rounding error of each addition
    ``s_{k-1} + x_k -> s_k`` (TwoSum), whose own cumulative sum is added back.
    """
    x = np.asarray(x, dtype=np.float64)
    s = np.cumsum(x)
    if x.size < 2:
        return s
    a = s[:-1]
    t = s[1:]
    # TwoSum of the k-th addition a + b -> t: err = (a - (t - (t - a))) + (b - (t - a)), exactly
    bp = np.subtract(t, a)
    ap = np.subtract(t, bp)
    np.subtract(a, ap, out=ap)
    np.subtract(x[1:], bp, out=bp)
    np.add(ap, bp, out=ap)
    np.cumsum(ap, out=ap)
    t += ap
    return s


def suffix_sums(p):
    """Exclusive tail sums ``S[i] = p[i+1] + ... + p[-1]``, compensated, from the top.

    >>> suffix_sums([0.25, 0.25, 0.5]).tolist()
    [0.75, 0.5, 0.0]
    """
    p = np.asarray(p, dtype=np.float64)
    S = np.empty_like(p)
    if p.size:
        S[-1] = 0.0
        S[:-1] = compensated_cumsum(p[:0:-1])[::-1]
    return S


def dd_total(x):
    """The sum of ``x`` as a double-double ``(hi, lo)``: ``hi`` the rounded sum, ``hi + lo`` equal to the
    exact sum to ~1e-30 relative to ``sum |x|``.

    Short arrays use ``math.fsum``.  Long ones use error-free extraction
    (Rump, Ogita and Oishi's AccSum): with ``sigma`` a power of two above
    ``(L + 2) max |r|``, ``q = (sigma + r) - sigma`` is exact, the ``q`` are
    multiples of one unit and sum exactly in any order (``np.sum``), and
    ``r - q`` is exact and ``L eps`` times smaller; three passes leave a
    remainder below ``(2 L eps)^3 max |x|``, summed plainly.  Vectorised, it is
    several times faster than ``math.fsum`` on long arrays.

    >>> dd_total([1.0, 1e-20])
    (1.0, 1e-20)
    >>> hi, lo = dd_total(np.concatenate(([1.0], np.full(4000, 1e-17))))
    >>> hi == 1.0 + 4e-14 and abs(hi + lo - (1.0 + 4e-14)) < 1e-28
    True
    """
    import math

    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size <= _FSUM_BELOW or not np.all(np.isfinite(x)):
        return _fsum_dd(x)
    parts = []
    r = x
    grow = math.ceil(math.log2(x.size + 2))
    for _ in range(3):
        M = float(np.max(np.abs(r)))
        if M == 0.0:
            break
        if math.frexp(M)[1] + grow > 1000:  # sigma would overflow
            return _fsum_dd(x)
        sigma = math.ldexp(1.0, math.frexp(M)[1] + grow)
        q = (sigma + r) - sigma
        parts.append(float(np.sum(q)))  # exact: multiples of eps sigma, partial sums below sigma
        r = r - q                       # exact
    parts.append(float(np.sum(r)))
    hi = math.fsum(parts)
    lo = math.fsum(parts + [-hi])
    return hi, lo


def _fsum_dd(x):
    """``dd_total`` by ``math.fsum``; an infinite or nan sum (or one beyond the float range) as ``(sum, 0.0)``."""
    import math

    with np.errstate(over="ignore", invalid="ignore"):
        if not np.all(np.isfinite(x)):
            return float(np.sum(x)), 0.0
        try:
            hi = math.fsum(x)
        except OverflowError:  # the exact sum is beyond the float range
            return float(np.sum(x)), 0.0
    return hi, math.fsum(np.append(x, -hi))


def accurate_sum(x):
    """``sum(x)`` as a float, faithfully rounded for any length (see :func:`dd_total`).

    >>> accurate_sum([1e100, 1.0, -1e100])
    1.0
    """
    hi, lo = dd_total(x)
    return hi + lo


#: arrays up to this length are summed with math.fsum (correctly rounded; cheap when short)
_FSUM_BELOW = 512
