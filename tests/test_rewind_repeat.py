"""Rewind-and-repeat points (B28) against the pairwise win-rate and KL oracles."""
from fractions import Fraction

import mpmath
import pytest

from bonsym.tradeoff import rewind_repeat_points, rewind_repeat_win_rate
from oracles import kl_mp, win_rate_pairs


@pytest.mark.parametrize("probs", [
    [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)],
    [Fraction(1, 10), Fraction(0), Fraction(3, 10), Fraction(6, 10)],
    [Fraction(1, 7)] * 7,
])
def test_points_match_the_conditioned_policy(probs):
    pts = rewind_repeat_points(probs, dps=30)
    support = [i for i, p in enumerate(probs) if p]
    assert len(pts) == len([k for k in range(1, len(probs) + 1) if sum(probs[-k:])])
    for k, kl, win in pts:
        top = list(range(len(probs) - k, len(probs)))
        mass = sum(probs[i] for i in top)
        policy = [probs[i] / mass if i in top else Fraction(0) for i in range(len(probs))]
        assert win == pytest.approx(float(win_rate_pairs(policy, probs)), abs=1e-15)
        with mpmath.workdps(40):
            assert abs(kl - kl_mp(policy, probs)) < mpmath.mpf(10) ** -28
        # on the closed-form curve W = 1 - exp(-KL)/2
        assert abs(rewind_repeat_win_rate(kl, dps=25) - win) < mpmath.mpf(10) ** -20
    assert support  # the law has mass


def test_bad_budget():
    with pytest.raises(ValueError, match="kl_budget"):
        rewind_repeat_win_rate(-1)
