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


# =========================================================================== issue 3 oracles
# Beirami et al. (THEORY.md B10-B32): the KL gap, the estimator d_n, win-rate gaps, the
# top-atom bounds and the win-rate/KL tradeoff curves.  All from first principles, in mpmath
# at high precision (or exact Fractions); nothing imports bonsym.


def to_fraction_exact(x) -> Fraction:
    """Exact rational value of an int, Fraction, "a/b" string or (binary) float."""
    if isinstance(x, str):
        return Fraction(x)
    return Fraction(x)


def mpf_exact(x) -> mpmath.mpf:
    """mpf of the exact rational value of x at the *current* working precision."""
    if isinstance(x, mpmath.mpf):
        return +x
    return _mpf_from_fraction(to_fraction_exact(x))


def _working_dps(dps: int, *tiny) -> int:
    """dps plus enough guard digits for quantities as small as the given positive numbers."""
    extra = 0
    for t in tiny:
        t = float(t)
        if 0 < t < 1:
            extra = max(extra, int(-math.log10(t)) + 1)
    return dps + extra + 25


def kbar_mp(n, dps: int = 60) -> mpmath.mpf:
    """Kbar_n = log n - (n-1)/n (B7): the KL of Beta(n,1) from U(0,1)."""
    with mpmath.workdps(dps + 20 + int(math.log10(float(n)) + 1)):
        nn = mpf_exact(n)
        v = mpmath.log(nn) - (nn - 1) / nn
    with mpmath.workdps(dps):
        return +v


def kl_bin_mp(eps, n, dps: int = 60) -> mpmath.mpf:
    """KL_bin(eps) = (1-a^n) log((1-a^n)/eps) + (n-1) a^n log a, a = 1-eps (B15):
    the BoN KL of the two-atom law (rest, top) with top mass eps.  Written from scratch
    as sum q log(q/p) with q = (a^n, 1-a^n), p = (a, eps)."""
    eps = to_fraction_exact(eps)
    if eps == 1:
        return mpmath.mpf(0)
    wp = _working_dps(dps, eps, 1 / float(n) if float(n) > 1 else 1) + int(math.log10(float(n)) + 1)
    with mpmath.workdps(wp):
        e = _mpf_from_fraction(eps)
        a = _mpf_from_fraction(1 - eps)
        nn = mpf_exact(n)
        an = a ** nn
        top = 1 - an
        v = an * mpmath.log(an / a) if an != 0 else mpmath.mpf(0)
        if top != 0:
            v += top * mpmath.log(top / e)
    with mpmath.workdps(dps):
        return +v


def d_n_mp(eps, n, dps: int = 60) -> mpmath.mpf:
    """The estimator d_n(eps) of B16, naive formula at a working precision large enough
    for tiny eps and huge n; d_n(0) = Kbar_n, d_n(1) = 0, d_1 = 0."""
    eps = to_fraction_exact(eps)
    if eps == 0:
        return kbar_mp(n, dps)
    if eps == 1 or to_fraction_exact(n) == 1:
        return mpmath.mpf(0)
    wp = _working_dps(dps, eps) + 2 * int(math.log10(float(n)) + 1)
    with mpmath.workdps(wp):
        e = _mpf_from_fraction(eps)
        a = _mpf_from_fraction(1 - eps)
        nn = mpf_exact(n)
        an = a ** nn
        top = 1 - an
        v = an * (mpmath.log(nn) + (nn - 1) * mpmath.log(a) - (nn - 1) / nn)
        if top != 0:
            v += top * mpmath.log(top / e)
    with mpmath.workdps(dps):
        return +v


def _exact_law(probs) -> list[Fraction]:
    """Exact Fractions of the law, divided by their exact sum (float inputs: their binary values)."""
    fr = [to_fraction_exact(p) for p in probs]
    s = sum(fr, Fraction(0))
    return [f / s for f in fr] if s != 1 else fr


def kl_gap_per_atom_mp(probs, n, dps: int = 60) -> mpmath.mpf:
    """G_n = Kbar_n - KL_n as the sum over atoms [a,b] of B10's
    g = m log n + (n-1)(b^n log b - a^n log a) - (n-1) m / n - m log(m/p),  m = b^n - a^n.
    (derivation: int_a^b n u^(n-1) log(n u^(n-1)) du - m log(m/p); thin atoms cancel inside g,
    so the working precision carries 2*log10(1/h) guard digits.)  Real n >= 1 allowed."""
    law = _exact_law(probs)
    F = cumulative(law)
    minp = min((x for x in law if x > 0), default=Fraction(1))
    wp = dps + 2 * _working_dps(0, minp) + int(math.log10(float(n)) + 1) + 20
    with mpmath.workdps(wp):
        nn = mpf_exact(n)
        logn = mpmath.log(nn)
        total = mpmath.mpf(0)
        prev_pow = mpmath.mpf(0)
        prev_plog = mpmath.mpf(0)  # a^n log a, 0 at a = 0
        for i in range(1, len(F)):
            p = law[i - 1]
            b = _mpf_from_fraction(F[i])
            bpow = b ** nn
            bplog = bpow * mpmath.log(b) if b != 0 else mpmath.mpf(0)
            if p != 0:
                m = bpow - prev_pow
                g = m * logn + (nn - 1) * (bplog - prev_plog) - (nn - 1) * m / nn
                if m != 0:
                    g -= m * mpmath.log(m / _mpf_from_fraction(p))
                total += g
            prev_pow, prev_plog = bpow, bplog
    with mpmath.workdps(dps):
        return +total


