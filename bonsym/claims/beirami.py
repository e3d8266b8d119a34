"""Claims of Beirami et al. 2024 (arXiv 2401.01879), THEORY.md B-items, and the folklore they correct."""
from __future__ import annotations

import itertools
from fractions import Fraction

from ..bestofn import best_of_n, kl_bon, kl_bon_bound, win_rate_bon, win_rate_bound
from ..engine import check_on_instances, random_laws
from . import register

#: orders of best-of-n on which the claims are checked
ORDERS = (2, 3, 4, 7, 16, 100, 1000, 10**6)
#: laws per check
LAWS = 200


def _instances(seed, orders=ORDERS, count=LAWS):
    laws = list(random_laws(seed, count))
    return list(itertools.product(laws, orders))


def _describe(inst):
    law, n = inst
    return {"probs": [str(f) for f in law.fractions()], "n": n}


def over_laws(margin, *, strict=False, orders=ORDERS):
    """A check of ``margin(law, n, dps) >= 0`` (``> 0`` if strict) over seeded laws and orders."""

    def check(dps, seed):
        return check_on_instances(lambda inst, d: margin(inst[0], inst[1], d), _instances(seed, orders),
                                  dps=dps, strict=strict, describe=_describe)

    return check


@register(
    name="beirami.kl_bound",
    statement="KL(BoN_n(p) || p) < log n - (n-1)/n for every finite law p and n >= 2 (strict)",
    source="B8",
    paper="beirami",
    asserted_by="Beirami et al. 2024, Thm 3.1",
)
def _kl_bound(dps, seed):
    return over_laws(lambda law, n, d: kl_bon_bound(n, dps=d) - kl_bon(law, n, dps=d), strict=True)(dps, seed)


@register(
    name="folklore.kl_equality",
    statement="KL(BoN_n(p) || p) = log n - (n-1)/n",
    source="B9",
    paper="beirami",
    asserted_by="folklore (Stiennon et al. 2020 App. G.3; Hilton & Gao 2022; Gao et al. 2023)",
    expected="false",
)
def _kl_equality(dps, seed):
    # the equality fails when |bound - KL| is certainly positive: a margin of
    # -(bound - KL) < 0 refutes it; the tolerance 10**-(dps//2) keeps rounding out
    import mpmath

    tol = mpmath.mpf(10) ** (-(dps // 2))

    def margin(inst, d):
        gap = kl_bon_bound(inst[1], dps=d) - kl_bon(inst[0], inst[1], dps=d)
        return tol - abs(gap)

    # smallest laws first, so that the counterexample reported is a small one
    insts = sorted(_instances(seed), key=lambda inst: (len(inst[0]), inst[1]))
    return check_on_instances(margin, insts, dps=dps, describe=_describe)


@register(
    name="beirami.win_rate_bound",
    statement="win rate of BoN_n(p) against p < n/(n+1) for every finite law p and n >= 2 (strict)",
    source="B24",
    paper="beirami",
    asserted_by="Beirami et al. 2024, Thm 5.3",
)
def _win_rate_bound(dps, seed):
    return over_laws(lambda law, n, d: win_rate_bound(n, dps=d) - win_rate_bon(law, n, dps=d),
                     strict=True)(dps, seed)


@register(
    name="beirami.win_rate_half",
    statement="win rate of BoN_n(p) against p >= 1/2 for every finite law p and n >= 1",
    source="B24",
    paper="beirami",
    asserted_by="Beirami et al. 2024, Sec. 5",
)
def _win_rate_half(dps, seed):
    return over_laws(lambda law, n, d: win_rate_bon(law, n, dps=d) - Fraction(1, 2),
                     orders=(1, 2, 5, 50))(dps, seed)


@register(
    name="bon.composition",
    statement="BoN_m(BoN_n(p)) = BoN_{mn}(p) for every finite law p and integers m, n >= 1",
    source="B4",
    paper="beirami",
    asserted_by="Beirami et al. 2024 (the BoN CDF map F -> F^n); BOND (Sessa et al. 2024)",
)
def _composition(dps, seed):
    pairs = [(1, 3), (2, 2), (2, 3), (3, 5), (4, 7)]
    laws = list(random_laws(seed + 1, 30, max_atoms=8))

    def margin(inst, d):
        law, (m, n) = inst
        lhs = best_of_n(best_of_n(law, n), m).probs
        rhs = best_of_n(law, m * n).probs
        return 0 if lhs == rhs else -1

    v = check_on_instances(margin, list(itertools.product(laws, pairs)), dps=dps,
                           recheck=lambda inst: margin(inst, 0),
                           describe=lambda inst: {"probs": [str(f) for f in inst[0].fractions()],
                                                  "m": inst[1][0], "n": inst[1][1]})
    if v.status == "verified":
        v.how = f"{v.instances} seeded instances in exact rational arithmetic"
    return v
