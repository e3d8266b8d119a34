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

__all__ = ["compensated_cumsum", "suffix_sums", "dd_total"]


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
    """The sum of ``x`` as a double-double ``(hi, lo)``: ``hi`` correctly rounded, ``hi + lo`` exact to ~1e-32.

    >>> dd_total([1.0, 1e-20])
    (1.0, 1e-20)
    """
    import math

    x = np.asarray(x, dtype=np.float64)
    hi = math.fsum(x)
    lo = math.fsum(np.append(x, -hi))
    return hi, lo
