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

__all__ = ["compensated_cumsum", "prefix_suffix"]


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
    b = x[1:]
    t = s[1:]
    # TwoSum: err = (a + b) - t exactly
    bp = t - a
    ap = t - bp
    err = (a - ap) + (b - bp)
    out = s.copy()
    out[1:] += np.cumsum(err)
    return out


def prefix_suffix(p):
    """Return ``(P, S, T)``: inclusive prefix sums, exclusive suffix sums, total.

    ``P[i] = p[0] + ... + p[i]``, ``S[i] = p[i+1] + ... + p[-1]`` (taken from
    the top, so small tails keep their relative accuracy), ``T = P[-1]``.
    """
    p = np.asarray(p, dtype=np.float64)
    P = compensated_cumsum(p)
    rev = compensated_cumsum(p[::-1])[::-1]  # rev[i] = p[i] + ... + p[-1]
    S = np.empty_like(p)
    S[:-1] = rev[1:]
    if p.size:
        S[-1] = 0.0
    T = float(P[-1]) if p.size else 0.0
    return P, S, T
