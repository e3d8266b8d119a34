"""The :class:`Derivation` object and the checks that its steps carry.

A step's ``check`` is either ``None`` (a definition, or a step stated without
proof) or a :class:`Check`, which only the check functions of this module
make, and only after the check has passed: a label such as ``"symbolic"``
cannot be attached to a step without running it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Derivation", "Step", "Check", "RELATIONS", "numeric_identity", "symbolic_identity",
           "quadrature_identity"]

#: relations a step may have to the previous one
RELATIONS = ("def", "=", "<=", "<", ">=", ">", "series")

_TOKEN = object()


@dataclass(frozen=True)
class Check:
    """The record of a check that passed: ``how`` says what was checked (for the LaTeX rendering).

    Made only by :func:`symbolic_identity`, :func:`numeric_identity` and
    :func:`quadrature_identity` (and :meth:`Check.combine` of checks that passed).
    """

    how: str
    kind: str  # "symbolic" or "numeric"
    _token: object = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self._token is not _TOKEN:
            raise TypeError("a Check is made by running a check function (symbolic_identity, numeric_identity, "
                            "quadrature_identity), not by hand")
        if self.kind not in ("symbolic", "numeric"):
            raise ValueError(f"kind must be 'symbolic' or 'numeric', got {self.kind!r}")

    def __str__(self):
        return self.how

    @staticmethod
    def combine(*checks):
        """One check standing for several that all passed (symbolic only if every part is)."""
        if not checks or not all(isinstance(c, Check) for c in checks):
            raise TypeError("combine() takes Check objects returned by check functions")
        kind = "symbolic" if all(c.kind == "symbolic" for c in checks) else "numeric"
        labels = []
        for c in checks:
            if c.how not in labels:
                labels.append(c.how)
        parts = [h if sum(c.how == h for c in checks) == 1 else f"{h} ({sum(c.how == h for c in checks)} cases)"
                 for h in labels]
        return _made("; ".join(parts), kind)


def _made(how, kind):
    return Check(how, kind, _TOKEN)


@dataclass(frozen=True)
class Step:
    """One step: ``expr`` stands in ``relation`` to the previous step, because ``why``.

    ``check`` is the :class:`Check` that confirmed the step, or ``None`` when
    the step is a definition or is stated without a check.
    """

    expr: object
    relation: str
    why: str
    check: Check | None = None

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, got {self.relation!r}")
        if self.check is not None and not isinstance(self.check, Check):
            raise TypeError(f"a step's check must be a Check returned by a check function, got {self.check!r}")


@dataclass
class Derivation:
    """A named chain of steps ending in a result (THEORY.md item in ``source``).

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> d = Derivation("square", "The square of a sum", "none")
    >>> _ = d.define((x + 1)**2, "definition")
    >>> e = sympy.expand((x + 1)**2)
    >>> _ = d.step(e, "=", "expand", check=symbolic_identity((x + 1)**2, e))
    >>> d.result
    x**2 + 2*x + 1
    >>> str(d.steps[1].check)
    'symbolic: SymPy simplifies the difference to 0'
    >>> d.step(x**2, "=", "wrong", check="symbolic")
    Traceback (most recent call last):
    ...
    TypeError: a step's check must be a Check returned by a check function, got 'symbolic'
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


def symbolic_identity(lhs, rhs, prepare=None):
    """Check ``lhs == rhs`` symbolically: SymPy simplifies ``lhs - rhs`` to 0.

    ``prepare`` (e.g. ``lambda e: expand_log(e, force=True)`` for positive
    symbols) is applied to the difference first.  Raises ``ArithmeticError``
    when SymPy cannot show the difference is 0.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> symbolic_identity(sympy.sin(x)**2 + sympy.cos(x)**2, 1).kind
    'symbolic'
    """
    import sympy

    diff = sympy.sympify(lhs) - sympy.sympify(rhs)
    if prepare is not None:
        diff = prepare(diff)
    if diff != 0 and sympy.simplify(diff) != 0:
        raise ArithmeticError(f"symbolic check failed: {lhs} - ({rhs}) does not simplify to 0")
    return _made("symbolic: SymPy simplifies the difference to 0", "symbolic")


def numeric_identity(lhs, rhs, syms, dps=40, points=None, tol_digits=5):
    """Check ``lhs == rhs`` at a few rational points (one value per symbol in ``syms``) to ``dps`` digits.

    Unevaluated integrals and sums in either side are evaluated numerically
    by SymPy.  Returns a :class:`Check`; raises ``ArithmeticError`` naming the
    point on failure.

    >>> import sympy
    >>> n = sympy.Symbol("n", positive=True)
    >>> str(numeric_identity(sympy.harmonic(n), sympy.digamma(n + 1) + sympy.EulerGamma, (n,)))
    'numeric at 3 points, 40 digits'
    """
    import mpmath
    import sympy

    if points is None:
        points = [(sympy.Rational(7, 3), sympy.Rational(2, 5)), (sympy.Rational(23, 2), sympy.Rational(9, 10)),
                  (sympy.Integer(2), sympy.Rational(1, 7))]
    for vals in points:
        sub = dict(zip(syms, vals))
        x = sympy.N(sympy.sympify(lhs).subs(sub).doit(), dps)
        y = sympy.N(sympy.sympify(rhs).subs(sub).doit(), dps)
        with mpmath.workdps(dps):
            try:
                xm, ym = (mpmath.mpc(*(mpmath.mpf(part) for part in sympy.sympify(z).as_real_imag()))
                          for z in (x, y))
            except (TypeError, ValueError):
                raise ArithmeticError(f"derivation step could not be evaluated at {sub}: {x} vs {y}") from None
            bad = abs(xm - ym) > mpmath.mpf(10) ** (tol_digits - dps) * (1 + abs(ym))
        if bad:
            raise ArithmeticError(f"derivation step failed its check at {sub}: {x} != {y}")
    return _made(f"numeric at {len(points)} points, {dps} digits", "numeric")


def quadrature_identity(value, integrand, var, points, *, limits=(0, 1), dps=40, breaks=None):
    """Check ``value == int_{limits} integrand d(var)`` by mpmath quadrature at ``dps + 10`` digits.

    ``points`` is a list of substitutions (dicts) for the other symbols;
    ``breaks(subs)`` gives interior points where the integrand has a kink.
    Returns a :class:`Check`; raises ``ArithmeticError`` on failure.

    >>> import sympy
    >>> u, n = sympy.symbols("u n", positive=True)
    >>> str(quadrature_identity(1 / (n + 1), u**n, u, [{n: 2}, {n: sympy.Rational(1, 3)}]))
    'quadrature at 2 points, 40 digits'
    """
    import mpmath
    import sympy

    for vals in points:
        closed = sympy.N(sympy.sympify(value).subs(vals), dps)
        f = sympy.lambdify(var, sympy.sympify(integrand).subs(vals), "mpmath")
        with mpmath.workdps(dps + 10):
            lo, hi = (mpmath.mpf(sympy.N(sympy.sympify(x).subs(vals), dps + 10)) for x in limits)
            inner = [mpmath.mpf(sympy.N(b, dps + 10)) for b in breaks(vals)] if breaks else []
            q = mpmath.quad(f, [lo] + inner + [hi])
            bad = abs(mpmath.mpf(closed) - q) > mpmath.mpf(10) ** (8 - dps) * (1 + abs(q))
        if bad:
            raise ArithmeticError(f"closed form {value} fails quadrature at {vals}: {closed} vs {q}")
    return _made(f"quadrature at {len(points)} points, {dps} digits", "numeric")
