"""f-divergences of continuous best-of-n, derived by SymPy (THEORY.md M14-M16).

For an atomless reward law the best-of-n policy has likelihood ratio
``n u^(n-1)`` in quantile space (the law of the maximum of n uniforms,
``Beta(n, 1)``), so for every f-divergence

.. math:: D_f(\\mathrm{BoN}_n \\| \\mathrm{ref}) = D_f(P_n \\| U) = \\int_0^1 f(n u^{n-1})\\,du ,

and by data processing this is an upper bound for every finite law (M14).
SymPy evaluates the integral for each kind below, with the guidance it needs
(THEORY.md P10-P13): the chi-square integral with ``n = k + 1`` and ``k > 0``
(otherwise SymPy returns nan); the Rényi integral with a positive symbol for
``alpha (n - 1)`` (otherwise a spurious ``0**(...)`` term); total variation by
splitting at the crossing point ``u* = n^(-1/(n-1))``; Jensen-Shannon by two
integrations by parts down to ``int du/(1 + n u^(n-1))``, which SymPy returns
as a Lerch transcendent, rewritten as a Gauss 2F1.  Every step is checked
(symbolically, or numerically at 40 digits against mpmath quadrature) before
the result is accepted, and results are cached on disk.

Symbols: ``n`` (positive), ``alpha`` (positive).
"""
from __future__ import annotations

from .cache import cached
from .core import Check, Derivation, numeric_identity, symbolic_identity

__all__ = ["KINDS", "derivation", "closed_form", "symbols"]

#: the divergences derived here
KINDS = ("kl", "reverse_kl", "chi2", "tv", "hellinger", "renyi", "js")


def symbols():
    """The SymPy symbols of the closed forms: ``(n, alpha)``."""
    import sympy

    return sympy.Symbol("n", positive=True), sympy.Symbol("alpha", positive=True)


def _u():
    import sympy

    return sympy.Symbol("u", positive=True)


def _quad_check(expr, integrand, syms_values, dps=40, breaks=None):
    """Check a closed form against mpmath quadrature of its integral over u in [0, 1] at a few points."""
    from .core import quadrature_identity

    return quadrature_identity(expr, integrand, _u(), syms_values, dps=dps, breaks=breaks)


def _points():
    import sympy

    n, alpha = symbols()
    return [{n: sympy.Integer(2), alpha: sympy.Rational(1, 2)},
            {n: sympy.Rational(9, 2), alpha: sympy.Integer(2)},
            {n: sympy.Integer(17), alpha: sympy.Rational(7, 3)}]


def _generator(kind):
    """The generator f(t) of the kind (``None`` for Rényi, which is not an f-divergence itself)."""
    import sympy

    t = sympy.Symbol("t", positive=True)
    return t, {
        "kl": t * sympy.log(t),
        "reverse_kl": -sympy.log(t),
        "chi2": (t - 1) ** 2,
        "tv": sympy.Abs(t - 1) / 2,
        "hellinger": (sympy.sqrt(t) - 1) ** 2 / 2,
        "js": (t * sympy.log(t) - (1 + t) * sympy.log((1 + t) / 2)) / 2,
        "renyi": None,
    }[kind]


def derivation(kind):
    """The :class:`~bonsym.derive.Derivation` of ``D_kind(P_n || U)`` (M16)."""
    if kind not in KINDS:
        raise ValueError(f"unknown divergence {kind!r}; known: {', '.join(KINDS)}")
    return _DERIVE[kind]()


def closed_form(kind):
    """The derived closed form of ``D_kind(P_n || U)`` in ``n`` (and ``alpha``), from the disk cache."""
    import sympy

    if kind not in KINDS:
        raise ValueError(f"unknown divergence {kind!r}; known: {', '.join(KINDS)}")
    text = cached(f"bon_fdiv_{kind}", lambda: str(derivation(kind).result), validate=lambda t: _validate(kind, t))
    return _parse(text)


