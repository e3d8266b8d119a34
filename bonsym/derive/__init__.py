"""Derivations: results obtained by SymPy from their definitions, step by step.

A :class:`Derivation` is a list of :class:`Step` (expression, relation to the
previous step, justification).  Its final expression feeds a quantity of the
library; its steps will feed the LaTeX documents.  Deriving is slow and
evaluating must not be, so derived data (e.g. series coefficients) is cached
on disk by :mod:`bonsym.derive.cache`, keyed by the library version.
"""
from .core import Derivation, Step

__all__ = ["Derivation", "Step"]
