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


# =========================================================================== issue 4 oracles
# Mroueh (THEORY.md M13-M16): f-divergences of finite laws, the continuous-BoN values
# D_f(Beta(n,1) || U(0,1)) = int_0^1 f(n u^(n-1)) du (closed forms typed from M16 and
# quadrature), and the law of the maximum of n iid Exp(1).  Nothing imports bonsym.

DIVERGENCE_KINDS = ("kl", "reverse_kl", "chi2", "tv", "hellinger", "renyi", "js")


def fdiv_exact_rational(kind: str, p, q):
    """chi2 = sum (p-q)^2/q and tv = 1/2 sum |p-q| as exact Fractions (None if infinite)."""
    p = [to_fraction_exact(x) for x in p]
    q = [to_fraction_exact(x) for x in q]
    assert len(p) == len(q)
    if kind == "tv":
        return sum((abs(a - b) for a, b in zip(p, q)), Fraction(0)) / 2
    if kind == "chi2":
        total = Fraction(0)
        for a, b in zip(p, q):
            if b == 0:
                if a != 0:
                    return None
                continue
            total += (a - b) ** 2 / b
        return total
    raise ValueError(kind)


def fdiv_mp(kind: str, p, q, alpha=None, dps: int = 50) -> mpmath.mpf:
    """D(p || q) between two finite laws given exactly (Fractions, ints, "a/b", binary floats),
    from the textbook definitions, at ``dps`` digits; +inf when not absolutely continuous.

    kl = sum p log(p/q); reverse_kl = KL(q || p); chi2 = sum (p-q)^2/q; tv = 1/2 sum |p-q|;
    hellinger = 1 - sum sqrt(p q); renyi = log(sum p^a q^(1-a))/(a-1) (a = 1: KL);
    js = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p+q)/2.  Natural logarithms throughout.
    """
    p = [to_fraction_exact(x) for x in p]
    q = [to_fraction_exact(x) for x in q]
    assert len(p) == len(q)
    if kind in ("chi2", "tv"):
        v = fdiv_exact_rational(kind, p, q)
        if v is None:
            return mpmath.inf
        with mpmath.workdps(dps):
            return _mpf_from_fraction(v)
    if kind == "kl":
        return kl_mp(p, q, dps)
    if kind == "reverse_kl":
        return kl_mp(q, p, dps)
    wp = dps + 20
    with mpmath.workdps(wp):
        if kind == "hellinger":
            bc = mpmath.fsum(mpmath.sqrt(_mpf_from_fraction(a * b)) for a, b in zip(p, q))
            v = 1 - bc
        elif kind == "js":
            v = mpmath.mpf(0)
            for a, b in zip(p, q):
                m = (a + b) / 2
                if a:
                    v += _mpf_from_fraction(a) * mpmath.log(_mpf_from_fraction(a / m))
                if b:
                    v += _mpf_from_fraction(b) * mpmath.log(_mpf_from_fraction(b / m))
            v /= 2
        elif kind == "renyi":
            if alpha is None:
                raise ValueError("alpha required")
            al = to_fraction_exact(alpha)
            assert al > 0
            if al == 1:
                return kl_mp(p, q, dps)
            a_mp = _mpf_from_fraction(al)
            s = mpmath.mpf(0)
            for a, b in zip(p, q):
                if a == 0:
                    continue
                if b == 0:
                    if al > 1:
                        return mpmath.inf
                    continue
                # p^a q^(1-a) = p (p/q)^(a-1): one ratio, one power
                s += _mpf_from_fraction(a) * _mpf_from_fraction(a / b) ** (a_mp - 1)
            if s == 0:
                return mpmath.inf
            v = mpmath.log(s) / (a_mp - 1)
        else:
            raise ValueError(kind)
    with mpmath.workdps(dps):
        return +v


