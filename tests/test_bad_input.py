"""Bad input must raise ValueError or TypeError with a message naming the problem,
and must change nothing (no mutation of the caller's data, no leaked mpmath precision)."""
from __future__ import annotations

import copy
import math
from fractions import Fraction as Fr

import mpmath
import numpy as np
import pytest
import sympy

from bonsym import (
    Ranked,
    best_of_n,
    kl,
    kl_bon,
    kl_bon_bound,
    mean_reward_bon,
    win_rate,
    win_rate_bon,
    win_rate_bound,
)

ERR = (ValueError, TypeError)
NAN = float("nan")
INF = float("inf")

GOOD_EXACT = [Fr(1, 2), Fr(1, 3), Fr(1, 6)]
GOOD_FLOAT = [0.5, 0.25, 0.25]

BON_FUNCS = [kl_bon, win_rate_bon]


# --------------------------------------------------------------------------- probabilities


@pytest.mark.parametrize("probs", [
    [Fr(-1, 2), Fr(3, 2)],
    [-0.5, 1.5],
    [0.5, -0.0001, 0.5001],
    np.array([1.25, -0.25]),
    [sympy.Rational(-1, 3), sympy.Rational(4, 3)],
    ["-1/3", "4/3"],
])
def test_negative_probabilities(probs):
    with pytest.raises(ERR, match=r"(?i)negative"):
        Ranked(probs)
    for f in BON_FUNCS:
        with pytest.raises(ERR, match=r"(?i)negative"):
            f(probs, 2)


@pytest.mark.parametrize("probs", [[NAN, 1.0], [0.5, NAN, 0.5], np.array([NAN, NAN])])
def test_nan_probabilities(probs):
    with pytest.raises(ERR, match=r"(?i)nan"):
        Ranked(probs)
    with pytest.raises(ERR, match=r"(?i)nan"):
        kl_bon(probs, 2)


@pytest.mark.parametrize("probs", [[INF, 1.0], [0.5, -INF, 0.5], [mpmath.inf, mpmath.mpf(0)]])
def test_infinite_probabilities(probs):
    with pytest.raises(ERR, match=r"(?i)inf|finite"):
        Ranked(probs)


def test_nan_mpf_probability():
    with pytest.raises(ERR, match=r"(?i)nan"):
        Ranked([mpmath.nan, mpmath.mpf(1)])


@pytest.mark.parametrize("delta", [2e-12, 1e-11, 1e-6, -2e-12, -1e-3])
def test_float_sum_off_by_more_than_tolerance(delta):
    probs = [0.5, 0.5 + delta]
    assert abs(math.fsum(probs) - 1) > 1e-12
    with pytest.raises(ERR, match=r"(?i)sum"):
        Ranked(probs)
    with pytest.raises(ERR, match=r"(?i)sum"):
        kl_bon(probs, 3)
    with pytest.raises(ERR, match=r"(?i)sum"):
        Ranked(np.array(probs))


@pytest.mark.parametrize("delta", [1e-13, -1e-13, 5e-13])
def test_float_sum_off_by_little_is_accepted(delta):
    probs = [0.5, 0.5 + delta]
    law = Ranked(probs)
    assert law.kind == "float" and len(law) == 2
    assert math.isfinite(kl_bon(probs, 3))
    assert math.isfinite(win_rate_bon(law, 3))


@pytest.mark.parametrize("probs", [
    [Fr(1, 2), Fr(1, 2) + Fr(1, 10 ** 30)],
    [Fr(1, 3), Fr(1, 3), Fr(1, 3) - Fr(1, 10 ** 40)],
    [1, 1],
    ["1/2", "1/3"],
    [sympy.Rational(1, 2), sympy.Rational(1, 4)],
])
def test_exact_sum_off_at_all(probs):
    with pytest.raises(ERR, match=r"(?i)sum"):
        Ranked(probs)
    with pytest.raises(ERR, match=r"(?i)sum"):
        kl_bon(probs, 2, exact=True)
    with pytest.raises(ERR, match=r"(?i)sum"):
        win_rate_bon(probs, 2)