def kl_gap_naive_mp(probs, n, dps: int = 60, guard: int = 40) -> mpmath.mpf:
    """G_n as the naive difference Kbar_n - sum q log(q/p) at dps + guard digits."""
    law = _exact_law(probs)
    kl_val, _ = bon_quantities_naive_mp(law, n, extra_dps=dps + guard) if isinstance(n, int) else (
        _kl_win_real_n_mp(law, n, dps + guard))
    with mpmath.workdps(dps + guard):
        v = kbar_mp(n, dps + guard) - kl_val
    with mpmath.workdps(dps):
        return +v


def _kl_win_real_n_mp(law, n, dps):
    """(KL_n, W_n) for a real n (CDF F^n) at dps digits (guard digits added inside)."""
    F = cumulative(law)
    with mpmath.workdps(dps + 30):
        nn = mpf_exact(n)
        Fm = [_mpf_from_fraction(f) for f in F]
        pw = [f ** nn for f in Fm]
        kl_val = mpmath.mpf(0)
        win = mpmath.mpf(0)
        for i in range(1, len(F)):
            q = pw[i] - pw[i - 1]
            if q != 0:
                kl_val += q * mpmath.log(q / _mpf_from_fraction(law[i - 1]))
            win += q * (Fm[i] + Fm[i - 1]) / 2
    with mpmath.workdps(dps):
        return +kl_val, +win


def kl_win_mp(probs, n, dps: int = 60):
    """(KL_n, W_n) of the law (exact values of the inputs), integer or real n."""
    law = _exact_law(probs)
    if isinstance(n, int):
        return bon_quantities_naive_mp(law, n, extra_dps=dps)
    return _kl_win_real_n_mp(law, n, dps)


def bon_pmf_exact(probs, n: int) -> list[Fraction]:
    """q_i = F_i^n - F_{i-1}^n with exact Fractions (B3; cross-checked against bon_bruteforce)."""
    F = cumulative([to_fraction_exact(p) for p in probs])
    return [F[i] ** n - F[i - 1] ** n for i in range(1, len(F))]


def win_rate_exact(probs, n: int) -> Fraction:
    """W_n = 1/2 sum (F_i^n - F_{i-1}^n)(F_i + F_{i-1}) (B23), exact."""
    F = cumulative([to_fraction_exact(p) for p in probs])
    return sum(((F[i] ** n - F[i - 1] ** n) * (F[i] + F[i - 1]) for i in range(1, len(F))),
               Fraction(0)) / 2


def win_gap_exact(probs, n: int) -> Fraction:
    """n/(n+1) - W_n, exact."""
    return Fraction(n, n + 1) - win_rate_exact(probs, n)


def win_gap_mp(probs, n, dps: int = 60) -> mpmath.mpf:
    """n/(n+1) - W_n for real n at dps digits (computed with plenty of guard digits)."""
    law = _exact_law(probs)
    _, w = _kl_win_real_n_mp(law, n, dps + 40)
    with mpmath.workdps(dps + 40):
        nn = mpf_exact(n)
        v = nn / (nn + 1) - w
    with mpmath.workdps(dps):
        return +v


def uniform_kl_gap_mp(L: int, n: int, dps: int = 60) -> mpmath.mpf:
    """Gap of the uniform law on L atoms, naive difference with integer arithmetic:
    q_i = (i^n - (i-1)^n) / L^n, KL = sum q_i log(q_i L) = sum q_i [log(i^n-(i-1)^n) - (n-1) log L]."""
    with mpmath.workdps(dps + 40):
        logL = mpmath.log(L)
        Ln = mpmath.mpf(L) ** n
        s = mpmath.mpf(0)
        for i in range(1, L + 1):
            k = i ** n - (i - 1) ** n
            s += k * mpmath.log(k)
        kl_val = s / Ln - (n - 1) * logL  # sum q_i = 1
        v = mpmath.log(n) - mpmath.mpf(n - 1) / n - kl_val
    with mpmath.workdps(dps):
        return +v


def uniform_win_gap_exact(L: int, n: int) -> Fraction:
    """n/(n+1) - W_n for the uniform law on L atoms: W = sum (i^n-(i-1)^n)(2i-1) / (2 L^(n+1))."""
    s = sum((i ** n - (i - 1) ** n) * (2 * i - 1) for i in range(1, L + 1))
    return Fraction(n, n + 1) - Fraction(s, 2 * L ** (n + 1))