def bon_closed_mp(kind: str, n, alpha=None, dps: int = 50) -> mpmath.mpf:
    """D(P_n || Unif) typed from THEORY.md M16 (P_n = Beta(n,1), density n u^(n-1)), real n >= 1.

    kl: log n - (n-1)/n; reverse_kl: n - 1 - log n; chi2: (n-1)^2/(2n-1);
    tv: (n-1) n^(-n/(n-1)); hellinger: (sqrt n - 1)^2/(n+1);
    renyi: log(n^a / (a(n-1)+1))/(a-1) (a = 1: kl);
    js: log 2 + 1/2 log n - log(n+1) + m/2 - m/(2n) - m^2 I0/(2n), m = n-1,
        I0 = 2F1(1, 1/m; 1+1/m; -n).
    """
    nf = to_fraction_exact(n)
    assert nf >= 1
    if nf == 1:
        return mpmath.mpf(0)
    with mpmath.workdps(dps + 25):
        nn = _mpf_from_fraction(nf)
        m = _mpf_from_fraction(nf - 1)  # exact n - 1: n may be within 1e-20 of 1
        if kind == "kl" or (kind == "renyi" and to_fraction_exact(alpha) == 1):
            v = mpmath.log(nn) - m / nn
        elif kind == "reverse_kl":
            v = m - mpmath.log(nn)
        elif kind == "chi2":
            v = m ** 2 / (2 * nn - 1)
        elif kind == "tv":
            v = m * nn ** (-nn / m)
        elif kind == "hellinger":
            v = (mpmath.sqrt(nn) - 1) ** 2 / (nn + 1)
        elif kind == "renyi":
            a = _mpf_from_fraction(to_fraction_exact(alpha))
            v = mpmath.log(nn ** a / (a * m + 1)) / (a - 1)
        elif kind == "js":
            I0 = mpmath.hyp2f1(1, 1 / m, 1 + 1 / m, -nn)
            v = (mpmath.log(2) + mpmath.log(nn) / 2 - mpmath.log(nn + 1) + m / 2 - m / (2 * nn)
                 - m ** 2 * I0 / (2 * nn))
        else:
            raise ValueError(kind)
    with mpmath.workdps(dps):
        return +v


def generator_mp(kind: str, alpha=None):
    """The convex generator f(t) (mpmath) with D_f(P||Q) = E_Q f(dP/dQ), for the f-divergence kinds.

    Renyi is not an f-divergence itself: its generator here is t^a (the integral H_a of
    int (dP/dQ)^a dQ), turned into D_a = log(H_a)/(a-1) by :func:`bon_quad_mp`."""
    if kind == "kl":
        return lambda t: t * mpmath.log(t) if t != 0 else mpmath.mpf(0)
    if kind == "reverse_kl":
        return lambda t: -mpmath.log(t)
    if kind == "chi2":
        return lambda t: (t - 1) ** 2
    if kind == "tv":
        return lambda t: abs(t - 1) / 2
    if kind == "hellinger":
        return lambda t: (mpmath.sqrt(t) - 1) ** 2 / 2
    if kind == "js":
        def js(t):
            s = (1 + t)
            a = t * mpmath.log(2 * t / s) if t != 0 else mpmath.mpf(0)
            return (a + mpmath.log(2 / s)) / 2
        return js
    if kind == "renyi":
        a = alpha
        return lambda t: t ** a
    raise ValueError(kind)


def bon_quad_mp(kind_or_f, n, alpha=None, dps: int = 50) -> mpmath.mpf:
    """int_0^1 f(n u^(n-1)) du by mpmath.quad at dps + 20 digits, the interval split at
    u* = n^(-1/(n-1)) (where the likelihood ratio crosses 1; TV has a kink there) and
    halfway to 1.  ``kind_or_f`` is a kind name or an mpmath-callable generator f."""
    nf = to_fraction_exact(n)
    with mpmath.workdps(dps + 20):
        nn = _mpf_from_fraction(nf)
        a_mp = _mpf_from_fraction(to_fraction_exact(alpha)) if alpha is not None else None
        if isinstance(kind_or_f, str):
            f = generator_mp(kind_or_f, a_mp)
        else:
            f = kind_or_f
        if nf == 1:
            pts = [mpmath.mpf(0), mpmath.mpf(1)]
        else:
            us = nn ** (-1 / (nn - 1))
            pts = [mpmath.mpf(0), us / 2, us, (us + 1) / 2, mpmath.mpf(1)]
        val = mpmath.quad(lambda u: f(nn * u ** (nn - 1)), pts)
        if kind_or_f == "renyi":
            if a_mp == 1:
                val = mpmath.quad(lambda u: generator_mp("kl")(nn * u ** (nn - 1)), pts)
            else:
                val = mpmath.log(val) / (a_mp - 1)
    with mpmath.workdps(dps):
        return +val


