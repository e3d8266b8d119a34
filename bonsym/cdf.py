"""The reference CDF of a float law, in log space, without cancellation (float path).

For atoms in increasing reward order with probabilities ``p_i`` (total ``T``):

* ``P_i = p_1 + ... + p_i`` (compensated prefix sums), ``F_i = P_i / T``;
* ``log F_i``, as ``log(F_i)`` where ``F_i <= 1/2`` and as
  ``log1p(-(1 - F_i))`` above, with the tails ``1 - F_i`` summed from the top;
* ``D_i = log(F_{i-1} / F_i)``, as ``log1p(-p_i / P_i)`` where ``p_i <= P_i/2``
  (all but at most ~1100 atoms, since each other atom at least doubles ``F``)
  and as ``log(P_{i-1} / P_i)`` there; ``D_1 = -inf``.

``F`` increases along the atoms, so the branches are slices, not masks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .summation import compensated_cumsum, suffix_sums

__all__ = ["FloatCDF", "float_cdf"]


@dataclass
class FloatCDF:
    support: np.ndarray  # mask over all atoms: p > 0
    p: np.ndarray  # support probabilities (not normalised)
    P: np.ndarray  # compensated prefix sums
    T: float  # total

    @property
    def F(self):
        return self.P / self.T

    def median_index(self):
        """The first atom with F > 1/2 (atoms before it have F <= 1/2)."""
        return int(np.searchsorted(self.P, 0.5 * self.T, side="right"))

    def tail(self, k):
        """Unnormalised tails ``T(1 - F_i)`` for the atoms from ``k`` on, compensated, from the top."""
        return suffix_sums(self.p[k:])

    def log_F(self):
        """``log F_i`` for every support atom (no cancellation near F = 1)."""
        p, P, T = self.p, self.P, self.T
        k = self.median_index()
        out = np.empty_like(p)
        np.divide(P[:k], T, out=out[:k])
        np.log(out[:k], out=out[:k])
        np.divide(self.tail(k), -T, out=out[k:])
        np.log1p(out[k:], out=out[k:])
        return out

    def prev(self, j=0):
        """``P_{i-1}`` for the atoms from ``j`` on (0 below the first atom)."""
        G = np.empty(self.P.size - j)
        G[1:] = self.P[j:-1]
        if G.size:
            G[0] = self.P[j - 1] if j > 0 else 0.0
        return G

    def log_steps(self, j=0, G=None):
        """``D_i = log(F_{i-1}/F_i)`` for the atoms from ``j`` on (``-inf`` for the first atom)."""
        pj, Pj = self.p[j:], self.P[j:]
        D = np.divide(pj, Pj)
        big = np.flatnonzero(D > 0.5)
        np.negative(D, out=D)
        with np.errstate(divide="ignore"):
            np.log1p(D, out=D)
            if big.size:
                G = self.prev(j) if G is None else G
                D[big] = np.log(G[big] / Pj[big])
        return D


def float_cdf(law):
    """The :class:`FloatCDF` of a :class:`~bonsym.laws.Ranked` law (cached on it)."""
    cache = law._cache
    if "cdf" not in cache:
        p_all = law.float_array()
        support = p_all > 0
        p = p_all if support.all() else p_all[support]
        P = compensated_cumsum(p)
        cache["cdf"] = FloatCDF(support, p, P, float(P[-1]))
    return cache["cdf"]
