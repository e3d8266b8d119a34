"""Win rate versus KL: the tradeoff curves of THEORY.md B28-B32.

Points are ``(KL, win rate)`` against the reference.

* **continuous best-of-n** (B29): ``(log t - (t-1)/t, t/(t+1))`` for real ``t >= 1``;
* **optimal tilt** (B30): in quantile space the policy with density
  ``f_c(u) = c e^{cu}/(e^c - 1)`` maximises the win rate ``W(c) = 1/(1-e^{-c}) - 1/c``
  at its KL ``KL(c) = log(c/(e^c - 1)) + c W(c)``; every policy, discrete or
  not, lies on or below this curve;
* **rewind-and-repeat** (B28): ``W = 1 - e^{-KL}/2``;
* **discrete best-of-n** of a given law: :func:`bon_points`.

Every value is computed in Arb balls and certified (``dps=k`` returns an mpf
correct to k digits); the float result is the certified value rounded to a
double.  Inverting a curve (e.g. the optimal win rate at a KL budget) is a
certified root enclosure (:mod:`bonsym.roots`) in a variable suited to the
regime (tilt ``c``, or ``u = 1 - 1/t`` near ``t = 1``), started from the
asymptotics; budgets so large that the win rate is 1 to working precision
are answered from a rigorous bound.

>>> round(optimal_win_rate(0.5), 10)
0.7737303119
>>> bon_curve(2)
(0.19314718055994531, 0.6666666666666666)
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from .numbers import arb_eval, check_dps, to_fraction_any

__all__ = [
    "bon_curve",
    "bon_curve_win_rate",
    "optimal_tilt",
    "optimal_win_rate",
    "optimal_kl",
    "rewind_repeat_win_rate",
    "rewind_repeat_points",
    "bon_points",
]

_FLOAT_DPS = 20  # float results: the certified 20-digit value rounded to a double


def _ball(x):
    from flint import arb, fmpq

    f = to_fraction_any(x)
    return arb(fmpq(f.numerator, f.denominator))


def _finish(compute, dps, extra_bits=10):
    if dps is None:
        return float(arb_eval(compute, _FLOAT_DPS, extra_bits=extra_bits))
    return arb_eval(compute, check_dps(dps), extra_bits=extra_bits)


def _check_real(x, what, lo=None, hi=None, hi_open=False):
    """x as an exact Fraction, checked to lie in [lo, hi] (or [lo, hi))."""
    if isinstance(x, bool):
        raise TypeError(f"{what} must be a real number, got the bool {x!r}")
    try:
        f = to_fraction_any(x)
    except TypeError:
        raise TypeError(f"{what} must be a real number, got {x!r}") from None
    except (ValueError, OverflowError):
        raise ValueError(f"{what} must be a finite real number, got {x!r}") from None
    if lo is not None and f < lo:
        raise ValueError(f"{what} must be >= {lo}, got {x}")
    if hi is not None and (f > hi or (hi_open and f == hi)):
        raise ValueError(f"{what} must be {'<' if hi_open else '<='} {hi}, got {x}")
    return f


# -- the curves as balls -------------------------------------------------------------------
#
# Each function takes an Arb ball (usually an exact dyadic point) and returns a
# ball certainly containing the value, without catastrophic cancellation: small
# arguments use a power series with a rigorous tail bound, moderate ones the
# closed form with the few guard bits its (bounded) cancellation costs, huge ones
# a monotone bound on the exponentially small terms.

_HUGE_LOG2 = 40  # c >= 2**40: e^{-c} < 2**-(1.5e12), below any precision bonsym uses


def _log2_size(x):
    """About log2|x| (an int) of a nonzero ball, from its midpoint; works for any exponent."""
    man, exp = x.mid().man_exp()
    return int(exp) + int(man).bit_length() if man != 0 else -(10 ** 18)


def _tiny(bound):
    """The ball [-bound, bound] for a nonnegative arb ``bound`` (rigorous: uses its upper end)."""
    from flint import arb

    return arb(0, bound.upper())


def _use_series(log2_x, prec, per_term_factor):
    """True when a power series in x converges in at most ~48 terms at ``prec`` bits."""
    return -log2_x * per_term_factor >= (prec + 32) / 48


_BERN_COEFFS = []  # a_n = B_{2n} / (2n)!  (exact), n = 1, 2, ...


def _bern_coeff(n):
    from flint import fmpq

    while len(_BERN_COEFFS) < n:
        m = len(_BERN_COEFFS) + 1
        _BERN_COEFFS.append(fmpq.bernoulli(2 * m) / fmpq(math.factorial(2 * m)))
    return _BERN_COEFFS[n - 1]


def _bern_series(c, kl):
    """W(c) - 1/2 = sum a_n c^(2n-1)   or   KL(c) = sum a_n (2n-1)/(2n) c^(2n),   a_n = B_{2n}/(2n)!.

    From c/(e^c - 1) = sum B_k c^k/k!: W - 1/2 = (coth(c/2) - 2/c)/2, and
    KL'(c) = c W'(c) (exponential family) integrates termwise.  Tail:
    |a_n| = 2 zeta(2n)/(2 pi)^(2n) <= 3.3/(2 pi)^(2n), so with q = (c/2pi)^2 the
    terms after n = N are at most 3.3 q^(N+1)/(1-q) (times 1/c for W).
    """
    from flint import arb, ctx

    prec = ctx.prec
    cu = abs(c).upper()
    q = (cu / (2 * arb.pi())) ** 2
    q = q.upper()
    # terms needed: q^(N+1) <= 2^-(prec+20) * c^2
    lq = _log2_size(q)
    lc = _log2_size(cu)
    need = prec + 24 - 2 * lc
    n_terms = max(1, min(4000, -(-need // max(1, -lq - 1))))
    c2 = c * c
    total = arb(0)
    power = c2 if kl else c  # c^(2n) for KL, c^(2n-1) for W
    for n in range(1, n_terms + 1):
        a = arb(_bern_coeff(n))
        if kl:
            total += a * power * (2 * n - 1) / (2 * n)
        else:
            total += a * power
        power = power * c2
    tail = 33 * q ** (n_terms + 1) / (10 * (1 - q))
    if not kl:
        tail = tail / abs(c).lower()
    return total + _tiny(tail)


def _inv_expm1(c):
    """1/(e^c - 1) for a ball c >= 1 (a rigorous bound for huge c)."""
    from flint import arb

    if _log2_size(c) > _HUGE_LOG2:
        b = 1 / arb(2 ** _HUGE_LOG2).expm1()  # 1/(e^c - 1) is decreasing
        return arb(0).union(b.upper())
    return 1 / c.expm1()


def _tilt_win_half(c):
    """W(c) - 1/2 for the tilt, c > 0 (B30)."""
    from flint import ctx

    lc = _log2_size(c)
    if lc <= -4 and _use_series(lc, ctx.prec, 2):
        return _bern_series(c, kl=False)
    if lc <= 1:  # 1/(1-e^{-c}) - 1/c - 1/2 cancels about 2 log2(1/c) + 4 bits
        with ctx.extraprec(2 * max(0, -lc) + 12):
            return 1 / (-(-c).expm1()) - 1 / c - 0.5
    return 0.5 - 1 / c + _inv_expm1(c)


def _tilt_win_comp(c):
    """1 - W(c) = 1/c - 1/(e^c - 1) for the tilt, c > 0."""
    if _log2_size(c) <= 1:
        return 0.5 - _tilt_win_half(c)
    return 1 / c - _inv_expm1(c)


def _tilt_win_ball(c):
    """W(c) = 1/(1-e^{-c}) - 1/c."""
    if _log2_size(c) <= 1:
        return 0.5 + _tilt_win_half(c)
    return 1 - _tilt_win_comp(c)


def _tilt_kl_ball(c):
    """KL(c) = log(c/(e^c - 1)) + c W(c) = log(c/(1-e^{-c})) - 1 + c/(e^c - 1), c > 0 (B30)."""
    from flint import arb, ctx

    lc = _log2_size(c)
    if lc <= -4 and _use_series(lc, ctx.prec, 2):
        return _bern_series(c, kl=True)
    if lc <= _HUGE_LOG2:
        # log(c/(1-e^{-c})) - 1 + c/(e^c-1): cancels about 2 log2(1/c) + 5 bits for small c, none for large c
        with ctx.extraprec(2 * max(0, -lc) + 14):
            return (c / (-(-c).expm1())).log() - 1 + c / c.expm1()
    # log c - 1 + eps(c), eps(c) = -log(1-e^{-c}) + c/(e^c-1) positive and decreasing
    h = arb(2 ** _HUGE_LOG2)
    eps = -(-(-h).exp()).log1p() + h / h.expm1()
    return c.log() - 1 + arb(0).union(eps.upper())


def _kbar_u_ball(u):
    """Kbar = log t - 1 + 1/t = -log(1-u) - u = sum_{k>=2} u^k/k, with u = 1 - 1/t in [0, 1)."""
    from flint import arb, ctx

    lu = _log2_size(u)
    if lu <= -3 and _use_series(lu, ctx.prec, 1):
        # terms after k = N: at most u^(N+1)/((N+1)(1-u))
        need = ctx.prec + 24 - 2 * lu
        n_terms = max(2, min(4000, -(-need // max(1, -lu - 1)) + 1))
        total, power = arb(0), u * u
        for k in range(2, n_terms + 1):
            total += power / k
            power = power * u
        uu = abs(u).upper()
        return total + _tiny(uu ** (n_terms + 1) / ((n_terms + 1) * (1 - uu)))
    with ctx.extraprec(max(0, -lu) + 12):
        return -(-u).log1p() - u


def _kbar_t_ball(t):
    """Kbar = log t - 1 + 1/t for t >= 2 (no cancellation there)."""
    return t.log() - 1 + 1 / t


def _budget_is_huge(K, prec):
    """True when e^{1-K} < 2^-(prec + 24): the win rate at budget K is 1 to working precision."""
    return K > 2 and K > Fraction(7, 10) * (prec + 24) + 1


# -- public API ------------------------------------------------------------------------------

def bon_curve(t, *, dps=None):
    """``(log t - (t-1)/t, t/(t+1))``: continuous best-of-n at real ``t >= 1`` (B29).

    >>> [round(x, 12) for x in bon_curve(8)]
    [1.20444154168, 0.888888888889]
    """
    f = _check_real(t, "t", lo=1)
    if f == 1:
        return (0.0, 0.5) if dps is None else (mpmath.mpf(0), mpmath.mpf(0.5))
    u = (f - 1) / f  # 1 - 1/t: the series variable near t = 1
    if u < Fraction(1, 2):
        kl = _finish(lambda prec: _kbar_u_ball(_ball(u)), dps)
    else:
        kl = _finish(lambda prec: _kbar_t_ball(_ball(f)), dps)
    win = _finish(lambda prec: _ball(f / (f + 1)), dps)
    return kl, win


def bon_curve_win_rate(kl, *, dps=None):
    """Win rate of continuous best-of-n at KL ``kl``: ``t/(t+1)`` with ``log t - (t-1)/t = kl``.

    >>> round(bon_curve_win_rate(math.log(2) - 0.5), 12)
    0.666666666667
    """
    K = _check_real(kl, "kl", lo=0)
    if K == 0:
        return 0.5 if dps is None else mpmath.mpf(0.5)
    from flint import arb

    from .roots import solve_increasing

    def compute(prec):
        Kb = _ball(K)
        if _budget_is_huge(K, prec):
            # log t = K + 1 - 1/t >= K, so 0 < 1 - W = 1/(t+1) < e^{-K}, below the working precision
            return 1 - arb(0).union((-Kb).exp().upper())
        if K < Fraction(1, 10):
            # u = 1 - 1/t: Kbar = sum_{k>=2} u^k/k lies in [u^2/2, u^2] for u <= 1/2, so u* is in [u0/2, 2 u0]
            u0 = (2 * Kb).sqrt()
            return solve_increasing(_kbar_u_ball, Kb, lambda u: 1 / (2 - u), prec, lo=u0 / 2, hi=2 * u0)
        # log t = K + 1 - 1/t: t* in [e^K, e^{K+1}]
        return solve_increasing(_kbar_t_ball, Kb, lambda t: 1 - 1 / (t + 1), prec,
                                lo=Kb.exp().lower(), hi=2 * (Kb + 1).exp().upper(), floor=arb(1))

    return _finish(compute, dps, extra_bits=20)


def optimal_tilt(c, *, dps=None):
    """``(KL(c), W(c))`` of the optimal tilt ``f_c(u) = c e^{cu}/(e^c - 1)`` in quantile space (B30).

    >>> [round(x, 10) for x in optimal_tilt(2)]
    [0.1515959239, 0.6565176427]
    """
    f = _check_real(c, "c", lo=0)
    if f == 0:
        return (0.0, 0.5) if dps is None else (mpmath.mpf(0), mpmath.mpf(0.5))
    kl = _finish(lambda prec: _tilt_kl_ball(_ball(f)), dps, extra_bits=20)
    win = _finish(lambda prec: _tilt_win_ball(_ball(f)), dps, extra_bits=20)
    return kl, win


def optimal_win_rate(kl_budget, *, dps=None):
    """The largest win rate of any policy at ``KL <= kl_budget`` (B30; the BoNBoN tilt, F4).

    V6 of THEORY.md: at the KL of best-of-2 the optimum is 0.675906819269219653 (BoN: 2/3).

    >>> import mpmath
    >>> from bonsym import kl_bon_bound
    >>> mpmath.nstr(optimal_win_rate(kl_bon_bound(2, dps=40), dps=18), 18)
    '0.675906819269219653'
    """
    K = _check_real(kl_budget, "kl_budget", lo=0)
    if K == 0:
        return 0.5 if dps is None else mpmath.mpf(0.5)
    from flint import arb

    from .roots import solve_increasing

    def compute(prec):
        Kb = _ball(K)
        if _budget_is_huge(K, prec):
            # KL(c) = log c - 1 + eps(c) with 0 < eps(c) <= eps(1) < 1.05 for c >= 1, so c* >= e^{K-1}
            # and 0 < 1 - W(c*) <= 1/c* <= e^{1-K}, below the working precision
            return 1 - arb(0).union((1 - Kb).exp().upper())
        if K <= 2:  # KL(c) ~ c^2/24 for small c
            c0 = (24 * Kb).sqrt()
            lo, hi = c0 / 4, 4 * c0
        else:  # KL(c) ~ log c - 1 for large c
            lo, hi = (Kb - 1).exp(), 2 * (Kb + 1).exp()
        return solve_increasing(_tilt_kl_ball, Kb, _tilt_win_ball, prec, lo=lo, hi=hi)

    return _finish(compute, dps, extra_bits=20)


def optimal_kl(win_rate, *, dps=None):
    """The least KL at which a policy reaches win rate ``win_rate`` in [1/2, 1): inverse of :func:`optimal_win_rate`.

    >>> round(optimal_kl(optimal_win_rate(0.5)), 12)
    0.5
    """
    w = _check_real(win_rate, "win_rate", lo=Fraction(1, 2), hi=1, hi_open=True)
    if w == 0.5:
        return 0.0 if dps is None else mpmath.mpf(0)
    from .roots import solve_increasing

    d = w - Fraction(1, 2)

    def compute(prec):
        if d <= Fraction(1, 4):
            # W - 1/2 ~ c/12 for small c (and <= c/12 always)
            db = _ball(d)
            return solve_increasing(_tilt_win_half, db, _tilt_kl_ball, prec, lo=6 * db, hi=24 * db)
        # 1 - W = 1/c - 1/(e^c - 1) ~ 1/c for large c; solve in the exact complement 1 - w
        vb = _ball(1 - w)
        return solve_increasing(lambda c: -_tilt_win_comp(c), -vb, _tilt_kl_ball, prec, lo=1 / (2 * vb), hi=2 / vb)

    return _finish(compute, dps, extra_bits=20)


def rewind_repeat_win_rate(kl_budget, *, dps=None):
    """``1 - e^{-K}/2``: the win rate of rewind-and-repeat at KL ``K`` (B28).

    >>> rewind_repeat_win_rate(0)
    0.5
    """
    K = _check_real(kl_budget, "kl_budget", lo=0)
    return _finish(lambda prec: 1 - (-_ball(K)).exp() / 2, dps)


def rewind_repeat_points(law, *, dps=None):
    """``[(k, KL, W), ...]`` of rewind-and-repeat onto the top-k atoms of ``law``, k = 1..L (B28).

    Resampling until the output is in the top set ``A`` gives ``KL = log(1/p(A))``
    and ``W = 1 - p(A)/2`` exactly (A is a top set, so the policy beats every
    atom below it and ties itself half the time).

    >>> [(k, round(kl, 6), w) for k, kl, w in rewind_repeat_points(["1/2", "1/4", "1/4"])]
    [(1, 1.386294, 0.875), (2, 0.693147, 0.75), (3, 0.0, 0.5)]
    """
    from .laws import as_ranked

    law = as_ranked(law)
    out, tail = [], Fraction(0)
    fr = law.fractions()
    for k in range(1, len(fr) + 1):
        tail += fr[-k]
        if tail == 0:
            continue
        mass = tail
        kl = _finish(lambda prec: -_ball(mass).log(), dps) if mass != 1 else (0.0 if dps is None else mpmath.mpf(0))
        win = _finish(lambda prec: 1 - _ball(mass) / 2, dps)
        out.append((k, kl, win))
    return out


def bon_points(law, ns, *, dps=None):
    """``[(n, KL_n, W_n), ...]``: the discrete best-of-n points of ``law`` for each n in ``ns``.

    >>> [(n, round(k, 6), round(w, 6)) for n, k, w in bon_points([0.5, 0.5], [1, 2])]
    [(1, 0.0, 0.5), (2, 0.130812, 0.625)]
    """
    from .bestofn import kl_bon, win_rate_bon
    from .laws import as_ranked

    law = as_ranked(law)
    return [(n, kl_bon(law, n, dps=dps), win_rate_bon(law, n, dps=dps)) for n in ns]
