"""Independent oracles for best-of-n (BoN) quantities.

Nothing here imports ``bonsym``: every oracle is derived from first principles
(THEORY.md B2-B6, B7, B22-B23) so that tests comparing the library to these
functions are independent checks.

* :func:`bon_bruteforce` enumerates all n-tuples of draws with exact rationals.
* :func:`win_rate_pairs` enumerates all pairs (X, Y) of atoms.
* :func:`kl_mp` evaluates KL with mpmath at high precision from exact Fractions.
* :func:`sample_bon` is a Monte Carlo sampler of BoN with ``numpy.random.default_rng``.
* :func:`bon_pmf_naive_mp` evaluates q_i = F_i^n - F_{i-1}^n at high precision.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Sequence

import mpmath
import numpy as np


# --------------------------------------------------------------------------- helpers
def fractions_from_weights(weights: Sequence[int]) -> list[Fraction]:
    """Normalise positive integer weights into exact probabilities."""
    total = sum(weights)
    return [Fraction(w, total) for w in weights]


def cumulative(probs: Sequence[Fraction]) -> list[Fraction]:
    """F_0 = 0, F_1, ..., F_L (exact partial sums)."""
    out = [Fraction(0)]
    for p in probs:
        out.append(out[-1] + Fraction(p))
    return out


def _mpf_from_fraction(x: Fraction) -> mpmath.mpf:
    x = Fraction(x)
    return mpmath.mpf(x.numerator) / x.denominator


# --------------------------------------------------------------------------- (a) brute force
def _sorted_positions(probs, rewards):
    """Stable sort of the atoms by reward: list of original indices in sorted order."""
    if rewards is None:
        return list(range(len(probs)))
    return sorted(range(len(probs)), key=lambda i: rewards[i])  # sorted() is stable


def bon_bruteforce(probs, n: int, rewards=None, ties: str = "ordered"):
    """Exact best-of-n law by enumerating all ``len(probs)**n`` n-tuples of atom indices.

    ``probs`` are exact (Fractions/ints).  Without rewards the atoms are assumed to be in
    increasing reward order with distinct rewards (reward of atom i is i).

    ties="ordered": the winner of a tuple is the atom with maximal reward; among atoms with
        the maximal reward the one with the highest position in the *stable* reward sort
        (i.e. the later one in the input) wins.  Returns ``(rewards_sorted, pmf)`` with one
        entry per atom, in sorted order.
    ties="merge": the winner is chosen uniformly at random among the *draws* attaining the
        maximal reward; afterwards atoms with equal reward are lumped into one atom.  Returns
        ``(distinct_rewards_sorted, pmf)``.
    """
    probs = [Fraction(p) for p in probs]
    L = len(probs)
    rew = list(range(L)) if rewards is None else list(rewards)
    order = _sorted_positions(probs, rewards)
    pos_of = {orig: k for k, orig in enumerate(order)}  # original index -> sorted position
    per_atom = [Fraction(0)] * L  # indexed by original index
    for tup in itertools.product(range(L), repeat=n):
        w = Fraction(1)
        for i in tup:
            w *= probs[i]
        if w == 0:
            continue
        best = max(rew[i] for i in tup)
        if ties == "ordered":
            winner = max((i for i in tup if rew[i] == best), key=lambda i: pos_of[i])
            per_atom[winner] += w
        elif ties == "merge":
            winners = [i for i in tup if rew[i] == best]  # draws (with multiplicity)
            share = w / len(winners)
            for i in winners:
                per_atom[i] += share
        else:
            raise ValueError(f"unknown ties rule {ties!r}")
    if ties == "ordered":
        return [rew[i] for i in order], [per_atom[i] for i in order]
    levels = sorted(set(rew))
    lumped = [sum((per_atom[i] for i in range(L) if rew[i] == lv), Fraction(0)) for lv in levels]
    return levels, lumped


def bon_bruteforce_per_atom_merge(probs, n: int, rewards):
    """Uniform random tie-break, *not* lumped: per-atom BoN probability (original order)."""
    probs = [Fraction(p) for p in probs]
    L = len(probs)
    per_atom = [Fraction(0)] * L
    for tup in itertools.product(range(L), repeat=n):
        w = Fraction(1)
        for i in tup:
            w *= probs[i]
        best = max(rewards[i] for i in tup)
        winners = [i for i in tup if rewards[i] == best]
        for i in winners:
            per_atom[i] += w / len(winners)
    return per_atom


def merged_reference(probs, rewards):
    """Reference law lumped by equal rewards: (levels, probs)."""
    levels = sorted(set(rewards))
    return levels, [sum((Fraction(p) for p, r in zip(probs, rewards) if r == lv), Fraction(0))
                    for lv in levels]


def sorted_reference(probs, rewards):
    """Reference law in stable reward order: (rewards_sorted, probs_sorted)."""
    order = _sorted_positions(probs, rewards)
    rew = list(range(len(probs))) if rewards is None else list(rewards)
    return [rew[i] for i in order], [Fraction(probs[i]) for i in order]


# --------------------------------------------------------------------------- (b) win rate
def win_rate_pairs(p, q) -> Fraction:
    """W = P(X > Y) + 1/2 P(X = Y), X ~ p (first law), Y ~ q, atoms ranked by position."""
    p = [Fraction(x) for x in p]
    q = [Fraction(x) for x in q]
    assert len(p) == len(q)
    total = Fraction(0)
    for i, j in itertools.product(range(len(p)), repeat=2):
        if i > j:
            total += p[i] * q[j]
        elif i == j:
            total += p[i] * q[j] / 2
    return total


def mean_exact(probs, rewards) -> Fraction:
    return sum((Fraction(p) * Fraction(r) for p, r in zip(probs, rewards)), Fraction(0))


# --------------------------------------------------------------------------- (c) KL
def kl_mp(p, q, dps: int = 60) -> mpmath.mpf:
    """KL(p || q) = sum p_i log(p_i / q_i) at ``dps`` digits from exact Fractions.

    The ratio p_i/q_i is formed exactly, so each term has a single rounding.
    Returned value keeps the working precision (a ``dps``-digit mpf).
    """
    with mpmath.workdps(dps + 10):
        total = mpmath.mpf(0)
        for a, b in zip(p, q):
            a, b = Fraction(a), Fraction(b)
            if a == 0:
                continue
            if b == 0:
                return mpmath.inf
            total += _mpf_from_fraction(a) * mpmath.log(_mpf_from_fraction(a / b))
    with mpmath.workdps(dps):
        return +total


def rel_err(a, b) -> mpmath.mpf:
    """|a - b| / |b| evaluated at 80 digits (|a - b| if b == 0)."""
    with mpmath.workdps(80):
        a = mpmath.mpf(a) if not isinstance(a, Fraction) else _mpf_from_fraction(a)
        b = mpmath.mpf(b) if not isinstance(b, Fraction) else _mpf_from_fraction(b)
        d = abs(a - b)
        return d / abs(b) if b != 0 else d


def binary_entropy_mp(x, dps: int = 60) -> mpmath.mpf:
    with mpmath.workdps(dps + 10):
        x = _mpf_from_fraction(Fraction(x))
        val = -x * mpmath.log(x) - (1 - x) * mpmath.log1p(-x)
    with mpmath.workdps(dps):
        return +val


# --------------------------------------------------------------------------- (d) Monte Carlo
def sample_bon(probs, n: int, size: int, seed: int) -> np.ndarray:
    """Empirical BoN pmf: ``size`` rounds of n iid draws (atoms in increasing reward order,
    distinct rewards); the winner is the largest index.  Returns frequencies per atom."""
    rng = np.random.default_rng(seed)
    p = np.asarray(probs, dtype=float)
    draws = rng.choice(len(p), size=(size, n), p=p / p.sum())
    winners = draws.max(axis=1)
    return np.bincount(winners, minlength=len(p)) / size


# --------------------------------------------------------------------------- naive formula at high precision
def bon_quantities_naive_mp(probs_exact, n: int, extra_dps: int = 60):
    """KL(BoN_n || p) and win rate W_n from q_i = F_i^n - F_{i-1}^n at high precision.

    ``probs_exact`` are Fractions (e.g. exact values of float inputs).  F are exact partial
    sums; the working precision is ``extra_dps + log10(n) + 20`` digits, enough to absorb the
    condition number of x -> x**n (about n) and the cancellation in F_i^n - F_{i-1}^n.
    Returns (kl, win) as mpf at ``extra_dps`` digits.
    """
    F = cumulative(probs_exact)
    dps = extra_dps + int(math.log10(max(n, 1))) + 20
    with mpmath.workdps(dps):
        Fm = [_mpf_from_fraction(f) for f in F]
        powers = [f ** n for f in Fm]
        kl = mpmath.mpf(0)
        win = mpmath.mpf(0)
        for i in range(1, len(F)):
            q = powers[i] - powers[i - 1]
            if q != 0:
                kl += q * mpmath.log(q / _mpf_from_fraction(Fraction(probs_exact[i - 1])))
            win += q * (Fm[i] + Fm[i - 1]) / 2
    with mpmath.workdps(extra_dps):
        return +kl, +win
