"""One formula, two exact-ish number systems: SymPy (``exact=True``) and Arb balls (``dps=``).

A textbook formula written once against a backend ``B`` (``B.log``, ``B.log1p``,
``B.exp``, ``B.expm1``, ``B.num``) gives the SymPy expression and the
certified ball; the float path keeps its own cancellation-free rearrangement,
and the tests compare the two.

>>> from fractions import Fraction
>>> SYMPY.log1p(SYMPY.num(Fraction(1, 2)))
log(3/2)
"""
from __future__ import annotations

from fractions import Fraction

__all__ = ["SYMPY", "ARB", "evaluate"]


class _SympyBackend:
    name = "exact"

    @staticmethod
    def num(x):
        from .numbers import to_sympy

        return to_sympy(x)

    @staticmethod
    def log(x):
        import sympy

        return sympy.log(x)

    @staticmethod
    def log1p(x):
        import sympy

        return sympy.log(1 + x)

    @staticmethod
    def exp(x):
        import sympy

        return sympy.exp(x)

    @staticmethod
    def expm1(x):
        import sympy

        return sympy.exp(x) - 1

    @staticmethod
    def sqrt(x):
        import sympy

        return sympy.sqrt(x)

    @staticmethod
    def pow(x, a):
        return x**a


class _ArbBackend:
    name = "ball"

    @staticmethod
    def num(x):
        from flint import arb, fmpq

        from .numbers import to_fraction_any

        f = x if isinstance(x, Fraction) else to_fraction_any(x)
        return arb(fmpq(f.numerator, f.denominator))

    log = staticmethod(lambda x: x.log())
    log1p = staticmethod(lambda x: x.log1p())
    exp = staticmethod(lambda x: x.exp())
    expm1 = staticmethod(lambda x: x.expm1())
    sqrt = staticmethod(lambda x: x.sqrt())
    pow = staticmethod(lambda x, a: (a * x.log()).exp())


SYMPY = _SympyBackend()
ARB = _ArbBackend()


def evaluate(formula, mode, dps, *, extra_bits=0):
    """Run ``formula(B)`` in the backend of ``mode`` ("exact" or "mp"); mp results are certified mpf."""
    if mode == "exact":
        return formula(SYMPY)
    from .numbers import arb_eval

    return arb_eval(lambda prec: formula(ARB), dps, extra_bits=extra_bits)
