"""Seeded random finite laws for instance checks.

The mix matters: uniform random (Dirichlet) laws miss the extreme cases where
bounds are nearly tight (THEORY.md B26), so the generator also draws two-atom
laws, laws with one heavy atom at the top or the bottom, and a tiny top atom.
All laws are exact (rational probabilities built from integer weights) so
every later computation is on the law itself, not on a rounding of it.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..laws import Ranked

__all__ = ["random_laws"]

_SCALE = 10**6


def _weights_to_law(w):
    w = [max(int(x), 1) for x in w]
    t = sum(w)
    return Ranked([Fraction(x, t) for x in w])


def random_laws(seed, count, *, max_atoms=12):
    """Yield ``count`` exact :class:`Ranked` laws from a seeded generator.

    >>> laws = list(random_laws(0, 5))
    >>> len(laws), all(law.kind == "exact" for law in laws)
    (5, True)
    """
    rng = np.random.default_rng(seed)
    shapes = ("dirichlet", "two", "top_heavy", "bottom_heavy", "tiny_top", "uniform")
    for i in range(count):
        shape = shapes[i % len(shapes)]
        L = int(rng.integers(2, max_atoms + 1))
        if shape == "dirichlet":
            alpha = float(rng.choice([0.2, 1.0, 5.0]))
            w = rng.dirichlet(np.full(L, alpha)) * _SCALE
        elif shape == "two":
            w = [rng.uniform(0.01, 0.99) * _SCALE, 0]
            w[1] = _SCALE - w[0]
        elif shape == "top_heavy":
            w = list(rng.uniform(0.1, 1, L - 1) * _SCALE / L) + [_SCALE * rng.uniform(1, 20)]
        elif shape == "bottom_heavy":
            w = [_SCALE * rng.uniform(1, 20)] + list(rng.uniform(0.1, 1, L - 1) * _SCALE / L)
        elif shape == "tiny_top":
            w = list(rng.uniform(0.5, 1, L - 1) * _SCALE) + [rng.uniform(1, 100)]
        else:
            w = [1] * L
        yield _weights_to_law(w)
