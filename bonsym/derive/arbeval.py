"""Evaluate a SymPy expression in Arb balls (certified, no lambdify, no floats folded in).

Only what the derived closed forms use is supported: numbers (Integer,
Rational, the constants pi, E, EulerGamma), symbols bound to values, +, *,
powers, log, exp, sqrt, gamma, loggamma, harmonic numbers, polygamma and the
Gauss hypergeometric function 2F1.  Anything else raises ``TypeError`` naming
the node, so a closed form never silently falls back to floating point.

>>> import sympy
>>> from flint import ctx
>>> n = sympy.Symbol("n")
>>> old = ctx.prec; ctx.prec = 80
>>> print(arb_of(sympy.log(n) - (n - 1) / n, {n: 2}).str(12, radius=False))
0.193147180560
>>> ctx.prec = old
"""
from __future__ import annotations

from fractions import Fraction

__all__ = ["arb_of", "arb_supports"]


def _num(x):
    from flint import arb, fmpq

    from ..numbers import to_fraction_any

    if hasattr(x, "mid") and hasattr(x, "rad"):  # already a ball
        return x
    f = x if isinstance(x, Fraction) else to_fraction_any(x)
    return arb(fmpq(f.numerator, f.denominator))


def arb_of(expr, values):
    """The ball of SymPy ``expr`` with ``values`` ({Symbol: number or arb}) at the current flint precision."""
    import sympy
    from flint import arb

    vals = {k: _num(v) for k, v in values.items()}

    def ev(e):
        if e.is_Integer:
            return arb(int(e))
        if e.is_Rational:
            return _num(Fraction(int(e.p), int(e.q)))
        if e.is_Symbol:
            if e in vals:
                return vals[e]
            raise TypeError(f"no value given for the symbol {e}")
        if e is sympy.pi:
            return arb.pi()
        if e is sympy.E:
            return arb(1).exp()
        if e is sympy.EulerGamma:
            return arb.const_euler()
        if e.is_Add:
            out = arb(0)
            for a in e.args:
                out += ev(a)
            return out
        if e.is_Mul:
            out = arb(1)
            for a in e.args:
                out *= ev(a)
            return out
        if e.is_Pow:
            base, ex = e.args
            if ex.is_Integer:
                b = ev(base)
                k = int(ex)
                return b**k if k >= 0 else 1 / b ** (-k)
            if ex == sympy.Rational(1, 2):
                return ev(base).sqrt()
            return (ev(ex) * ev(base).log()).exp()
        if isinstance(e, sympy.log):
            return ev(e.args[0]).log()
        if isinstance(e, sympy.exp):
            return ev(e.args[0]).exp()
        if isinstance(e, sympy.gamma):
            return ev(e.args[0]).gamma()
        if isinstance(e, sympy.loggamma):
            return ev(e.args[0]).lgamma()
        if isinstance(e, sympy.harmonic):
            nn = ev(e.args[0])
            order = ev(e.args[1]) if len(e.args) > 1 else arb(1)
            if len(e.args) == 1 or e.args[1] == 1:
                return (nn + 1).digamma() + arb.const_euler()
            return order.zeta() - order.zeta(nn + 1)
        if isinstance(e, sympy.polygamma):
            k, x = e.args
            if k == 0:
                return ev(x).digamma()
            kk = int(k)
            # psi^(k)(x) = (-1)^(k+1) k! zeta(k+1, x)
            return (-1) ** (kk + 1) * arb.fac_ui(kk) * arb(kk + 1).zeta(ev(x))
        if isinstance(e, sympy.hyper):
            ap, bq, z = e.args
            if len(ap) == 2 and len(bq) == 1:
                a, b = (ev(x) for x in ap)
                c = ev(bq[0])
                return ev(z).hypgeom_2f1(a, b, c)
        raise TypeError(f"cannot evaluate {type(e).__name__} ({e}) in Arb balls")

    return ev(sympy.sympify(expr))


def arb_supports(expr):
    """True when every node of ``expr`` is one :func:`arb_of` can evaluate."""
    import sympy

    known = (sympy.Add, sympy.Mul, sympy.Pow, sympy.log, sympy.exp, sympy.gamma, sympy.loggamma,
             sympy.harmonic, sympy.polygamma, sympy.hyper, sympy.Symbol, sympy.Number)
    for node in sympy.preorder_traversal(expr):
        if node in (sympy.pi, sympy.E, sympy.EulerGamma) or isinstance(node, (sympy.Tuple,)):
            continue
        if isinstance(node, sympy.hyper):
            if len(node.args[0]) != 2 or len(node.args[1]) != 1:
                return False
            continue
        if not isinstance(node, known):
            return False
    return True
