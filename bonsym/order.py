"""Validation of the best-of-n order ``n``.

``n`` is an integer >= 1, or a real number >= 1 (the law with CDF ``F**n``,
THEORY.md B4), or, in exact mode, a SymPy symbol or expression.
"""
from __future__ import annotations

import math
import numbers as _pynumbers
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from .numbers import as_fraction, mpf_to_fraction

__all__ = ["Order", "check_n"]


@dataclass(frozen=True)
class Order:
    """A validated best-of-n order.

    ``value`` is an int, a Fraction (exact real n), a float, an mpf, or a
    SymPy expression (``symbolic``).
    """

    value: object
    kind: str  # "int", "rational", "float", "mp", "symbolic"

    @property
    def is_one(self):
        return self.kind != "symbolic" and self.value == 1

    def as_float(self):
        return float(self.value)

    def floats(self):
        """``(n, n - 1)`` as floats, ``n - 1`` rounded from its exact value (not from a rounded n).

        Raises ``ValueError`` when n is beyond the float range.
        """
        try:
            nf = float(self.value)
        except OverflowError:
            nf = math.inf
        if not math.isfinite(nf):
            raise ValueError(f"n = {self.value} is beyond the float range; use dps=k for huge n")
        h = nf - 1.0 if self.kind in ("int", "float") else float(self.as_fraction() - 1)
        return nf, h

    def bits(self):
        """About log2(n), for guard bits (exact for huge integers, no overflow)."""
        if self.kind == "int":
            return max(self.value.bit_length(), 1)
        if self.kind == "symbolic":
            return 1
        f = self.as_fraction()
        return max(f.numerator.bit_length() - f.denominator.bit_length() + 1, 1)

    def as_fraction(self):
        """Exact rational value (floats and mpf converted exactly)."""
        if self.kind == "int":
            return Fraction(self.value)
        if self.kind == "rational":
            return self.value
        if self.kind == "float":
            return Fraction(self.value)
        if self.kind == "mp":
            return mpf_to_fraction(self.value)
        raise TypeError("a symbolic n has no numeric value")

    @property
    def is_exact(self):
        return self.kind in ("int", "rational", "symbolic")

    def sympy(self):
        import sympy

        if self.kind == "symbolic":
            return self.value
        if not self.is_exact:
            raise TypeError(
                f"exact=True needs an exact n (an integer, a Fraction or a SymPy symbol), got the float {self.value!r}"
            )
        f = self.as_fraction()
        return sympy.Rational(f.numerator, f.denominator)


def check_n(n, *, symbolic_ok=False):
    """Validate ``n`` (>= 1) and return an :class:`Order`.

    >>> check_n(4)
    Order(value=4, kind='int')
    >>> check_n(2.5).kind
    'float'
    >>> check_n(0)
    Traceback (most recent call last):
    ...
    ValueError: n must be >= 1 (the number of samples), got 0
    """
    if isinstance(n, (bool, np.bool_)):
        raise TypeError(f"n must be a number >= 1, got the bool {n!r}")
    if isinstance(n, (int, np.integer)):
        v = int(n)
        if v < 1:
            raise ValueError(f"n must be >= 1 (the number of samples), got {v}")
        return Order(v, "int")
    if isinstance(n, (float, np.floating)):
        v = float(n)
        if math.isnan(v) or math.isinf(v):
            raise ValueError(f"n must be a finite number >= 1, got {v}")
        if v < 1:
            raise ValueError(f"n must be >= 1 (the number of samples), got {v}")
        if v.is_integer() and v < 2**63:
            return Order(int(v), "int")
        return Order(v, "float")
    if isinstance(n, mpmath.mpf):
        if not mpmath.isfinite(n):
            raise ValueError(f"n must be a finite number >= 1, got {n}")
        if n < 1:
            raise ValueError(f"n must be >= 1 (the number of samples), got {n}")
        if mpmath.isint(n):
            return Order(int(n), "int")
        return Order(n, "mp")
    if isinstance(n, str):
        raise TypeError(f"n must be a number >= 1, got the string {n!r}")
    if isinstance(n, Fraction):
        f = as_fraction(n, "n")
        if f < 1:
            raise ValueError(f"n must be >= 1 (the number of samples), got {f}")
        return Order(int(f), "int") if f.denominator == 1 else Order(f, "rational")
    if type(n).__module__.startswith("sympy"):
        if getattr(n, "is_Rational", False):
            return check_n(Fraction(int(n.p), int(n.q)))
        if getattr(n, "is_Float", False):
            return check_n(float(n))
        if getattr(n, "free_symbols", None):
            if not symbolic_ok:
                raise TypeError(f"a symbolic n ({n}) needs exact=True")
            return Order(n, "symbolic")
        if getattr(n, "is_number", False) and n.is_real:
            raise TypeError(f"n = {n} is an irrational SymPy number; give an integer, a rational or a float")
    if isinstance(n, _pynumbers.Real):
        return check_n(float(n))
    raise TypeError(f"n must be a number >= 1 (int, float, Fraction, mpf or SymPy symbol), got {n!r}")


def short_number(x):
    """A number for a message: huge integers as ~10^k."""
    s = str(x)
    return s if len(s) <= 24 else f"~10^{len(str(math.floor(x))) - 1}"
