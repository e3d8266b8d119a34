"""The checking engine: verdicts and seeded instance checks.

This first version checks claims on seeded high-precision random instances
(verdicts ``verified`` / ``refuted``); certified proofs come later.
"""
from .instances import random_laws
from .verdict import Verdict, check_on_instances

__all__ = ["Verdict", "check_on_instances", "random_laws"]