def estimate_expected_mp(probs, n, dps: int = 60) -> mpmath.mpf:
    """E_{Y ~ BoN_n} d_n(p(Y)) = sum q_i d_n(p_i) (B16/B18)."""
    law = _exact_law(probs)
    F = cumulative(law)
    with mpmath.workdps(dps + 30):
        nn = mpf_exact(n)
        total = mpmath.mpf(0)
        for i in range(1, len(F)):
            if law[i - 1] == 0:
                continue
            q = _mpf_from_fraction(F[i]) ** nn - _mpf_from_fraction(F[i - 1]) ** nn
            total += q * d_n_mp(law[i - 1], n, dps + 30)
    with mpmath.workdps(dps):
        return +total


# ---------------------------------------------------------------- tradeoff curves (B28-B30)
def tilt_mp(c, dps: int = 60):
    """Optimal tilt f_c(u) = c e^(cu)/(e^c - 1) on [0,1] (B30): (KL(c), W(c)) with
    W(c) = int u f_c = 1/(1-e^-c) - 1/c and KL(c) = int f_c log f_c = log(c/(e^c-1)) + c W(c).
    c = 0 is the uniform law: (0, 1/2)."""
    c = mpf_exact(c) if not isinstance(c, mpmath.mpf) else c
    if c == 0:
        return mpmath.mpf(0), mpmath.mpf(1) / 2
    guard = 30 + (int(-math.log10(float(c))) * 3 if float(c) < 1 else 0)
    with mpmath.workdps(dps + guard):
        c = +c
        W = 1 / (-mpmath.expm1(-c)) - 1 / c
        K = mpmath.log(c / mpmath.expm1(c)) + c * W
    with mpmath.workdps(dps):
        return +K, +W


def _bisect_increasing(f, target, lo, hi, dps, iters=None):
    """Root of f(x) = target for increasing f on [lo, hi] by plain bisection at dps+20 digits."""
    with mpmath.workdps(dps + 20):
        lo, hi, target = mpmath.mpf(lo), mpmath.mpf(hi), mpmath.mpf(target)
        assert f(lo) <= target <= f(hi), "bracket does not contain the root"
        n_it = iters or int((dps + 10) * 3.33) + int(mpmath.log(hi - lo + 1, 2)) + 10
        for _ in range(n_it):
            mid = (lo + hi) / 2
            if f(mid) < target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


def optimal_c_mp(kl_budget, dps: int = 40) -> mpmath.mpf:
    """c* with KL(c*) = budget (KL(c) increasing: KL(c) ~ c^2/24 near 0, ~ log c - 1 at infinity)."""
    K = mpf_exact(kl_budget) if not isinstance(kl_budget, mpmath.mpf) else kl_budget
    if K <= 0:  # (a KL computed as 0 up to rounding)
        return mpmath.mpf(0)
    hi = mpmath.exp(K + 2) + 10
    return _bisect_increasing(lambda c: tilt_mp(c, dps + 20)[0] if c > 0 else mpmath.mpf(0), K, 0, hi, dps)


def optimal_win_rate_mp(kl_budget, dps: int = 40) -> mpmath.mpf:
    c = optimal_c_mp(kl_budget, dps)
    with mpmath.workdps(dps):
        return +tilt_mp(c, dps + 10)[1]


def optimal_kl_mp(win_rate, dps: int = 40) -> mpmath.mpf:
    """Inverse of optimal_win_rate: KL(c) with W(c) = win_rate (W increasing from 1/2 to 1, W ~ 1 - 1/c)."""
    w = mpf_exact(win_rate) if not isinstance(win_rate, mpmath.mpf) else win_rate
    if w <= mpmath.mpf(1) / 2:
        return mpmath.mpf(0)
    with mpmath.workdps(dps + 20):
        hi = 1 / (1 - w) + 10
    c = _bisect_increasing(lambda c: tilt_mp(c, dps + 20)[1] if c > 0 else mpmath.mpf(1) / 2, w, 0, hi, dps)
    with mpmath.workdps(dps):
        return +tilt_mp(c, dps + 10)[0]


def bon_t_from_kl_mp(kl_value, dps: int = 40) -> mpmath.mpf:
    """t >= 1 with log t - (t-1)/t = kl (increasing in t; e^K <= t <= e^(K+1) + 1)."""
    K = mpf_exact(kl_value) if not isinstance(kl_value, mpmath.mpf) else kl_value
    if K <= 0:
        return mpmath.mpf(1)
    with mpmath.workdps(dps + 20):
        lo = max(mpmath.mpf(1), mpmath.exp(K) * (1 - mpmath.mpf(10) ** -(dps + 10)))
        hi = mpmath.exp(K + 1) + 1
    return _bisect_increasing(lambda t: mpmath.log(t) - (t - 1) / t, K, lo, hi, dps)


def bon_curve_win_rate_mp(kl_value, dps: int = 40) -> mpmath.mpf:
    t = bon_t_from_kl_mp(kl_value, dps)
    with mpmath.workdps(dps):
        return +(t / (t + 1))
