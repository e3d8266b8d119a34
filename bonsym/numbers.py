"""Number modes, precision and conversions between bonsym's number systems.

bonsym computes every quantity in one of four number systems (see the
"Number modes" table of ``shared/DESIGN.md``):

``exact``
    SymPy expressions built from exact rationals (``exact=True``).
``mp``
    :class:`mpmath.mpf` correct to ``dps`` significant digits (``dps=k``).
    Internally the value is computed in python-flint Arb balls whose radius
    is checked; the working precision is raised until the ball is narrow
    enough, so the digits returned are certified, not hoped for.
``float``
    Python floats / numpy arrays (the default).
``ball``
    :class:`flint.arb`, used inside the engine.

Precision is always local: nothing here writes ``mpmath.mp.dps`` or
``flint.ctx.prec`` outside a ``with`` block that restores it, and every Arb
computation runs under one lock so that threads asking for different
precisions never see each other's setting.

SymPy and python-flint are imported lazily, inside the functions that need
them, so ``import bonsym`` pays only for numpy and mpmath.
"""
from __future__ import annotations

import math
import numbers as _pynumbers
import threading
from fractions import Fraction

import mpmath
import numpy as np
from mpmath import libmp

__all__ = [
    "resolve_mode",
    "check_dps",
    "as_fraction",
    "is_exact_number",
    "to_sympy",
    "arb_eval",
    "mpf_from_arb",
]

#: bits per decimal digit
_LOG2_10 = math.log2(10)

# One lock for every computation that sets flint's process-global precision.
_ARB_LOCK = threading.RLock()


def check_dps(dps):
    """Validate a ``dps`` argument: a positive integer (or ``None``).

    >>> check_dps(30)
    30
    >>> check_dps(0)
    Traceback (most recent call last):
    ...
    ValueError: dps must be a positive integer number of significant digits, got 0
    """
    if dps is None:
        return None
    if isinstance(dps, bool) or not isinstance(dps, _pynumbers.Integral):
        raise TypeError(f"dps must be a positive integer number of significant digits, got {dps!r}")
    dps = int(dps)
    if dps < 1:
        raise ValueError(f"dps must be a positive integer number of significant digits, got {dps}")
    if dps > 100_000:
        raise ValueError(f"dps={dps} is beyond what bonsym supports (at most 100000 digits)")
    return dps


def resolve_mode(dps=None, exact=False):
    """Return ``"exact"``, ``"mp"`` or ``"float"`` for the given options.

    >>> resolve_mode(), resolve_mode(dps=20), resolve_mode(exact=True)
    ('float', 'mp', 'exact')
    """
    dps = check_dps(dps)
    if not isinstance(exact, (bool, np.bool_)):
        raise TypeError(f"exact must be True or False, got {exact!r}")
    if exact and dps is not None:
        raise ValueError("give either exact=True (a SymPy expression) or dps=k (an mpf), not both")
    if exact:
        return "exact"
    if dps is not None:
        return "mp"
    return "float"


# ---------------------------------------------------------------------------
# classification and conversion of scalars

def _is_sympy(x):
    mod = type(x).__module__
    return mod.startswith("sympy")


def is_exact_number(x):
    """True for the exact scalar inputs: ints, Fractions, rational strings, SymPy Rationals."""
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, np.integer, Fraction)):
        return True
    if isinstance(x, str):
        return True
    if _is_sympy(x):
        return bool(getattr(x, "is_Rational", False))
    return False


def as_fraction(x, what="value"):
    """Convert an exact scalar (int, Fraction, ``"1/3"``, SymPy Rational) to a Fraction.

    >>> as_fraction("1/3"), as_fraction(2)
    (Fraction(1, 3), Fraction(2, 1))
    """
    if isinstance(x, bool):
        raise TypeError(f"{what} must be a number, got the bool {x!r}")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                f"{what} {x!r} is not a rational number; strings must look like '1/3', '0.25' or '2'"
            ) from None
    if _is_sympy(x):
        if getattr(x, "is_Rational", False):
            return Fraction(int(x.p), int(x.q))
        raise TypeError(f"{what} must be a SymPy Rational for exact work, got {x!r}")
    raise TypeError(f"{what} {x!r} of type {type(x).__name__} is not an exact number")


def mpf_to_fraction(x):
    """The exact rational value of an mpf (binary floating point)."""
    sign, man, exp, _ = x._mpf_
    if man == 0 and exp == 0 and not sign:
        return Fraction(0)
    if not mpmath.isfinite(x):
        raise ValueError(f"{x} is not finite")
    v = Fraction(man) * (Fraction(2) ** exp)
    return -v if sign else v


def to_fraction_any(x):
    """Exact rational value of any finite real scalar accepted by bonsym."""
    if isinstance(x, (float, np.floating)):
        return Fraction(float(x))
    if isinstance(x, mpmath.mpf):
        return mpf_to_fraction(x)
    return as_fraction(x)


def to_sympy(x):
    """Convert an exact scalar to a SymPy Rational (SymPy imported lazily)."""
    import sympy

    if _is_sympy(x):
        return x
    f = to_fraction_any(x)
    return sympy.Rational(f.numerator, f.denominator)


# ---------------------------------------------------------------------------
# certified evaluation in Arb balls

def prec_for_dps(dps):
    return int(math.ceil(dps * _LOG2_10))


def mpf_of_fraction(f, dps):
    """A Fraction rounded to ``dps`` digits as an mpf (no global state touched)."""
    raw = libmp.from_rational(f.numerator, f.denominator, prec_for_dps(dps) + 4, "n")
    return mpmath.mp.make_mpf(raw)


def mpf_from_arb(x, dps):
    """Round the midpoint of an arb ball to ``dps`` digits as an mpf (no global state touched)."""
    man, exp = x.mid().man_exp()
    raw = libmp.from_man_exp(int(man), int(exp), prec_for_dps(dps) + 4, "n")
    return mpmath.mp.make_mpf(raw)


def arb_eval(compute, dps, *, max_doublings=8, extra_bits=0):
    """Evaluate ``compute(prec)`` (returning an arb) until it is certified to ``dps`` digits.

    The working precision starts at ``dps`` digits plus guard bits and doubles
    until the ball's relative radius is below ``2**-(bits of dps + 4)``.
    An exact zero ball returns 0; a ball that keeps containing 0 (a value
    that may be zero cannot be certified relatively) raises
    ``ArithmeticError``.  Returns an :class:`mpmath.mpf`.
    """
    from flint import ctx

    target = prec_for_dps(dps) + 4
    prec = target + 10 + int(extra_bits)
    last = None
    for _ in range(max_doublings + 1):
        with _ARB_LOCK:
            old = ctx.prec
            ctx.prec = prec
            try:
                val = compute(prec)
            finally:
                ctx.prec = old
        last = val
        if val.is_nan():  # e.g. a log of a ball that still contains 0: more precision
            prec *= 2
            continue
        if val.is_finite() and not val.contains(0) and val.rel_accuracy_bits() >= target:
            return mpf_from_arb(val, dps)
        if val.is_finite() and val.is_exact() and val.is_zero():
            return mpmath.mp.make_mpf(libmp.fzero)
        prec *= 2
    raise ArithmeticError(
        f"could not certify {dps} digits (last enclosure {last.str(20) if not last.is_nan() else 'nan'}); "
        "the value may be zero or the input ill-conditioned"
    )