@pytest.mark.parametrize("probs", [[], (), np.array([], dtype=float)])
def test_empty_law(probs):
    with pytest.raises(ERR, match=r"(?i)empty"):
        Ranked(probs)
    with pytest.raises(ERR, match=r"(?i)empty"):
        kl_bon(probs, 2)
    with pytest.raises(ERR, match=r"(?i)empty"):
        win_rate_bon(probs, 2)


def test_empty_law_with_rewards():
    with pytest.raises(ERR, match=r"(?i)empty"):
        Ranked([], rewards=[])


# --------------------------------------------------------------------------- rewards


@pytest.mark.parametrize("rewards", [[1, 2], [1, 2, 3, 4], []])
def test_rewards_length_mismatch(rewards):
    with pytest.raises(ERR, match=r"(?i)reward|length"):
        Ranked(GOOD_EXACT, rewards)


@pytest.mark.parametrize("rewards", [[0, NAN, 1], [NAN, NAN, NAN], np.array([0.0, 1.0, NAN])])
def test_nan_rewards(rewards):
    with pytest.raises(ERR, match=r"(?i)nan"):
        Ranked(GOOD_FLOAT, rewards)
    with pytest.raises(ERR, match=r"(?i)nan"):
        Ranked(GOOD_EXACT, rewards)


def test_mean_reward_needs_rewards():
    with pytest.raises(ERR, match=r"(?i)reward"):
        mean_reward_bon(Ranked(GOOD_EXACT), 2)
    with pytest.raises(ERR, match=r"(?i)reward"):
        mean_reward_bon(GOOD_EXACT, 2)


# --------------------------------------------------------------------------- n


@pytest.mark.parametrize("n", [0, -1, -10, 0.5, 0.0, -2.5])
def test_n_below_one(n):
    law = Ranked(GOOD_EXACT)
    with pytest.raises(ERR, match=r"(?i)\bn\b"):
        best_of_n(law, n)
    for f in (kl_bon, win_rate_bon):
        with pytest.raises(ERR, match=r"(?i)\bn\b"):
            f(law, n)
    with pytest.raises(ERR, match=r"(?i)\bn\b"):
        mean_reward_bon(Ranked(GOOD_EXACT, [1, 2, 3]), n)


@pytest.mark.parametrize("n", [0, -3])
def test_bounds_reject_n_below_one(n):
    with pytest.raises(ERR, match=r"(?i)\bn\b"):
        kl_bon_bound(n)
    with pytest.raises(ERR, match=r"(?i)\bn\b"):
        win_rate_bound(n)


@pytest.mark.parametrize("n", ["3", None, [3], NAN])
def test_n_wrong_type(n):
    law = Ranked(GOOD_EXACT)
    with pytest.raises(ERR):
        best_of_n(law, n)
    with pytest.raises(ERR):
        kl_bon(law, n)
    with pytest.raises(ERR):
        win_rate_bon(law, n)
    with pytest.raises(ERR):
        kl_bon_bound(n)


@pytest.mark.parametrize("n", ["3", None])
def test_n_wrong_type_message(n):
    with pytest.raises(ERR, match=r"(?i)\bn\b"):
        kl_bon(Ranked(GOOD_EXACT), n)


def test_n_zero_message_kl_bon_on_plain_sequence():
    with pytest.raises(ERR, match=r"(?i)\bn\b"):
        kl_bon(GOOD_EXACT, 0)


# --------------------------------------------------------------------------- exact / ties / dps