def _parse(text):
    from .cache import parse_expression

    n, alpha = symbols()
    return parse_expression(text, {"n": n, "alpha": alpha})


def _definition(kind):
    """``(integrand in u, breaks)`` of ``D_kind(P_n || U) = int_0^1 integrand du`` (Rényi: of ``exp((alpha-1) D)``)."""
    import sympy

    n, alpha = symbols()
    u = _u()
    lr = n * u ** (n - 1)
    if kind == "renyi":
        return lr**alpha, None
    t, f = _generator(kind)
    breaks = (lambda v: [(n ** (-1 / (n - 1))).subs(v)]) if kind == "tv" else None
    return f.subs(t, lr), breaks


def _validate(kind, text):
    """A cached closed form must match quadrature of its definition at three generic points (20 digits)."""
    import sympy

    expr = _parse(text)
    n, alpha = symbols()
    integrand, breaks = _definition(kind)
    if kind == "renyi":
        expr = sympy.exp((alpha - 1) * expr)
    R = sympy.Rational
    pts = [{n: R(13, 4), alpha: R(5, 3)}, {n: R(11, 7), alpha: R(2, 5)}, {n: R(29, 2), alpha: R(17, 4)}]
    _quad_check(expr, integrand, pts, dps=20, breaks=breaks)


def _start(kind, title):
    import sympy

    n, alpha = symbols()
    u = _u()
    t, f = _generator(kind)
    d = Derivation(f"bon_{kind}", title, "M16")
    lr = n * u ** (n - 1)
    if f is not None:
        d.define(sympy.Integral(f.subs(t, lr), (u, 0, 1)),
                 f"D_f(P_n || U) = int_0^1 f(n u^(n-1)) du with f(t) = {f} (M14: the likelihood ratio of "
                 "the maximum of n uniforms)")
    return d, n, alpha, u, lr


def _kl():
    import sympy

    d, n, alpha, u, lr = _start("kl", "KL of continuous best-of-n")
    integrand = sympy.expand(sympy.expand_log(lr * sympy.log(lr), force=True))
    d.step(sympy.Integral(integrand, (u, 0, 1)), "=", "log(n u^(n-1)) = log n + (n-1) log u",
           check=symbolic_identity(integrand, lr * sympy.log(lr), prepare=lambda e: sympy.expand_log(e, force=True)))
    res = sympy.simplify(sympy.integrate(integrand, (u, 0, 1)))
    d.step(res, "=", "SymPy integrates", check=_quad_check(res, lr * sympy.log(lr), _points()))
    return d


def _reverse_kl():
    import sympy

    d, n, alpha, u, lr = _start("reverse_kl", "Reverse KL of continuous best-of-n, KL(U || P_n)")
    integrand = sympy.expand_log(-sympy.log(lr), force=True)
    res = sympy.simplify(sympy.integrate(integrand, (u, 0, 1)))
    d.step(res, "=", "expand the log and integrate", check=_quad_check(res, -sympy.log(lr), _points()))
    return d


def _chi2():
    import sympy

    d, n, alpha, u, lr = _start("chi2", "Chi-square of continuous best-of-n")
    k = sympy.Symbol("k", positive=True)
    lrk = (k + 1) * u**k
    d.step(sympy.Integral(sympy.expand((lrk - 1) ** 2), (u, 0, 1)), "=",
           "n = k + 1 with k > 0, expanded (SymPy returns nan on the raw integral, THEORY.md P11)",
           check=symbolic_identity(sympy.expand((lrk - 1) ** 2), ((lr - 1) ** 2).subs(n, k + 1)))
    res_k = sympy.factor(sympy.integrate(sympy.expand((lrk - 1) ** 2), (u, 0, 1)))
    d.step(res_k, "=", "SymPy integrates term by term",
           check=_quad_check(res_k, (lrk - 1) ** 2, [{k: sympy.Integer(1)}, {k: sympy.Rational(7, 2)},
                                                     {k: sympy.Rational(1, 5)}]))
    res = sympy.factor(res_k.subs(k, n - 1))
    d.step(res, "=", "k = n - 1", check=_quad_check(res, (lr - 1) ** 2, _points()))
    return d


