"""Evaluate a SymPy expression in Arb balls (certified, no lambdify, no floats folded in).

Only what the derived closed forms use is supported: numbers (Integer,
Rational, the constants pi, E, EulerGamma), symbols bound to values, +, *,
powers, log, exp, sqrt, gamma, loggamma, harmonic numbers, polygamma and the
Gauss hypergeometric function 2F1.  Anything else raises ``TypeError`` naming
the node, so a closed form never silently falls back to floating point.

:func:`compile_arb` turns the expression into a tree of Python closures once
(no SymPy work per evaluation), for closed forms evaluated many times.

>>> import sympy
>>> from flint import ctx
>>> n = sympy.Symbol("n")
>>> old = ctx.prec; ctx.prec = 80
>>> print(arb_of(sympy.log(n) - (n - 1) / n, {n: 2}).str(12, radius=False))
0.193147180560
>>> f = compile_arb(sympy.log(n) - (n - 1) / n, [n])
>>> print(f(2).str(12, radius=False))
0.193147180560
>>> ctx.prec = old
"""
from __future__ import annotations

from fractions import Fraction

__all__ = ["arb_of", "arb_supports", "compile_arb"]


def _num(x):
    from flint import arb, fmpq

    from ..numbers import to_fraction_any

    if hasattr(x, "mid") and hasattr(x, "rad"):  # already a ball
        return x
    f = x if isinstance(x, Fraction) else to_fraction_any(x)
    return arb(fmpq(f.numerator, f.denominator))


def compile_arb(expr, symbols):
    """Compile SymPy ``expr`` into ``fn(*values) -> arb`` (values in the order of ``symbols``).

    Values are numbers (int, Fraction, float as its exact binary value, mpf)
    or arb balls; the result is computed at the flint precision current at
    call time.  Raises ``TypeError`` at compile time for an unsupported node.
    """
    import sympy
    from flint import arb, fmpq

    index = {s: i for i, s in enumerate(symbols)}

    def comp(e):
        if e.is_Integer:
            k = int(e)
            return lambda v: arb(k)
        if e.is_Rational:
            q = fmpq(int(e.p), int(e.q))
            return lambda v: arb(q)
        if e.is_Symbol:
            if e in index:
                i = index[e]
                return lambda v: v[i]
            raise TypeError(f"no value given for the symbol {e}")
        if e is sympy.pi:
            return lambda v: arb.pi()
        if e is sympy.E:
            return lambda v: arb(1).exp()
        if e is sympy.EulerGamma:
            return lambda v: arb.const_euler()
        if e.is_Add or e.is_Mul:
            fs = [comp(a) for a in e.args]
            if e.is_Add:
                def add(v):
                    out = fs[0](v)
                    for g in fs[1:]:
                        out = out + g(v)
                    return out
                return add

            def mul(v):
                out = fs[0](v)
                for g in fs[1:]:
                    out = out * g(v)
                return out
            return mul
        if e.is_Pow:
            base, ex = e.args
            fb = comp(base)
            if ex.is_Integer:
                k = int(ex)
                if k >= 0:
                    return lambda v: fb(v) ** k
                return lambda v: 1 / fb(v) ** (-k)
            if ex == sympy.Rational(1, 2):
                return lambda v: fb(v).sqrt()
            fe = comp(ex)
            return lambda v: (fe(v) * fb(v).log()).exp()
        if isinstance(e, (sympy.log, sympy.exp, sympy.gamma, sympy.loggamma)):
            fa = comp(e.args[0])
            name = {sympy.log: "log", sympy.exp: "exp", sympy.gamma: "gamma", sympy.loggamma: "lgamma"}[type(e)]
            return lambda v: getattr(fa(v), name)()
        if isinstance(e, sympy.harmonic):
            fn_ = comp(e.args[0])
            if len(e.args) == 1 or e.args[1] == 1:
                return lambda v: (fn_(v) + 1).digamma() + arb.const_euler()
            fo = comp(e.args[1])

            def harm(v):
                order = fo(v)
                return order.zeta() - order.zeta(fn_(v) + 1)
            return harm
        if isinstance(e, sympy.polygamma):
            k, x = e.args
            fx = comp(x)
            if k == 0:
                return lambda v: fx(v).digamma()
            kk = int(k)
            # psi^(k)(x) = (-1)^(k+1) k! zeta(k+1, x)
            return lambda v: (-1) ** (kk + 1) * arb.fac_ui(kk) * arb(kk + 1).zeta(fx(v))
        if isinstance(e, sympy.hyper):
            ap, bq, z = e.args
            if len(ap) == 2 and len(bq) == 1:
                fa, fb2 = (comp(x) for x in ap)
                fc, fz = comp(bq[0]), comp(z)
                return lambda v: fz(v).hypgeom_2f1(fa(v), fb2(v), fc(v))
        raise TypeError(f"cannot evaluate {type(e).__name__} ({e}) in Arb balls")

    body = comp(sympy.sympify(expr))

    def fn(*values):
        if len(values) != len(index):
            raise TypeError(f"expected {len(index)} values, got {len(values)}")
        return body(tuple(_num(x) for x in values))

    return fn


def arb_of(expr, values):
    """The ball of SymPy ``expr`` with ``values`` ({Symbol: number or arb}) at the current flint precision."""
    syms = list(values)
    return compile_arb(expr, syms)(*[values[s] for s in syms])


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
        if isinstance(node, sympy.Number) and not node.is_finite:
            return False  # oo, zoo, nan: not a value
        if not isinstance(node, known):
            return False
    return True
