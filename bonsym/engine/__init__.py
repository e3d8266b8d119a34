"""The checking engine: verdicts and seeded instance checks.

This first version checks claims on seeded high-precision random instances
(verdicts ``verified`` / ``refuted``); certified proofs come later.
"""
from .instances import random_laws
from .verdict import Margin, Verdict, check_on_instances, margin_of

__all__ = ["Verdict", "Margin", "margin_of", "check_on_instances", "random_laws"]
