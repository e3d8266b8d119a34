"""Verdicts: what a check found and how.

Rigour has names (see the README's "Verdicts" section):

``proved``
    symbolic, or certified interval arithmetic covering the whole domain;
``verified``
    checked on instances at high precision (never a proof);
``refuted``
    a counterexample, re-checked at higher precision before it is reported;
``unknown``
    neither.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import mpmath

__all__ = ["Verdict", "check_on_instances", "STATUSES"]

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


def check_on_instances(margin, instances, *, dps, strict=False, recheck=None, describe=None):
    """Check ``margin(instance, dps) >= 0`` (``> 0`` if ``strict``) on every instance.

    Returns ``verified`` with the smallest margin seen, or ``refuted`` with the
    first failing instance, but only once ``recheck(instance)`` (default: the
    margin at ``max(2 dps, dps + 20)`` digits) is certainly negative: a margin
    that is zero at working precision (two rounded values that agree) is
    rechecked and never refutes by itself.  ``describe(instance)`` turns an
    instance into a JSON-able dict for the counterexample.
    """
    hi = max(2 * dps, dps + 20)
    worst = None
    count = 0
    for inst in instances:
        m = margin(inst, dps)
        count += 1
        if worst is None or m < worst:
            worst = m
        if m < 0 or (strict and m == 0):
            m2 = recheck(inst) if recheck is not None else margin(inst, hi)
            if m2 < 0:
                ce = describe(inst) if describe else {"instance": repr(inst)}
                ce["margin"] = m2
                return Verdict("refuted", how=f"counterexample found on instance {count}, "
                               f"re-checked at {hi} digits", margin=m2,
                               counterexample=ce, instances=count)
    return Verdict("verified", how=f"{count} seeded instances at {dps} digits", margin=worst, instances=count)
