"""Regressions found by a cold review of the best-of-n engine; oracles are naive formulas in mpmath at high precision."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from bonsym import Ranked, best_of_n, kl, kl_bon, mean_reward_bon, win_rate_bon
from bonsym.claims import all_claims, run_claim


def naive_kl_bon(probs, n, dps=80):
    """KL of BoN by the naive formula at high precision, probabilities normalised exactly."""
    fr = [Fraction(x) for x in probs]
    t = sum(fr)
    with mpmath.workdps(dps):
        nn = mpmath.mpf(n.numerator) / n.denominator if isinstance(n, Fraction) else mpmath.mpf(n)
        F = mpmath.mpf(0)
        total = mpmath.mpf(0)
        for f in fr:
            p = mpmath.mpf(f.numerator) / (f.denominator * t)
            if p == 0:
                continue
            G = F + p
            q = G**nn - F**nn
            total += q * mpmath.log(q / p)
            F = G
        return +total


def rel(a, b):
    with mpmath.workdps(40):
        return abs((mpmath.mpf(a) - b) / b)


def test_exact_n_just_above_one_is_not_rounded_to_one():
    n = Fraction(10**17 + 1, 10**17)
    law = [0.2, 0.3, 0.5]
    got = kl_bon(law, n)
    assert np.isfinite(got)
    assert rel(got, naive_kl_bon(law, n, dps=120)) < 1e-10
    assert np.isfinite(win_rate_bon(law, n))
    assert np.all(np.isfinite(best_of_n(law, n).probs))
    assert np.isfinite(mean_reward_bon(Ranked(law, rewards=[0.0, 1.0, 2.0]), n))


@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("tiny", [1e-110, 1e-200, 1e-300])
def test_tiny_bottom_atom_no_nan(n, tiny):
    law = [tiny, 0.5, 0.5]
    got = kl_bon(law, n)
    assert rel(got, naive_kl_bon(law, n)) < 1e-13


@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("delta", [1e-5, 1e-10, 1e-14])
def test_dominant_atom_keeps_relative_accuracy(n, delta):
    for law in ([1 - delta, delta], [delta, 1 - delta], [delta / 2, 1 - delta, delta / 2]):
        assert rel(kl_bon(law, n), naive_kl_bon(law, n)) < 1e-12, (law, n)


def test_single_support_atom_with_zero_atoms_dps():
    assert kl_bon([0.0, 1.0], 2, dps=10) == 0
    assert kl_bon([0.0, 1.0, 0.0], 7) == 0.0


def test_mean_near_zero_is_certified_or_refused():
    law = Ranked(["1/2", "1/2"], rewards=[Fraction(-1), Fraction(1)])
    # integer n: the exact rational mean (1/2 at n = 2: (-1) 1/4 + 1 * 3/4), correctly rounded
    assert mean_reward_bon(law, 2, dps=20) == mpmath.mpf(1) / 2
    # a real n and a mean of 3e-64: certified relative digits, not an absolute guess
    with mpmath.workdps(60):
        c = mpmath.mpf(2) ** mpmath.mpf(-1.5)
        b = c / (1 - c)
    law = Ranked(["1/2", "1/2"], rewards=[mpmath.mpf(-1), b])
    with mpmath.workdps(300):
        c = mpmath.mpf(2) ** mpmath.mpf(-1.5)  # q of the bottom atom at n = 1.5
        want = -c + (1 - c) * b
    got = mean_reward_bon(law, 1.5, dps=10)
    with mpmath.workdps(30):
        assert want > 0 and abs(got - want) <= abs(want) * mpmath.mpf(10) ** -9


def test_exact_rewards_of_a_float_law_stay_exact_in_dps():
    law = Ranked([0.5, 0.5], rewards=["0", "1/3"])
    got = mean_reward_bon(law, 2.5, dps=30)
    with mpmath.workdps(50):
        q_top = 1 - mpmath.mpf("0.5") ** mpmath.mpf("2.5")
        want = q_top / 3
        assert abs(got - want) < mpmath.mpf(10) ** -29


@pytest.mark.parametrize("eps", [1e-4, 1e-6, 1e-8])
def test_kl_of_nearby_float_laws_that_do_not_sum_to_one(eps):
    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.ones(40))
    q = p * (1 + eps * rng.standard_normal(40))
    q = q / q.sum()
    fp = [Fraction(x) for x in p]
    fq = [Fraction(x) for x in q]
    tp, tq = sum(fp), sum(fq)
    with mpmath.workdps(60):
        ref = mpmath.fsum((mpmath.mpf(a.numerator) / (a.denominator * tp))
                          * mpmath.log((mpmath.mpf(a.numerator) / (a.denominator * tp))
                                       / (mpmath.mpf(b.numerator) / (b.denominator * tq)))
                          for a, b in zip(fp, fq))
    assert rel(kl(p, q), ref) < 1e-12


def test_low_precision_verify_never_refutes_a_true_theorem():
    for c in all_claims():
        if c.expected == "true" and c.name in ("beirami.win_rate_bound", "beirami.kl_bound"):
            assert run_claim(c, dps=10).verdict.status != "refuted"


def test_exact_best_of_n_with_huge_n_refuses_quickly():
    with pytest.raises(ValueError, match="dps"):
        best_of_n(Ranked(["1/3", "2/3"]), 10**8)


def test_huge_n_float_is_a_clear_error_and_dps_works():
    with pytest.raises(ValueError, match="float range"):
        kl_bon([0.5, 0.5], 10**400)
    v = kl_bon([0.5, 0.5], 10**400, dps=20)
    with mpmath.workdps(30):
        assert abs(v - mpmath.log(2)) < mpmath.mpf(10) ** -18  # all mass on the top atom


def test_mpf_law_normalised_exactly():
    with mpmath.workdps(40):
        raw = [mpmath.mpf(1) / 3, mpmath.mpf(2) / 3 + mpmath.mpf(10) ** -30]
    law = Ranked(raw, normalize=True)
    fr = [Fraction(*x.as_integer_ratio()) if hasattr(x, "as_integer_ratio") else None for x in raw]
    del fr
    with mpmath.workdps(60):
        t = raw[0] + raw[1]
        want = naive_kl_bon([Fraction(int(mpmath.floor(raw[0] / t * 2**200)), 2**200),
                             1 - Fraction(int(mpmath.floor(raw[0] / t * 2**200)), 2**200)], 3, dps=60)
        assert abs(kl_bon(law, 3, dps=40) - want) < mpmath.mpf(10) ** -38 * 50
