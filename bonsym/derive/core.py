"""The :class:`Derivation` object."""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Derivation", "Step", "RELATIONS", "numeric_identity"]

#: relations a step may have to the previous one
RELATIONS = ("def", "=", "<=", "<", ">=", ">", "series")


@dataclass(frozen=True)
class Step:
    """One step: ``expr`` stands in ``relation`` to the previous step, because ``why``.

    ``check`` says how the step was checked (``"symbolic"``, ``"numeric 50 digits"``, ...)
    or is ``None`` when the step is a definition.
    """

    expr: object
    relation: str
    why: str
    check: str | None = None

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, got {self.relation!r}")


@dataclass
class Derivation:
    """A named chain of steps ending in a result (THEORY.md item in ``source``).

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> d = Derivation("square", "The square of a sum", "none")
    >>> _ = d.define((x + 1)**2, "definition")
    >>> _ = d.step(sympy.expand((x + 1)**2), "=", "expand", check="symbolic")
    >>> d.result
    x**2 + 2*x + 1
    >>> len(d.steps)
    2
    """

    name: str
    title: str
    source: str
    steps: list = field(default_factory=list)

    def define(self, expr, why):
        self.steps.append(Step(expr, "def", why))
        return expr

    def step(self, expr, relation, why, check=None):
        if not self.steps:
            raise ValueError("a derivation starts with define()")
        self.steps.append(Step(expr, relation, why, check))
        return expr

    @property
    def result(self):
        if not self.steps:
            raise ValueError(f"derivation {self.name!r} has no steps")
        return self.steps[-1].expr


def numeric_identity(lhs, rhs, syms, dps=40):
    """Check ``lhs == rhs`` at a few rational points (one value per symbol in ``syms``) to ``dps`` digits.

    Returns a label for :attr:`Step.check`; raises ``ArithmeticError`` naming the point on failure.
    """
    import mpmath
    import sympy

    points = [(sympy.Rational(7, 3), sympy.Rational(2, 5)), (sympy.Rational(23, 2), sympy.Rational(9, 10)),
              (sympy.Integer(2), sympy.Rational(1, 7))]
    for vals in points:
        sub = dict(zip(syms, vals))
        x = sympy.N(lhs.subs(sub), dps)
        y = sympy.N(rhs.subs(sub), dps)
        with mpmath.workdps(dps):
            bad = abs(mpmath.mpf(x) - mpmath.mpf(y)) > mpmath.mpf(10) ** (5 - dps) * (1 + abs(mpmath.mpf(y)))
        if bad:
            raise ArithmeticError(f"derivation step failed its check at {sub}: {x} != {y}")
    return f"numeric at {len(points)} points, {dps} digits"
