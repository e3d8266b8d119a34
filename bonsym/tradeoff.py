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
certified bisection (:mod:`bonsym.roots`).

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

def _kbar_ball(t):
    s = t - 1
    return s.log1p() - s / t


def _tilt_win_ball(c):
    return 1 / (-(-c).expm1()) - 1 / c


def _tilt_kl_ball(c):
    # log(c/(e^c - 1)) = log c - c - log(1 - e^{-c}), no overflow for large c
    return c.log() - c - (-((-c).expm1())).log() + c * _tilt_win_ball(c)


# -- public API ------------------------------------------------------------------------------

def bon_curve(t, *, dps=None):
    """``(log t - (t-1)/t, t/(t+1))``: continuous best-of-n at real ``t >= 1`` (B29).

    >>> [round(x, 12) for x in bon_curve(8)]
    [1.20444154168, 0.888888888889]
    """
    f = _check_real(t, "t", lo=1)
    if f == 1:
        return (0.0, 0.5) if dps is None else (mpmath.mpf(0), mpmath.mpf(0.5))
    kl = _finish(lambda prec: _kbar_ball(_ball(f)), dps)
    win = _finish(lambda prec: _ball(f) / (_ball(f) + 1), dps)
    return kl, win


def bon_curve_win_rate(kl, *, dps=None):
    """Win rate of continuous best-of-n at KL ``kl``: ``t/(t+1)`` with ``log t - (t-1)/t = kl``.

    >>> round(bon_curve_win_rate(math.log(2) - 0.5), 12)
    0.666666666667
    """
    K = _check_real(kl, "kl", lo=0)
    if K == 0:
        return 0.5 if dps is None else mpmath.mpf(0.5)
    from .roots import solve_increasing

    def compute(prec):
        # t = 1 + s, s > 0
        return solve_increasing(lambda s: _kbar_ball(1 + s), _ball(K), lambda s: (1 + s) / (2 + s), prec)

    return _finish(compute, dps, extra_bits=20)


def optimal_tilt(c, *, dps=None):
    """``(KL(c), W(c))`` of the optimal tilt ``f_c(u) = c e^{cu}/(e^c - 1)`` in quantile space (B30).

    >>> [round(x, 10) for x in optimal_tilt(2)]
    [0.1515959239, 0.6565176427]
    """
    f = _check_real(c, "c", lo=0)
    if f == 0:
        return (0.0, 0.5) if dps is None else (mpmath.mpf(0), mpmath.mpf(0.5))
    kl = _finish(lambda prec: _tilt_kl_ball(_ball(f)), dps, extra_bits=20 + 2 * max(0, -int(math.log2(f))))
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
    from .roots import solve_increasing

    def compute(prec):
        return solve_increasing(_tilt_kl_ball, _ball(K), _tilt_win_ball, prec)

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

    def compute(prec):
        return solve_increasing(_tilt_win_ball, _ball(w), _tilt_kl_ball, prec)

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
