"""Exponential order statistics and the f-divergences of continuous best-of-n (THEORY.md M13-M16).

Mroueh's route: a continuous reward is a monotone image of Exp(1), best-of-n of
it is the same image of the maximum of n Exp(1), which equals
``sum_{j<=n} E_j / j`` in law (the Rényi representation).  In quantile space
best-of-n has likelihood ratio ``n u^(n-1)`` against the reference, so for
every f-divergence (data processing, M14)

.. math:: D_f(\\mathrm{BoN}_n(p) \\| p) \\le D_f(P_n \\| U) = \\int_0^1 f(n u^{n-1})\\,du ,

with equality for atomless rewards.  The closed forms are derived by SymPy in
:mod:`bonsym.derive.fdivergences` and :mod:`bonsym.derive.orderstats` (cached
on disk) and evaluated here: exactly (SymPy), in certified Arb balls
(``dps=k``), or as floats (the certified 20-digit value rounded to a double).

>>> bon_divergence("chi2", 4, exact=True)
9/7
>>> round(bon_divergence("tv", 4), 12)
0.472470393711
>>> exp_max(3).mean(exact=True)
11/6
"""
from __future__ import annotations

import math

import mpmath

from .numbers import arb_eval, resolve_mode, to_fraction_any
from .order import check_n

__all__ = ["bon_divergence", "bon_f_divergence", "exp_max", "ExpMax", "DIVERGENCES", "check_kind"]

#: the divergence kinds of :func:`bon_divergence` and :func:`bonsym.divergence`
DIVERGENCES = ("kl", "reverse_kl", "chi2", "tv", "hellinger", "renyi", "js")

_FLOAT_DPS = 20


def check_kind(kind, alpha):
    """Validate a divergence kind and its order; return alpha as ``None``, a Fraction or ``math.inf``."""
    if not isinstance(kind, str) or kind not in DIVERGENCES:
        raise ValueError(f"unknown divergence {kind!r}; accepted kinds: {', '.join(DIVERGENCES)}")
    if kind != "renyi":
        if alpha is not None:
            raise ValueError(f"alpha is the order of the Rényi divergence; it does not apply to kind={kind!r}")
        return None
    if alpha is None:
        raise ValueError("kind='renyi' needs its order: pass alpha > 0 (alpha = 1 is KL, alpha = inf is D_inf)")
    if isinstance(alpha, bool):
        raise TypeError("alpha must be a number > 0, got a bool")
    if _is_inf(alpha):
        return math.inf
    try:
        a = to_fraction_any(alpha)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"alpha must be a finite number > 0 or inf, got {alpha!r}") from None
    if a <= 0:
        raise ValueError(f"the Rényi order alpha must be > 0, got {alpha}")
    return a


def _is_inf(x):
    if isinstance(x, (float, mpmath.mpf)):
        return x == math.inf
    if type(x).__module__.startswith("sympy"):
        import sympy

        return x == sympy.oo
    return False


def _numeric(compute, mode, dps, extra_bits=10):
    """Certified mpf (``mp``) or float (the certified 20-digit value rounded)."""
    if mode == "mp":
        return arb_eval(compute, dps, extra_bits=extra_bits)
    return float(arb_eval(compute, _FLOAT_DPS, extra_bits=extra_bits))


def _zero(mode):
    import sympy

    return {"exact": sympy.Integer(0), "mp": mpmath.mpf(0), "float": 0.0}[mode]


def _ball(f):
    from flint import arb, fmpq

    return arb(fmpq(f.numerator, f.denominator))