# ---------------------------------------------------------------- maximum of n iid Exp(1) (M13)
def harmonic_exact(n: int, k: int = 1) -> Fraction:
    """H_n^(k) = sum_{j<=n} j^(-k)."""
    return sum((Fraction(1, j ** k) for j in range(1, n + 1)), Fraction(0))


def exp_max_cumulant_exact(n: int, k: int) -> Fraction:
    """k-th cumulant of max of n Exp(1) = sum of those of E_j/j: (k-1)! sum_j j^(-k)."""
    return math.factorial(k - 1) * harmonic_exact(n, k)


def exp_max_cdf_mp(x, n, dps: int = 50) -> mpmath.mpf:
    with mpmath.workdps(dps + 20):
        x = mpf_exact(x)
        v = (-mpmath.expm1(-x)) ** n if x > 0 else mpmath.mpf(0)
    with mpmath.workdps(dps):
        return +v


def exp_max_pdf_mp(x, n, dps: int = 50) -> mpmath.mpf:
    with mpmath.workdps(dps + 20):
        x = mpf_exact(x)
        v = n * (-mpmath.expm1(-x)) ** (n - 1) * mpmath.exp(-x) if x >= 0 else mpmath.mpf(0)
    with mpmath.workdps(dps):
        return +v


def exp_max_cgf_quad_mp(t, n, dps: int = 40) -> mpmath.mpf:
    """log E exp(t M), M = max of n Exp(1), as log of mpmath.quad of
    int_0^inf e^(t x) n (1 - e^-x)^(n-1) e^-x dx (t < 1)."""
    with mpmath.workdps(dps + 20):
        tt = mpf_exact(t)
        assert tt < 1
        dens = lambda x: mpmath.exp(tt * x) * n * (-mpmath.expm1(-x)) ** (n - 1) * mpmath.exp(-x)
        mgf = mpmath.quad(dens, [0, 1, 4, 16, 64, mpmath.inf])
        v = mpmath.log(mgf)
    with mpmath.workdps(dps):
        return +v


def exp_max_cgf_product_mp(t, n: int, dps: int = 40) -> mpmath.mpf:
    """Same from the Rényi representation: sum_j log(j/(j - t)) (E_j/j has MGF j/(j-t))."""
    with mpmath.workdps(dps + 20):
        tt = mpf_exact(t)
        v = mpmath.fsum(mpmath.log(j / (j - tt)) for j in range(1, n + 1))
    with mpmath.workdps(dps):
        return +v


def ks_two_sample(a, b) -> float:
    """sup_x |F_a(x) - F_b(x)| of two empirical CDFs."""
    a = np.sort(np.asarray(a, dtype=float))
    b = np.sort(np.asarray(b, dtype=float))
    allx = np.concatenate([a, b])
    fa = np.searchsorted(a, allx, side="right") / a.size
    fb = np.searchsorted(b, allx, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def ks_one_sample(a, cdf) -> float:
    """sup_x |F_emp(x) - cdf(x)| (cdf vectorised over numpy arrays)."""
    a = np.sort(np.asarray(a, dtype=float))
    N = a.size
    c = cdf(a)
    i = np.arange(1, N + 1)
    return float(max(np.max(i / N - c), np.max(c - (i - 1) / N)))
