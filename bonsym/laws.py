"""Finite reward laws: :class:`Ranked`.

A :class:`Ranked` is a probability law on finitely many atoms listed in
increasing reward order (THEORY.md B2, B6).  It is what every best-of-n
quantity takes.

Exactness follows the input:

* ints, :class:`fractions.Fraction`, strings such as ``"1/3"`` and SymPy
  Rationals give an **exact** law (stored as Fractions; must sum to 1 exactly);
* Python floats and numpy arrays give a **float** law (must sum to 1 within
  ``1e-12``; the law is then the input divided by its exact sum, so nothing
  downstream ever sees a CDF that overshoots 1);
* :class:`mpmath.mpf` values are kept as they are (an **mp** law, same
  tolerance, same exact normalisation).

Ties (B6): with rewards, atoms are sorted by reward (stable sort).
``ties="ordered"`` keeps equal rewards as distinct atoms in the given order
(a fixed tie-break); ``ties="merge"`` merges them into one atom, which is what
a uniformly random tie-break gives at the level of rewards.

>>> law = Ranked(["1/2", "1/3", "1/6"])
>>> law
Ranked(['1/2', '1/3', '1/6'], kind='exact')
>>> Ranked([0.25, 0.75], rewards=[3.0, 1.0]).probs
array([0.75, 0.25])
>>> Ranked(["1/4", "1/4", "1/2"], rewards=[1, 2, 2], ties="merge").probs
(Fraction(1, 4), Fraction(3, 4))
"""
from __future__ import annotations

import math
import numbers as _pynumbers
from fractions import Fraction

import mpmath
import numpy as np

from .numbers import as_fraction, is_exact_number, to_fraction_any

__all__ = ["Ranked", "as_ranked", "FLOAT_TOLERANCE"]

#: How far from 1 the sum of float (or mpf) probabilities may be.
FLOAT_TOLERANCE = 1e-12

_TIES = ("ordered", "merge")