@pytest.mark.parametrize("probs", [GOOD_FLOAT, np.array(GOOD_FLOAT)])
def test_exact_with_float_input(probs):
    for f in (kl_bon, win_rate_bon):
        with pytest.raises(ERR, match=r"(?i)exact"):
            f(probs, 2, exact=True)
        with pytest.raises(ERR, match=r"(?i)exact"):
            f(Ranked(probs), 2, exact=True)
    with pytest.raises(ERR, match=r"(?i)exact"):
        mean_reward_bon(Ranked(probs, [1, 2, 3]), 2, exact=True)
    with pytest.raises(ERR, match=r"(?i)exact"):
        kl(Ranked(probs), Ranked(probs), exact=True)
    with pytest.raises(ERR, match=r"(?i)exact"):
        win_rate(Ranked(probs), Ranked(GOOD_EXACT), exact=True)


def test_exact_with_float_rewards():
    with pytest.raises(ERR, match=r"(?i)exact"):
        mean_reward_bon(Ranked(GOOD_EXACT, [0.1, 0.2, 0.3]), 2, exact=True)


def test_exact_with_non_integer_n():
    with pytest.raises(ERR, match=r"(?i)exact|integer|\bn\b"):
        kl_bon(Ranked(GOOD_EXACT), 2.5, exact=True)
    with pytest.raises(ERR, match=r"(?i)exact|integer|\bn\b"):
        win_rate_bon(Ranked(GOOD_EXACT), 2.5, exact=True)


@pytest.mark.parametrize("ties", ["random", "", "Merge", None, 1])
def test_unknown_ties(ties):
    with pytest.raises(ERR, match=r"(?i)ties"):
        Ranked(GOOD_EXACT, [1, 1, 2], ties=ties)


def test_unknown_ties_without_rewards():
    with pytest.raises(ERR, match=r"(?i)ties"):
        Ranked(GOOD_EXACT, ties="random")


@pytest.mark.parametrize("dps", [0, -1, -30])
def test_bad_dps(dps):
    law = Ranked(GOOD_EXACT)
    for call in (
        lambda: kl_bon(law, 2, dps=dps),
        lambda: win_rate_bon(law, 2, dps=dps),
        lambda: mean_reward_bon(Ranked(GOOD_EXACT, [1, 2, 3]), 2, dps=dps),
        lambda: kl(law, law, dps=dps),
        lambda: win_rate(law, law, dps=dps),
        lambda: kl_bon_bound(3, dps=dps),
        lambda: win_rate_bound(3, dps=dps),
    ):
        with pytest.raises(ERR, match=r"(?i)dps"):
            call()


def test_two_law_functions_need_same_atoms():
    p = Ranked(GOOD_EXACT)
    q = Ranked([Fr(1, 2), Fr(1, 2)])
    with pytest.raises(ERR):
        kl(p, q)
    with pytest.raises(ERR):
        win_rate(p, q)


# --------------------------------------------------------------------------- normalize


def test_normalize_exact():
    law = Ranked([1, 1, 2], normalize=True)
    assert law.kind == "exact"
    assert tuple(law.probs) == (Fr(1, 4), Fr(1, 4), Fr(1, 2))
    law = Ranked([Fr(1, 3), Fr(1, 3)], normalize=True)
    assert tuple(law.probs) == (Fr(1, 2), Fr(1, 2))
    with pytest.raises(ERR, match=r"(?i)sum"):
        Ranked([1, 1, 2])


def test_normalize_float():
    arr = np.array([0.2, 0.2, 0.4])
    law = Ranked(arr, normalize=True)
    assert law.kind == "float"
    np.testing.assert_allclose(law.probs, [0.25, 0.25, 0.5], rtol=1e-15)
    assert abs(math.fsum(law.probs) - 1) <= 1e-15
    np.testing.assert_array_equal(arr, [0.2, 0.2, 0.4])  # caller's array untouched
    with pytest.raises(ERR, match=r"(?i)sum"):
        Ranked(arr)


def test_normalize_with_rewards_sorts_and_scales():
    law = Ranked([3, 1, 2], rewards=[30, 10, 20], normalize=True)
    assert tuple(law.probs) == (Fr(1, 6), Fr(1, 3), Fr(1, 2))
    assert [Fr(r) for r in law.rewards] == [10, 20, 30]


