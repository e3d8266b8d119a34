"""Verdicts: what a check found and how.

Rigour has names (see the README's "Verdicts" section):

``proved``
    symbolic, or certified interval arithmetic covering the whole domain;
``verified``
    checked on instances at high precision (never a proof);
``refuted``
    a counterexample, re-checked at higher precision before it is reported,
    whose margin is negative by more than its error bound;
``unknown``
    neither.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

__all__ = ["Verdict", "Margin", "margin_of", "check_on_instances", "STATUSES"]

STATUSES = ("proved", "verified", "refuted", "unknown")


@dataclass
class Verdict:
    """The outcome of checking a claim.

    >>> Verdict("verified", how="3 instances at 30 digits").status
    'verified'
    >>> Verdict("maybe", how="")
    Traceback (most recent call last):
    ...
    ValueError: status must be one of ('proved', 'verified', 'refuted', 'unknown'), got 'maybe'
    """

    status: str
    how: str
    margin: object = None
    counterexample: dict | None = None
    instances: int = 0
    details: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    def to_json(self):
        def conv(x):
            if isinstance(x, mpmath.mpf):
                return mpmath.nstr(x, 20)
            if isinstance(x, dict):
                return {k: conv(v) for k, v in x.items()}
            if isinstance(x, (list, tuple)):
                return [conv(v) for v in x]
            return x

        return {
            "status": self.status,
            "how": self.how,
            "margin": conv(self.margin),
            "counterexample": conv(self.counterexample),
            "instances": self.instances,
        }


#: default bound on the size of each side of a plain-number margin (see :func:`check_on_instances`)
DEFAULT_SCALE = 10**3


@dataclass(frozen=True)
class Margin:
    """A margin with an error bound: the true margin lies in ``[value - err, value + err]``.

    Build one with :func:`margin_of`; ``min`` and comparisons use ``value``.

    >>> m = margin_of(mpmath.mpf(1), mpmath.mpf(2), 30)
    >>> m.certainly_negative, m.value
    (True, mpf('-1.0'))
    >>> margin_of(mpmath.mpf(1), mpmath.mpf(1), 30).certainly_negative   # two equal rounded values
    False
    """

    value: object
    err: object

    @property
    def certainly_negative(self):
        return self.value + self.err < 0

    @property
    def certainly_zero(self):
        return self.value == 0 and self.err == 0

    def __lt__(self, other):
        return self.value < _value(other)

    def __le__(self, other):
        return self.value <= _value(other)

    def __gt__(self, other):
        return self.value > _value(other)

    def __ge__(self, other):
        return self.value >= _value(other)


def _value(x):
    return x.value if isinstance(x, Margin) else x


def _is_exact(x):
    return isinstance(x, (int, Fraction)) and not isinstance(x, bool)


def margin_of(lhs, rhs, dps):
    """``lhs - rhs`` with its error bound, for sides that are each correct to ``dps`` significant digits.

    A side given as an int or a Fraction is exact; an mpf or float side is taken to
    carry a relative error of at most ``10**-dps`` (bonsym's ``dps=k`` contract: k
    certified significant digits; the bound used is twice that).  The difference is
    formed at a higher precision and its rounding is added to the error bound.
    """
    prec = max(mpmath.mp.prec, int((dps + 10) * 3.33) + 64)
    ulp = mpmath.mpf(2) ** (1 - prec)
    with mpmath.workprec(prec):
        tol = 2 * mpmath.mpf(10) ** (-dps)
        err = mpmath.mpf(0)
        sides = []
        for side in (lhs, rhs):
            if _is_exact(side):
                x = mpmath.mpf(Fraction(side).numerator) / Fraction(side).denominator
            else:
                x = mpmath.mpf(side)
                err += tol * abs(x)
            err += ulp * abs(x)  # rounding of the side to this precision
            sides.append(x)
        value = sides[0] - sides[1]
        err = (err + ulp * abs(value)) * (1 + ulp * 8)  # the difference's rounding, and the error sum's
    return Margin(value, err)


def _is_ball(x):
    return type(x).__module__.startswith("flint")


def _interval(m, dps, scale):
    """``(value, err)`` of a margin: a Margin, an arb ball, an exact number, or a plain number."""
    if isinstance(m, Margin):
        return m.value, m.err
    if isinstance(m, bool):
        raise TypeError("a margin must be a number, a Margin or an arb ball, not a bool")
    if _is_exact(m):
        return m, 0
    if _is_ball(m):  # an arb ball: its midpoint and radius, exactly
        return mpmath.mpf(tuple(int(x) for x in m.mid().man_exp())), mpmath.mpf(tuple(int(x) for x in m.rad().man_exp()))
    # a plain number: each side of the margin is assumed to be at most `scale` in size, and correct
    # to dps digits (a Python float to no more than its own 53 bits)
    digits = min(dps, 15) if isinstance(m, float) else dps
    return m, mpmath.mpf(10) ** (-digits) * 2 * scale


def _is_nan(x):
    return not _is_exact(x) and mpmath.isnan(mpmath.mpf(x))


def _fmt(x):
    return str(x) if _is_exact(x) else mpmath.nstr(mpmath.mpf(x), 6)


def check_on_instances(margin, instances, *, dps, strict=False, recheck=None, describe=None, scale=None):
    """Check ``margin(instance, dps) >= 0`` (``> 0`` if ``strict``) on every instance.

    ``margin`` returns an exact number (int or Fraction), a :class:`Margin`
    (``margin_of(lhs, rhs, d)``: certified), an arb ball, or a plain mpf /
    float.  A plain number's error is not known to this function: it is bounded
    by assuming each side of the difference is at most ``scale(instance)`` (or
    the number ``scale``; default ``DEFAULT_SCALE``) in size, so the error at ``d``
    digits is ``2 * scale * 10**-d``; an instance whose two evaluations differ by
    more than that breaks the assumption and cannot refute.

    An instance whose margin is negative (or, if ``strict``, zero) at ``dps``
    digits is re-checked by ``recheck(instance)`` (default: the margin at
    ``2 dps + 20`` digits).  It refutes the claim only if the re-checked margin
    is negative by more than its error bound (for ``strict``, also an exactly
    zero margin); if its sign cannot be certified the instance is counted as
    uncertain.  Returns ``refuted`` with the first certified counterexample,
    else ``unknown`` if some instance was uncertain, else ``verified`` with the
    smallest margin seen.  ``describe(instance)`` turns an instance into a
    JSON-able dict for the counterexample.
    """
    hi = 2 * dps + 20
    worst = None
    count = 0
    uncertain = []
    for inst in instances:
        sc = DEFAULT_SCALE if scale is None else (scale(inst) if callable(scale) else scale)
        m = margin(inst, dps)
        v, _ = _interval(m, dps, sc)
        count += 1
        if _is_nan(v):  # a margin that could not be evaluated proves nothing either way
            uncertain.append((count, "its margin is nan"))
            continue
        if worst is None or v < worst:
            worst = v
        if v < 0 or (strict and v == 0):
            m2 = recheck(inst) if recheck is not None else margin(inst, hi)
            v2, e2 = _interval(m2, hi, sc)
            if _is_nan(v2) or _is_nan(e2):
                uncertain.append((count, "its re-checked margin is nan"))
                continue
            consistent = True
            if recheck is None and not isinstance(m, Margin) and not _is_exact(m) and not _is_ball(m):
                # plain numbers: the two evaluations must agree within the assumed error at dps digits
                consistent = abs(mpmath.mpf(v) - mpmath.mpf(v2)) <= mpmath.mpf(10) ** (-dps) * 2 * sc + e2
            certain = consistent and (v2 + e2 < 0 or (strict and v2 == 0 and e2 == 0))
            if certain:
                ce = describe(inst) if describe else {"instance": repr(inst)}
                ce["margin"] = v2
                where = f"at {hi} digits" if recheck is None else "by its re-check"
                return Verdict("refuted", how=f"counterexample found on instance {count}, re-checked {where}: "
                               f"margin {_fmt(v2)}, negative beyond its error bound {_fmt(e2)}", margin=v2,
                               counterexample=ce, instances=count)
            if v2 < 0 or (strict and v2 == 0) or not consistent:
                why = ("its evaluations at two precisions disagree beyond the assumed error"
                       if not consistent else f"margin {_fmt(v2)} within its error bound {_fmt(e2)}")
                uncertain.append((count, why))
    if uncertain:
        first, why = uncertain[0]
        return Verdict("unknown", how=f"{len(uncertain)} of {count} instances have a margin whose sign "
                       f"could not be certified (first: instance {first}, {why})", margin=worst, instances=count,
                       details={"uncertain": [i for i, _ in uncertain]})
    return Verdict("verified", how=f"{count} seeded instances at {dps} digits", margin=worst, instances=count)