def bon_divergence(kind, n, *, alpha=None, dps=None, exact=False):
    """``D_kind(P_n || U) = int_0^1 f(n u^(n-1)) du``: the divergence of continuous best-of-n from the reference.

    An upper bound on ``D_kind(BoN_n(p) || p)`` for every finite law ``p``
    (data processing, M14), attained for atomless rewards (M15).  Kinds:
    ``"kl"``, ``"reverse_kl"`` (KL(U || P_n)), ``"chi2"``, ``"tv"``,
    ``"hellinger"`` (squared, 1/2 convention: ``1 - BC``), ``"renyi"`` (order
    ``alpha > 0``; ``alpha = 1`` is KL and ``alpha = inf`` gives ``log n``),
    ``"js"`` (Jensen-Shannon, natural log).  With a SymPy symbol ``n``
    (``exact=True``) returns the expression in ``n``.

    >>> import sympy
    >>> n = sympy.Symbol("n", positive=True)
    >>> bon_divergence("hellinger", n, exact=True)
    (-2*sqrt(n) + n + 1)/(n + 1)
    >>> round(bon_divergence("renyi", 4, alpha=2), 12)    # log(16/7)
    0.826678573184
    """
    a = check_kind(kind, alpha)
    mode = resolve_mode(dps, exact)
    order = check_n(n, symbolic_ok=(mode == "exact"))
    if order.is_one:
        return _zero(mode)
    if kind == "renyi" and a == 1:
        kind, a = "kl", None
    import sympy

    from .derive.fdivergences import closed_form, symbols

    ns, als = symbols()
    if kind == "renyi" and a == math.inf:
        expr = sympy.log(ns)
    else:
        expr = closed_form(kind)
    if mode == "exact":
        subs = {ns: order.sympy()}
        if kind == "renyi" and a != math.inf:
            subs[als] = sympy.Rational(a.numerator, a.denominator)
        return expr.subs(subs)
    from .derive.arbeval import arb_of

    values = {ns: order.as_fraction()}
    if kind == "renyi" and a != math.inf:
        values[als] = a
    return _numeric(lambda prec: arb_of(expr, values), mode, dps, extra_bits=order.bits() + 20)


def bon_f_divergence(f, n, *, dps=None, exact=False):
    """``int_0^1 f(n u^(n-1)) du`` for a user generator ``f`` (a SymPy Lambda, or an expression in one symbol).

    SymPy integrates with the guidance that works for the textbook generators
    (logs expanded, powers denested, no convergence conditions); when it finds
    a closed form, ``exact=True`` returns it and ``dps``/float evaluate it in
    certified Arb balls.  Otherwise ``exact=True`` returns the unevaluated
    ``Integral`` and the numeric modes use mpmath quadrature, accepted only
    when two quadratures 15 digits apart agree to the requested digits (a
    check, not a certificate).

    >>> import sympy
    >>> t = sympy.Symbol("t")
    >>> bon_f_divergence((t - 1)**2, 4, exact=True)
    9/7
    """
    import sympy

    var, fexpr = _generator(f)
    mode = resolve_mode(dps, exact)
    order = check_n(n, symbolic_ok=(mode == "exact"))
    u = sympy.Symbol("u", positive=True)
    npos = sympy.Symbol("n", positive=True)
    nval = npos if order.kind == "symbolic" else order.sympy()
    integrand = fexpr.subs(var, nval * u ** (nval - 1))
    guided = sympy.powdenest(sympy.expand_power_base(sympy.expand_log(sympy.expand(integrand), force=True),
                                                     force=True), force=True)
    breaks = _kinks(guided, u) if order.kind != "symbolic" else []
    try:
        if breaks:  # |g(u)| terms: integrate piece by piece with the sign of g fixed on each
            pts = [sympy.Integer(0)] + breaks + [sympy.Integer(1)]
            result = sympy.Add(*[sympy.integrate(_fix_abs(guided, u, lo, hi), (u, lo, hi), conds="none")
                                 for lo, hi in zip(pts[:-1], pts[1:])])
        else:
            result = sympy.integrate(guided, (u, 0, 1), conds="none")
    except (NotImplementedError, ValueError, TypeError):
        result = sympy.Integral(integrand, (u, 0, 1))
    if order.kind == "symbolic":
        result = result.subs(npos, order.value)
    if mode == "exact":
        return result
    from .derive.arbeval import arb_supports

    if not result.has(sympy.Integral) and arb_supports(result):
        from .derive.arbeval import arb_of

        return _numeric(lambda prec: arb_of(result, {}), mode, dps, extra_bits=order.bits() + 20)
    # no closed form, or one with special functions the ball evaluator does not know
    return _quadrature(integrand, u, mode, dps, breaks)


