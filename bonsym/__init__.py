"""bonsym: a symbolic-numeric proof assistant for best-of-n alignment.

Public names only; see the README and ``shared/THEORY.md`` for the theory.
"""
from ._version import __version__
from .bestofn import (
    best_of_n,
    kl_bon,
    kl_bon_bound,
    mean_reward_bon,
    win_rate_bon,
    win_rate_bound,
)
from .divergences import kl, win_rate
from .laws import Ranked

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
]
