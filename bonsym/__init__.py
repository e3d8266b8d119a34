"""bonsym: a symbolic-numeric proof assistant for best-of-n alignment.

Public names only; see the README and ``shared/THEORY.md`` for the theory.
"""
from . import tradeoff
from ._version import __version__
from .bestofn import (
    best_of_n,
    kl_bon,
    kl_bon_bound,
    mean_reward_bon,
    win_rate_bon,
    win_rate_bound,
)
from .divergences import divergence, kl, win_rate
from .estimator import kl_bin, kl_bon_estimate, kl_bon_estimate_expected
from .gap import kl_bon_gap, win_rate_gap, win_rate_gap_bound
from .laws import Ranked
from .orderstats import bon_divergence, bon_f_divergence, exp_max
from .topatom import kl_bon_gap_lower_bound, kl_bon_sandwich, top_mass, win_rate_top_bound
from .tradeoff import optimal_kl, optimal_win_rate

__all__ = [
    "__version__",
    "Ranked",
    "best_of_n",
    "kl",
    "win_rate",
    "kl_bon",
    "kl_bon_bound",
    "mean_reward_bon",
    "win_rate_bon",
    "win_rate_bound",
    "kl_bon_gap",
    "win_rate_gap",
    "win_rate_gap_bound",
    "kl_bin",
    "kl_bon_estimate",
    "kl_bon_estimate_expected",
    "kl_bon_sandwich",
    "kl_bon_gap_lower_bound",
    "win_rate_top_bound",
    "top_mass",
    "optimal_win_rate",
    "optimal_kl",
    "tradeoff",
    "divergence",
    "bon_divergence",
    "bon_f_divergence",
    "exp_max",
]