def _kinks(expr, u):
    """Points of (0, 1) where an ``Abs(g(u))`` inside ``expr`` changes branch (roots of g), sorted."""
    import sympy

    pts = set()
    for ab in expr.atoms(sympy.Abs):
        try:
            roots = sympy.solve(sympy.Eq(ab.args[0], 0), u)
        except NotImplementedError:
            continue
        for r in roots:
            if r.is_real and r.is_number and 0 < r < 1:
                pts.add(r)
    return sorted(pts, key=lambda r: float(r))


def _fix_abs(expr, u, lo, hi):
    """Replace each ``Abs(g)`` by ``+-g`` with the sign g takes on (lo, hi)."""
    import sympy

    mid = (lo + hi) / 2
    return expr.replace(lambda e: isinstance(e, sympy.Abs),
                        lambda e: e.args[0] if (e.args[0].subs(u, mid) >= 0) else -e.args[0])


def _generator(f):
    import sympy

    if isinstance(f, sympy.Lambda):
        if len(f.variables) != 1:
            raise ValueError(f"the generator must be a function of one variable, got {f}")
        return f.variables[0], f.expr
    if isinstance(f, sympy.Basic):
        free = sorted(f.free_symbols, key=str)
        if len(free) != 1:
            raise ValueError(f"the generator must be an expression in exactly one symbol, got {f} "
                             f"with symbols {free}")
        return free[0], f
    raise TypeError(f"the generator f must be a SymPy Lambda or expression in one symbol, got {f!r}")


def _quadrature(integrand, u, mode, dps, breaks=()):
    import sympy

    from .numbers import mpf_of_fraction, mpf_to_fraction

    want = _FLOAT_DPS if mode == "float" else dps
    fn = sympy.lambdify(u, integrand, "mpmath")  # mpmath functions: they follow workdps
    with mpmath.workdps(want + 10):
        pts = [0] + [mpmath.mpf(sympy.N(b, want + 30)) for b in breaks] + [1]
        a = mpmath.quad(fn, pts)
    with mpmath.workdps(want + 25):
        pts = [0] + [mpmath.mpf(sympy.N(b, want + 30)) for b in breaks] + [1]
        b = mpmath.quad(fn, pts)
        settled = abs(a - b) <= abs(b) * mpmath.mpf(10) ** (-want)
    if not settled:
        raise ArithmeticError(f"quadrature did not settle to {want} digits ({a} vs {b})")
    if mode == "float":
        return float(b)
    return mpf_of_fraction(mpf_to_fraction(b), dps)