def _classify(values, what):
    """Return ``("exact" | "float" | "mp", list_of_values)`` for a 1-d input."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of numbers, got the string {values!r}")
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{what} must be one-dimensional, got an array of shape {values.shape}")
        if values.dtype.kind in "fc":
            if values.dtype.kind == "c":
                raise TypeError(f"{what} must be real, got complex values")
            return "float", np.array(values, dtype=np.float64)
        if values.dtype.kind in "iu":  # numpy arrays are float data, whatever their dtype
            return "float", values.astype(np.float64)
        if values.dtype.kind == "b":
            raise TypeError(f"{what} must be numbers, got booleans")
        values = list(values)
    try:
        items = list(values)
    except TypeError:
        raise TypeError(f"{what} must be a sequence of numbers, got {type(values).__name__}") from None
    kinds = set()
    for i, v in enumerate(items):
        if isinstance(v, bool) or isinstance(v, np.bool_):
            raise TypeError(f"{what}[{i}] is the bool {v!r}; give numbers")
        if isinstance(v, (float, np.floating)):
            kinds.add("float")
        elif isinstance(v, mpmath.mpf):
            kinds.add("mp")
        elif is_exact_number(v):
            kinds.add("exact")
        elif type(v).__module__.startswith("sympy") and getattr(v, "is_Float", False):
            kinds.add("float")
        else:
            raise TypeError(
                f"{what}[{i}] = {v!r} of type {type(v).__name__} is not accepted; "
                "give ints, Fractions, strings like '1/3', SymPy Rationals, floats or mpmath mpf"
            )
    if "float" in kinds:
        kind = "float"
    elif "mp" in kinds:
        kind = "mp"
    else:
        kind = "exact"
    if kind == "float":
        return kind, np.array([_as_float(v, f"{what}[{i}]") for i, v in enumerate(items)], dtype=np.float64)
    out = []
    for i, v in enumerate(items):
        if kind == "exact":
            out.append(as_fraction(v, f"{what}[{i}]"))
        else:
            out.append(v if isinstance(v, mpmath.mpf) else _mpf_exactish(to_fraction_any(v)))
    return kind, out


def _as_float(v, where):
    if isinstance(v, (float, np.floating)):
        return float(v)
    try:
        return float(to_fraction_any(v))
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


def _mpf_exactish(f, guard=64):
    """A Fraction as an mpf with guard bits beyond the working precision (no global state touched)."""
    from mpmath import libmp

    return mpmath.mp.make_mpf(libmp.from_rational(f.numerator, f.denominator, mpmath.mp.prec + guard, "n"))


def _check_finite_nonneg(kind, vals, what):
    if kind == "float":
        bad = ~np.isfinite(vals) | (vals < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            _report_bad(float(vals[i]), f"{what}[{i}]")
        return
    for i, v in enumerate(vals):
        if (kind == "mp" and not mpmath.isfinite(v)) or v < 0:
            _report_bad(v, f"{what}[{i}]")


def _report_bad(v, where):
    if v != v:
        raise ValueError(f"{where} is NaN; probabilities must be finite and >= 0")
    if v in (math.inf, -math.inf) or (isinstance(v, mpmath.mpf) and mpmath.isinf(v)):
        raise ValueError(f"{where} is infinite; probabilities must be finite and >= 0")
    raise ValueError(f"{where} = {v} is negative; probabilities must be >= 0")


class Ranked:
    """A finite law on atoms in increasing reward order.

    Parameters
    ----------
    probs : sequence of numbers
        Probabilities of the atoms.  Without ``rewards`` they are taken to be
        in increasing reward order as given.
    rewards : sequence of numbers, optional
        Rewards of the atoms; the atoms are then sorted by reward (stable).
    ties : {"ordered", "merge"}
        ``"ordered"`` keeps equal rewards as distinct atoms in the given order;
        ``"merge"`` merges them into one atom (uniform random tie-break, B6).
    normalize : bool
        Divide the probabilities by their sum instead of requiring that they
        sum to 1.  Off by default: a law that does not sum to 1 is an error.

    Attributes
    ----------
    probs : tuple of Fraction | numpy.ndarray | tuple of mpf
        The probabilities as given (after sorting and merging).
    rewards : tuple | numpy.ndarray | None
    kind : {"exact", "float", "mp"}

    >>> law = Ranked([0.5, 0.3, 0.2], rewards=[2.0, 0.0, 1.0])
    >>> law.rewards, law.probs
    (array([0., 1., 2.]), array([0.3, 0.2, 0.5]))
    >>> len(law), law.kind
    (3, 'float')
    """

    __slots__ = ("probs", "rewards", "ties", "kind", "_cache")

    def __init__(self, probs, rewards=None, *, ties="ordered", normalize=False):
        if ties not in _TIES:
            raise ValueError(f"ties must be 'ordered' or 'merge', got {ties!r}")
        if not isinstance(normalize, (bool, np.bool_)):
            raise TypeError(f"normalize must be True or False, got {normalize!r}")
        kind, p = _classify(probs, "probs")
        if len(p) == 0:
            raise ValueError("a law needs at least one atom; got empty probs")
        _check_finite_nonneg(kind, p, "probs")
        r = None
        rkind = None
        if rewards is not None:
            rkind, r = _classify(rewards, "rewards")
            if len(r) != len(p):
                raise ValueError(f"rewards has {len(r)} entries but probs has {len(p)}; give one reward per atom")
            if rkind == "float":
                bad = ~np.isfinite(r)
                if bad.any():
                    i = int(np.flatnonzero(bad)[0])
                    raise ValueError(f"rewards[{i}] = {r[i]} is not finite; rewards must be finite numbers")
                order = np.argsort(r, kind="stable")
            else:
                for i, v in enumerate(r):
                    if rkind == "mp" and not mpmath.isfinite(v):
                        raise ValueError(f"rewards[{i}] = {v} is not finite; rewards must be finite numbers")
                order = sorted(range(len(p)), key=lambda i: r[i])  # stable
            p = p[order] if kind == "float" else [p[i] for i in order]
            r = r[order] if rkind == "float" else [r[i] for i in order]
            if ties == "merge":
                p, r = _merge(kind, p, r)
        total = _exact_total(kind, p)
        if total == 0:
            raise ValueError("probabilities sum to 0; a law needs positive total mass")
        if normalize:
            p = _normalized(kind, p, total)
        else:
            _check_sum(kind, total)
        self.kind = kind
        self.ties = ties
        if kind == "float":
            self.probs = np.array(p, dtype=np.float64)
            self.probs.setflags(write=False)
        else:
            self.probs = tuple(p)
        if r is None:
            self.rewards = None
        elif rkind == "float":
            self.rewards = np.array(r, dtype=np.float64)
            self.rewards.setflags(write=False)
        else:
            self.rewards = tuple(r)
        self._cache = {}

    # -- construction helpers ------------------------------------------------
    @classmethod
    def _raw(cls, kind, probs, rewards, ties="ordered"):
        """Build without validation (internal: values already checked)."""
        obj = cls.__new__(cls)
        obj.kind = kind
        obj.ties = ties
        if kind == "float":
            arr = np.array(probs, dtype=np.float64)
            arr.setflags(write=False)
            obj.probs = arr
        else:
            obj.probs = tuple(probs)
        obj.rewards = rewards
        obj._cache = {}
        return obj

    @classmethod
    def uniform(cls, L, rewards=None):
        """The exact uniform law on ``L`` atoms.

        >>> Ranked.uniform(3).probs
        (Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))
        """
        if isinstance(L, bool) or not isinstance(L, _pynumbers.Integral) or L < 1:
            raise ValueError(f"L must be a positive integer number of atoms, got {L!r}")
        return cls([Fraction(1, int(L))] * int(L), rewards)

    # -- views in each number system ----------------------------------------
    def __len__(self):
        return len(self.probs)

    def __repr__(self):
        if self.kind == "exact":
            ps = [str(f) for f in self.probs]
        elif self.kind == "float":
            ps = [float(x) for x in self.probs]
        else:
            ps = [x for x in self.probs]
        if len(ps) > 8:
            ps = ps[:3] + ["..."] + ps[-3:]
        s = f"Ranked({ps!r}"
        if self.rewards is not None:
            s += ", rewards=..."
        return s + f", kind={self.kind!r})"

    def fractions(self):
        """The exactly normalised probabilities as Fractions (cached).

        For float and mp laws this is the given binary values divided by their
        exact sum: the law bonsym computes with in every mode.
        """
        if "frac" not in self._cache:
            vals = [to_fraction_any(x) for x in self.probs]
            t = sum(vals, Fraction(0))
            self._cache["frac"] = tuple(v / t for v in vals) if t != 1 else tuple(vals)
        return self._cache["frac"]

    def reward_fractions(self):
        """Rewards as exact Fractions (floats and mpf converted exactly)."""
        if self.rewards is None:
            return None
        return tuple(to_fraction_any(x) for x in self.rewards)

    def float_array(self):
        """The probabilities as a float64 array (not normalised; see :meth:`float_probs`)."""
        if self.kind == "float":
            return np.asarray(self.probs)
        return self.float_probs()[0]

    def float_probs(self):
        """``(p, T)``: float64 probabilities and their (compensated) total."""
        if "float" not in self._cache:
            if self.kind == "float":
                p = np.asarray(self.probs)
            else:
                p = np.array([float(x) for x in self.probs], dtype=np.float64)
            self._cache["float"] = (p, _exact_total("float", p, accurate=True))
        return self._cache["float"]

    def float_rewards(self):
        if self.rewards is None:
            return None
        return np.asarray([float(x) for x in self.rewards], dtype=np.float64)

    def cdf(self):
        """Exact CDF values ``F_1, ..., F_L`` as Fractions.

        >>> Ranked(["1/2", "1/3", "1/6"]).cdf()
        (Fraction(1, 2), Fraction(5, 6), Fraction(1, 1))
        """
        out, acc = [], Fraction(0)
        for f in self.fractions():
            acc += f
            out.append(acc)
        return tuple(out)


def _exact_total(kind, p, accurate=False):
    """The sum of the probabilities: exact, mpf, or float (pairwise; compensated if ``accurate``)."""
    if kind == "exact":
        return sum(p, Fraction(0))
    if kind == "float":
        if accurate:
            from .summation import compensated_cumsum

            return float(compensated_cumsum(p)[-1])
        return float(np.sum(p))
    return mpmath.fsum(p)


def _check_sum(kind, total):
    if kind == "exact":
        if total != 1:
            shown = str(total) if len(str(total)) <= 40 else f"about {float(total)!r}"
            raise ValueError(
                f"exact probabilities must sum to exactly 1, they sum to {shown} (off 1 by {float(total - 1):.3g}); "
                "pass normalize=True to rescale"
            )
    elif abs(total - 1) > FLOAT_TOLERANCE:
        raise ValueError(
            f"probabilities sum to {float(total)!r}, off 1 by more than {FLOAT_TOLERANCE:g}; "
            "pass normalize=True to rescale"
        )


def _normalized(kind, p, total):
    if kind == "float":
        return p / total
    if kind == "exact":
        return [x / total for x in p]
    # mp: divide by the exact total, rounding once with guard bits
    fr = [to_fraction_any(x) for x in p]
    t = sum(fr, Fraction(0))
    return [_mpf_exactish(f / t) for f in fr]


def _merge(kind, p, r):
    """Merge runs of equal (sorted) rewards into one atom each."""
    n = len(r)
    starts = [0] + [i for i in range(1, n) if r[i] != r[i - 1]]
    ends = starts[1:] + [n]
    if kind == "float":
        from .summation import compensated_cumsum

        merged = np.array([float(compensated_cumsum(p[a:b])[-1]) for a, b in zip(starts, ends)])
    elif kind == "mp":
        merged = [mpmath.fsum(p[a:b]) for a, b in zip(starts, ends)]
    else:
        merged = [sum(p[a:b], Fraction(0)) for a, b in zip(starts, ends)]
    rr = [r[a] for a in starts]
    if isinstance(r, np.ndarray):
        rr = np.array(rr, dtype=np.float64)
    return merged, rr


def as_ranked(law):
    """Accept a :class:`Ranked` or a plain sequence of probabilities (increasing reward).

    >>> as_ranked([0.5, 0.5]).kind
    'float'
    """
    if isinstance(law, Ranked):
        return law
    return Ranked(law)