def _tv():
    import sympy

    d, n, alpha, u, lr = _start("tv", "Total variation of continuous best-of-n")
    roots = sympy.solve(sympy.Eq(lr, 1), u)
    if len(roots) != 1:
        raise ArithmeticError(f"expected one crossing point, SymPy found {roots}")
    us = roots[0]
    d.step(sympy.Integral(lr - 1, (u, us, 1)), "=",
           f"n u^(n-1) crosses 1 once, at u* = {us}; since int (f - 1) = 0, TV = int over u > u* of (f - 1)",
           check=symbolic_identity(lr.subs(u, us), 1, prepare=lambda e: sympy.powdenest(e, force=True)))
    res = sympy.integrate(lr - 1, (u, us, 1))
    res = sympy.powsimp(sympy.powdenest(sympy.expand(res), force=True), force=True)
    d.step(res, "=", "SymPy integrates", check=_quad_check(res, sympy.Abs(lr - 1) / 2, _points(),
                                                           breaks=lambda v: [us.subs(v)]))
    # u* - u*^n = u*^n (u*^(1-n) - 1) = (n - 1) n^(-n/(n-1))
    nicer = (n - 1) * n ** (-n / (n - 1))
    d.step(nicer, "=", "u*^(1-n) = n, so u* - u*^n = (n - 1) u*^n", check=numeric_identity(res, nicer, (n,)))
    return d


def _hellinger():
    import sympy

    d, n, alpha, u, lr = _start("hellinger", "Squared Hellinger distance (1/2 convention) of continuous best-of-n")
    bc = sympy.integrate(sympy.powdenest(sympy.sqrt(lr), force=True), (u, 0, 1))
    d.step(1 - sympy.Integral(sympy.sqrt(lr), (u, 0, 1)), "=",
           "(sqrt t - 1)^2/2 integrates to 1 - int sqrt(f) (both densities integrate to 1)",
           check=_quad_check(1 - sympy.Integral(sympy.sqrt(lr), (u, 0, 1)), (sympy.sqrt(lr) - 1) ** 2 / 2,
                             _points(), dps=20))
    res = sympy.factor(sympy.simplify(1 - bc))
    d.step(res, "=", "SymPy integrates the Bhattacharyya coefficient 2 sqrt(n)/(n+1)",
           check=_quad_check(res, (sympy.sqrt(lr) - 1) ** 2 / 2, _points()))
    return d


def _renyi():
    import sympy

    n, alpha = symbols()
    u = _u()
    lr = n * u ** (n - 1)
    d = Derivation("bon_renyi", "Rényi divergence of order alpha of continuous best-of-n", "M16")
    d.define(sympy.log(sympy.Integral(lr**alpha, (u, 0, 1))) / (alpha - 1),
             "D_alpha(P_n || U) = log(int f^alpha)/(alpha - 1), alpha > 0, alpha != 1")
    k = sympy.Symbol("k", positive=True)
    moment_k = sympy.integrate(n**alpha * u**k, (u, 0, 1))
    d.step(sympy.log(moment_k) / (alpha - 1), "=",
           "f^alpha = n^alpha u^k with k = alpha (n - 1) > 0 declared positive (otherwise SymPy keeps a "
           "spurious 0**(k+1) term, THEORY.md P12)",
           check=_quad_check(moment_k, n**alpha * u**k, [{n: sympy.Integer(3), alpha: sympy.Rational(1, 2),
                                                           k: sympy.Rational(7, 3)},
                                                          {n: sympy.Rational(9, 2), alpha: sympy.Integer(2),
                                                           k: sympy.Rational(1, 9)}]))
    res = sympy.log(moment_k.subs(k, alpha * (n - 1))) / (alpha - 1)
    d.step(res, "=", "k = alpha (n - 1); finite for alpha (n - 1) + 1 > 0",
           check=_quad_check(sympy.exp((alpha - 1) * res), lr**alpha, _points()))
    return d