class ExpMax:
    """The law of the maximum of ``n`` iid Exp(1) (= ``sum_{j<=n} E_j/j``, M13), from SymPy-derived forms.

    Every method takes ``dps=None, exact=False`` (a SymPy expression, a
    certified mpf, or a float).  ``n`` may be a SymPy symbol for exact forms.

    >>> X = exp_max(4)
    >>> X.mean(exact=True), X.variance(exact=True)
    (25/12, 205/144)
    >>> X.cumulant(3, exact=True)
    2035/864
    """

    def __init__(self, n):
        self.order = check_n(n, symbolic_ok=True)

    def __repr__(self):
        return f"exp_max({self.order.value})"

    def _forms(self):
        import sympy

        from .derive.orderstats import _symbols, exp_max_forms

        n, x, t, j, v = _symbols()
        kk = sympy.Symbol("k", positive=True, integer=True)
        syms = {"n": n, "x": x, "t": t, "k": kk}
        from .derive.cache import parse_expression

        return {k: parse_expression(s, syms) for k, s in exp_max_forms().items()}, syms

    def _eval(self, name, extra, dps, exact):
        mode = resolve_mode(dps, exact)
        forms, syms = self._forms()
        expr = forms[name]
        if self.order.kind == "symbolic":
            if mode != "exact":
                raise TypeError("a symbolic n needs exact=True")
            return expr.subs({syms["n"]: self.order.value, **{syms[k]: v for k, v in extra.items()}})
        if mode == "exact":
            import sympy

            from .numbers import to_sympy

            sub = {syms["n"]: self.order.sympy()}
            for k, v in extra.items():
                sub[syms[k]] = to_sympy(v) if not isinstance(v, int) else sympy.Integer(v)
            return sympy.simplify(expr.subs(sub)) if name in ("mean", "variance", "cumulant") else expr.subs(sub)
        from .derive.arbeval import arb_of

        values = {syms["n"]: self.order.as_fraction()}
        for k, v in extra.items():
            values[syms[k]] = to_fraction_any(v)
        expr_num = expr
        if name == "cumulant":  # (k-1)! H_n^(k) with the integer k substituted exactly
            expr_num = expr.subs(syms["k"], int(extra["k"]))
            values.pop(syms["k"], None)
        return _numeric(lambda prec: arb_of(expr_num, values), mode, dps, extra_bits=self.order.bits() + 20)

    def mean(self, *, dps=None, exact=False):
        """``H_n`` (the n-th harmonic number)."""
        return self._eval("mean", {}, dps, exact)

    def variance(self, *, dps=None, exact=False):
        """``H_n^(2) = sum_{j<=n} 1/j^2``."""
        return self._eval("variance", {}, dps, exact)

    def cumulant(self, k, *, dps=None, exact=False):
        """``kappa_k = (k-1)! H_n^(k)`` for integer ``k >= 1``."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"the cumulant order k must be an integer >= 1, got {k!r}")
        return self._eval("cumulant", {"k": k}, dps, exact)

    def _symbolic_arg(self, name, key, value, dps, exact):
        if resolve_mode(dps, exact) != "exact":
            raise TypeError(f"a symbolic {key} needs exact=True")
        forms, syms = self._forms()
        sub = {syms[key]: value}
        sub[syms["n"]] = self.order.value if self.order.kind == "symbolic" else self.order.sympy()
        return forms[name].subs(sub)

    def cgf(self, t, *, dps=None, exact=False):
        """``log E e^{tX} = log Gamma(n+1) + log Gamma(1-t) - log Gamma(n+1-t)``, defined for ``t < 1``."""
        if _is_symbol(t):
            return self._symbolic_arg("cgf", "t", t, dps, exact)
        tf = _real(t, "t")
        if tf >= 1:
            raise ValueError(f"the cumulant generating function of max of Exp(1) is finite only for t < 1, got t = {t}")
        if tf == 0:
            return _zero(resolve_mode(dps, exact))
        return self._eval("cgf", {"t": tf}, dps, exact)

    def pdf(self, x, *, dps=None, exact=False):
        """``n (1 - e^{-x})^(n-1) e^{-x}`` for ``x >= 0`` (0 below)."""
        if _is_symbol(x):
            return self._symbolic_arg("pdf", "x", x, dps, exact)
        xf = _real(x, "x")
        if xf < 0 or (xf == 0 and self.order.kind != "symbolic" and not self.order.is_one):
            return _zero(resolve_mode(dps, exact))
        return self._eval("pdf", {"x": xf}, dps, exact)

    def cdf(self, x, *, dps=None, exact=False):
        """``(1 - e^{-x})^n`` for ``x >= 0`` (0 below)."""
        if _is_symbol(x):
            return self._symbolic_arg("cdf", "x", x, dps, exact)
        xf = _real(x, "x")
        if xf <= 0:
            return _zero(resolve_mode(dps, exact))
        return self._eval("cdf", {"x": xf}, dps, exact)


def _is_symbol(x):
    return type(x).__module__.startswith("sympy") and bool(getattr(x, "free_symbols", None))


def _real(x, what):
    if isinstance(x, bool):
        raise TypeError(f"{what} must be a real number, got a bool")
    try:
        return to_fraction_any(x)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{what} must be a finite real number, got {x!r}") from None


def exp_max(n):
    """The law of the maximum of ``n`` iid Exp(1): see :class:`ExpMax`.

    >>> round(exp_max(2).cdf(1.0), 12)   # (1 - 1/e)^2
    0.399576400894
    """
    return ExpMax(n)