def test_normalize_still_rejects_bad_input():
    with pytest.raises(ERR, match=r"(?i)negative"):
        Ranked([1, -1, 2], normalize=True)
    with pytest.raises(ERR, match=r"(?i)nan"):
        Ranked([1.0, NAN], normalize=True)
    with pytest.raises(ERR, match=r"(?i)empty"):
        Ranked([], normalize=True)
    with pytest.raises(ERR, match=r"(?i)sum|zero"):
        Ranked([0, 0, 0], normalize=True)


# --------------------------------------------------------------------------- no side effects


def test_caller_data_not_mutated():
    probs = [Fr(1, 6), Fr(1, 2), Fr(1, 3)]
    rewards = [3, 1, 2]
    probs0, rewards0 = copy.deepcopy(probs), copy.deepcopy(rewards)
    law = Ranked(probs, rewards)
    assert tuple(law.probs) == (Fr(1, 2), Fr(1, 3), Fr(1, 6))
    best_of_n(law, 3)
    kl_bon(probs, 3)
    win_rate_bon(probs, 3, exact=True)
    mean_reward_bon(law, 3, dps=30)
    assert probs == probs0 and rewards == rewards0

    arr = np.array([0.4, 0.1, 0.5])
    rew = np.array([2.0, 0.0, 1.0])
    arr0, rew0 = arr.copy(), rew.copy()
    law = Ranked(arr, rew)
    np.testing.assert_array_equal(law.probs, [0.1, 0.5, 0.4])
    kl_bon(arr, 4)
    win_rate_bon(law, 4)
    mean_reward_bon(law, 4)
    Ranked(arr * 2, rew, normalize=True)
    np.testing.assert_array_equal(arr, arr0)
    np.testing.assert_array_equal(rew, rew0)

    # a Ranked law is unchanged by best_of_n
    law = Ranked(GOOD_EXACT)
    before = tuple(law.probs)
    best_of_n(law, 5)
    assert tuple(law.probs) == before


def test_failed_call_mutates_nothing():
    probs = [0.5, -0.25, 0.75]
    saved = list(probs)
    with pytest.raises(ERR):
        Ranked(probs, normalize=True)
    assert probs == saved
    arr = np.array([1.0, 2.0, NAN])
    with pytest.raises(ERR):
        Ranked(arr, normalize=True)
    assert np.isnan(arr[2]) and arr[0] == 1.0 and arr[1] == 2.0


def test_mpmath_precision_unchanged():
    mpmath.mp.dps = 15
    law = Ranked(GOOD_EXACT, [1, 2, 3])
    kl_bon(law, 3, dps=50)
    win_rate_bon(law, 3, dps=50)
    mean_reward_bon(law, 3, dps=50)
    kl(law, law, dps=50)
    win_rate(law, law, dps=50)
    kl_bon_bound(10, dps=50)
    win_rate_bound(10, dps=50)
    kl_bon(law, 3, exact=True)
    kl_bon(GOOD_FLOAT, 10 ** 12)
    assert mpmath.mp.dps == 15
    # also after a failing call with dps=50
    with pytest.raises(ERR):
        kl_bon([0.5, -0.5, 1.0], 3, dps=50)
    with pytest.raises(ERR):
        kl_bon(law, 0, dps=50)
    assert mpmath.mp.dps == 15
    # a caller's non-default precision is respected too
    with mpmath.workdps(25):
        kl_bon(law, 3, dps=50)
        assert mpmath.mp.dps == 25
    assert mpmath.mp.dps == 15


def test_dps_result_independent_of_global_precision():
    law = Ranked(GOOD_EXACT)
    a = kl_bon(law, 3, dps=40)
    with mpmath.workdps(5):
        b = kl_bon(law, 3, dps=40)
    with mpmath.workdps(100):
        c = kl_bon(law, 3, dps=40)
        assert abs(a - b) <= mpmath.mpf("1e-39") and abs(a - c) <= mpmath.mpf("1e-39")