def _js():
    import sympy

    d, n, alpha, u, lr = _start("js", "Jensen-Shannon divergence of continuous best-of-n")
    m = sympy.Symbol("m", positive=True)  # m = n - 1
    f = (m + 1) * u**m
    integrand = _generator("js")[1].subs(_generator("js")[0], f)
    pts = [{m: sympy.Integer(1)}, {m: sympy.Rational(7, 2)}]

    def against_definition(expr):
        # the step's value (unevaluated integrals done by quadrature) equals the defining integral
        return _quad_check(expr, integrand, pts, dps=20)

    J = sympy.Integral((1 + f) * sympy.log(1 + f), (u, 0, 1))
    kbar = sympy.log(m + 1) - m / (m + 1)
    step1 = (kbar + 2 * sympy.log(2) - J) / 2
    d.step(step1, "=", "expand: JS = (1/2)[int f log f + log 2 int (1 + f) - int (1+f) log(1+f)]",
           check=against_definition(step1))
    # by parts: J = (1+n) log(1+n) - m int f log(1+f) - m
    K = sympy.Integral(f * sympy.log(1 + f), (u, 0, 1))
    by_parts_1 = (m + 2) * sympy.log(m + 2) - m * K - m
    step2 = (kbar + 2 * sympy.log(2) - by_parts_1) / 2
    d.step(step2, "=", "parts with u: d/du[(1+f) log(1+f)] u = m f (log(1+f) + 1)", check=against_definition(step2))
    # by parts again: int f log(1+f) = log(1+n) - m int n u^(2m)/(1 + n u^m); polynomial division
    I0 = sympy.Integral(1 / (1 + f), (u, 0, 1))
    division = (u**m - (1 - 1 / (1 + f)) / (m + 1)) - (m + 1) * u ** (2 * m) / (1 + f)
    division_check = symbolic_identity(division, 0)
    K_value = sympy.log(m + 2) - m * (1 / (m + 1) - (1 - I0) / (m + 1))
    by_parts_2 = (m + 2) * sympy.log(m + 2) - m * K_value - m
    step3 = sympy.expand((kbar + 2 * sympy.log(2) - by_parts_2) / 2)
    d.step(step3, "=", "parts with u^n, then n u^(2m)/(1 + n u^m) = u^m - (1 - 1/(1 + n u^m))/n",
           check=Check.combine(division_check, against_definition(step3)))
    i0 = sympy.integrate(1 / (1 + f), (u, 0, 1))
    hyp = sympy.hyper([1, 1 / m], [1 + 1 / m], -(m + 1))
    d.step(hyp, "=", f"SymPy: int_0^1 du/(1 + n u^m) = {i0}, a Lerch transcendent, = 2F1(1, 1/m; 1 + 1/m; -n)",
           check=_lerch_check(i0, hyp, m))
    res = sympy.expand((kbar + 2 * sympy.log(2) - by_parts_2.subs(I0, hyp).doit()) / 2)
    res = res.subs(m, n - 1)
    res = sympy.expand_log(res, force=True)
    d.step(res, "=", "m = n - 1", check=_quad_check(res, _generator("js")[1].subs(_generator("js")[0], lr),
                                                    _points()))
    return d


def _lerch_check(a, b, m, dps=30):
    import sympy

    return numeric_identity(a, b, (m,), dps=dps, points=[(sympy.Rational(1, 2),), (sympy.Integer(3),),
                                                         (sympy.Integer(16),)], tol_digits=10)


_DERIVE = {
    "kl": _kl,
    "reverse_kl": _reverse_kl,
    "chi2": _chi2,
    "tv": _tv,
    "hellinger": _hellinger,
    "renyi": _renyi,
    "js": _js,
}
