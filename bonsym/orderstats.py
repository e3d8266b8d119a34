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
from fractions import Fraction

import mpmath

from .numbers import arb_eval, resolve_mode, to_fraction_any
from .order import check_n

__all__ = ["bon_divergence", "bon_f_divergence", "exp_max", "ExpMax", "DIVERGENCES", "check_kind"]

#: the divergence kinds of :func:`bon_divergence` and :func:`bonsym.divergence`
DIVERGENCES = ("kl", "reverse_kl", "chi2", "tv", "hellinger", "renyi", "js")

_FLOAT_DPS = 20

#: exact (k-1)! H_n^(k) is computed for n*k up to this (a denominator of ~1.44 n k bits)
_EXACT_HARMONIC_LIMIT = 300_000


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


#: below this n - 1 the Jensen-Shannon 2F1(1, 1/m; 1 + 1/m; -n) (huge b = 1/m) is replaced by a quadrature
_JS_SMALL_M = Fraction(1, 256)

_COMPILED: dict = {}


def _compiled(kind, renyi_inf=False):
    """``(expr, fn, names, hyp_fn)`` for a kind: the closed form parsed once and compiled to an Arb evaluator.

    For ``"js"`` the Gauss 2F1 node is a free argument ``I0`` (so that it can be
    evaluated by quadrature when ``b = 1/(n-1)`` is huge); ``hyp_fn(n)`` evaluates the 2F1 itself.
    """
    key = (kind, renyi_inf)
    if key not in _COMPILED:
        import sympy

        from .derive.arbeval import compile_arb
        from .derive.fdivergences import closed_form, symbols

        ns, als = symbols()
        expr = sympy.log(ns) if renyi_inf else closed_form(kind)
        names = [ns, als]
        num = expr
        if kind == "js":
            i0 = sympy.Dummy("I0")
            hyps = list(expr.atoms(sympy.hyper))
            if len(hyps) != 1:
                raise ArithmeticError(f"expected one 2F1 in the JS closed form, found {hyps}")
            num = expr.xreplace({hyps[0]: i0})
            names = [ns, als, i0]
            extra = compile_arb(hyps[0], [ns])
        else:
            extra = None
        fn = compile_arb(num, names)
        _COMPILED[key] = (expr, fn, tuple(names), extra)
    return _COMPILED[key]


def _js_i0(n_ball, m_ball, prec):
    """``I0 = int_0^1 du/(1 + n u^m) = int_0^inf e^-x/(1 + n e^(-m x)) dx`` as a certified ball.

    Arb quadrature on ``[0, X]`` (the integrand is analytic near the real axis:
    its poles are at ``x = (log n + i pi (2j+1))/m``) plus the tail, which lies in
    ``[e^-X/(1+n), e^-X]``, enclosed by ``[0, e^-X]``.
    """
    from flint import acb, arb

    X = int((prec + 20) * 0.7) + 2
    nn, mm = acb(n_ball), acb(m_ball)
    main = acb.integral(lambda x, analytic: (-x).exp() / (1 + nn * (-(mm * x)).exp()), 0, X).real
    return main + arb(0).union(arb(-X).exp())


def bon_divergence(kind, n, *, alpha=None, dps=None, exact=False):
    """``D_kind(P_n || U) = int_0^1 f(n u^(n-1)) du``: the divergence of continuous best-of-n from the reference.

    An upper bound on ``D_kind(BoN_n(p) || p)`` for every finite law ``p``
    (data processing, M14), attained for atomless rewards (M15).  Kinds:
    ``"kl"``, ``"reverse_kl"`` (KL(U || P_n)), ``"chi2"``, ``"tv"``,
    ``"hellinger"`` (squared, 1/2 convention: ``1 - BC``), ``"renyi"`` (order
    ``alpha > 0``; ``alpha = 1`` is KL and ``alpha = inf`` gives ``log n``),
    ``"js"`` (Jensen-Shannon, natural log).  With a SymPy symbol ``n``
    (``exact=True``) returns the expression in ``n``.

    Numeric modes evaluate the cached closed form in Arb balls with the guard
    bits the cancellation near ``n = 1`` needs (the values are ``O((n-1)^2)``);
    for Jensen-Shannon with ``n - 1 < 1/256`` its 2F1 (parameter ``1/(n-1)``)
    is computed as a certified Arb quadrature of ``int_0^1 du/(1 + n u^(n-1))``.

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
    renyi_inf = kind == "renyi" and a == math.inf
    expr, fn, names, hyp_fn = _compiled(kind, renyi_inf)
    if mode == "exact":
        import sympy

        subs = {names[0]: order.sympy()}
        if kind == "renyi" and not renyi_inf:
            subs[names[1]] = sympy.Rational(a.numerator, a.denominator)
        return expr.subs(subs)
    nf = order.as_fraction()
    m = nf - 1
    af = a if (kind == "renyi" and not renyi_inf) else Fraction(0)
    # the closed forms subtract O(1) terms down to O(m^2) (O(m) for TV) when n is near 1
    extra = order.bits() + 20
    if m < 1:
        extra += 2 * (m.denominator.bit_length() - m.numerator.bit_length() + 1)
    if kind == "js":
        if m < _JS_SMALL_M:
            def compute(prec):
                nb, mb = _ball(nf), _ball(m)
                return fn(nb, af, _js_i0(nb, mb, prec))
        else:
            def compute(prec):
                return fn(nf, af, hyp_fn(nf))
    else:
        def compute(prec):
            return fn(nf, af)
    return _numeric(compute, mode, dps, extra_bits=extra)


#: ``bon_f_divergence`` substitutes n before integrating only for an integer n <= this; beyond, SymPy
#: would work on powers u**(n-1) of huge degree (out of memory for n = 10**15), and it is very slow on
#: fractional exponents (u**(25/4) log u), so other n go through the symbolic-n route
_SMALL_N_MAX = 64
#: SymPy integrates with n substituted only up to this n (beyond, it can run for minutes)
_INTEGRATE_AT_N_MAX = 16

_SYMBOLIC: dict = {}


def _n_is_small(order):
    f = order.as_fraction()
    return f <= _SMALL_N_MAX and f.denominator == 1


def bon_f_divergence(f, n, *, dps=None, exact=False):
    """``int_0^1 f(n u^(n-1)) du`` for a user generator ``f`` (a SymPy Lambda, or an expression in one symbol).

    ``n`` is a real number >= 1 (an int, a Fraction, a float taken as its
    exact binary value, an mpf) or, with ``exact=True``, a SymPy symbol;
    ``exact=True`` needs an exact ``n`` (pass ``Fraction(x)`` for the exact
    value of a float ``x``).

    SymPy integrates with the guidance that works for the textbook generators
    (logs expanded, powers denested, no convergence conditions); when it finds
    a closed form, ``exact=True`` returns it and ``dps``/float evaluate it in
    certified Arb balls.  SymPy integrates once per generator with ``n = 1 + k``,
    ``k > 0`` symbolic, and ``k`` is substituted afterwards, so a huge ``n``
    never expands a power ``u**(n-1)``; when that finds nothing and ``n <= 16``
    is an integer, it integrates again with ``n`` substituted.  A closed form
    is accepted only where it agrees with a 20-digit quadrature (SymPy drops
    convergence conditions).  The generator must be real and finite on
    ``(0, inf)`` (as a convex ``f`` is): singular or complex generators are
    refused; ``Max``, ``Min``, ``sign``, ``Heaviside`` and ``Piecewise`` are split at
    their kinks.  Otherwise ``exact=True``
    returns the unevaluated ``Integral`` (``n <= 64`` or symbolic) or raises
    ``ValueError`` (``n > 64``: use ``dps=k``), and the numeric modes use
    mpmath quadrature, accepted only when two quadratures 15 digits apart
    agree to the requested digits (a check, not a certificate).

    >>> import sympy
    >>> t = sympy.Symbol("t")
    >>> bon_f_divergence((t - 1)**2, 4, exact=True)
    9/7
    >>> round(bon_f_divergence(t * sympy.log(t), 2.5), 12)   # KL: log n - (n-1)/n at n = 5/2
    0.316290731874
    """
    import sympy

    var, fexpr = _generator(f)
    fexpr = _check_generator(fexpr, var)
    mode = resolve_mode(dps, exact)
    order = check_n(n, symbolic_ok=(mode == "exact"))
    if mode == "exact" and order.kind in ("float", "mp"):
        raise TypeError(f"exact=True needs an exact n (an int, a Fraction or a SymPy symbol), got {n!r}; "
                        "pass fractions.Fraction(n) for the exact binary value of a float, or use "
                        "dps=k / the default float mode")
    if order.kind == "symbolic":
        return _f_div_symbolic(fexpr, var, order.value)
    nf = order.as_fraction()
    closed = _closed_at(fexpr, var, nf)
    if closed is None and _n_is_small(order) and nf <= _INTEGRATE_AT_N_MAX:
        return _f_div_small(fexpr, var, order, mode, dps)
    if mode == "exact":
        if closed is None:
            if nf <= _SMALL_N_MAX:
                u = sympy.Symbol("u", positive=True)
                nval = sympy.Rational(nf.numerator, nf.denominator)
                return sympy.Integral(fexpr.subs(var, nval * u ** (nval - 1)), (u, 0, 1))
            raise ValueError(f"SymPy found no verified closed form of int_0^1 f(n u^(n-1)) du for f = {fexpr} "
                             f"at n = {order.value} (for n > {_SMALL_N_MAX} the integral is not returned "
                             "unevaluated); use dps=k for k digits by quadrature (checked, not certified)")
        return closed
    if closed is not None:
        from .derive.arbeval import compile_arb

        fn = compile_arb(closed, [])
        return _numeric(lambda prec: fn(), mode, dps, extra_bits=_guard_bits(order))
    return _quadrature_w(fexpr, var, nf, mode, dps)


def _guard_bits(order):
    """Guard bits: about log2(n), plus twice log2(1/(n-1)) near n = 1 (values O((n-1)^2))."""
    extra = order.bits() + 20
    m = order.as_fraction() - 1
    if 0 < m < 1:
        extra += 2 * (m.denominator.bit_length() - m.numerator.bit_length() + 1)
    return extra


def _f_div_small(fexpr, var, order, mode, dps):
    """Small n: substitute n, then integrate (SymPy finds more closed forms at a concrete n)."""
    import sympy

    u = sympy.Symbol("u", positive=True)
    nfr = order.as_fraction()
    nval = sympy.Rational(nfr.numerator, nfr.denominator)
    integrand = fexpr.subs(var, nval * u ** (nval - 1))
    guided = _guide(integrand)
    breaks = _kinks(guided, u)
    try:
        if breaks:  # |g(u)| terms: integrate piece by piece with the sign of g fixed on each
            pts = [sympy.Integer(0)] + breaks + [sympy.Integer(1)]
            result = sympy.Add(*[sympy.integrate(_fix_abs(guided, u, lo, hi), (u, lo, hi), conds="none")
                                 for lo, hi in zip(pts[:-1], pts[1:])])
        else:
            result = sympy.integrate(guided, (u, 0, 1), conds="none")
    except _SYMPY_FAILURES:
        result = sympy.Integral(integrand, (u, 0, 1))
    if not result.has(sympy.Integral) and not _verified(result, fexpr, var, nfr):
        result = sympy.Integral(integrand, (u, 0, 1))  # SymPy's value is wrong (a divergent or complex answer)
    if mode == "exact":
        return result
    from .derive.arbeval import arb_supports

    if not result.has(sympy.Integral) and arb_supports(result):
        from .derive.arbeval import compile_arb

        fn = compile_arb(result, [])
        return _numeric(lambda prec: fn(), mode, dps, extra_bits=_guard_bits(order))
    # no closed form, or one with special functions the ball evaluator does not know
    return _quadrature(integrand, u, mode, dps, breaks)


def _guide(integrand):
    import sympy

    return sympy.powdenest(sympy.expand_power_base(sympy.expand_log(sympy.expand(integrand), force=True),
                                                   force=True), force=True)


def _symbolic_form(fexpr, var):
    """``(closed form in k, k)`` of ``int_0^1 f((k+1) u^k) du`` for a positive symbol k, or ``(None, k)``.

    Cached per generator.  Powers ``0**e`` with ``e > 0`` for every ``k >= 0``
    (the value of ``u**(e)`` at the lower limit) are replaced by 0.
    """
    import sympy

    key = (fexpr, var)
    if key in _SYMBOLIC:
        return _SYMBOLIC[key]
    k = sympy.Dummy("k", positive=True)
    u = sympy.Dummy("u", positive=True)
    guided = _guide(fexpr.subs(var, (k + 1) * u**k))
    res = None
    if not guided.has(sympy.Abs):  # kinks at a k-dependent point: left to quadrature
        try:
            res = sympy.integrate(guided, (u, 0, 1), conds="none")
        except _SYMPY_FAILURES:
            res = None
    if res is not None:
        res = _drop_zero_powers(res, k)
        from .derive.arbeval import arb_supports

        if res.has(sympy.Integral) or res.has(sympy.Piecewise) or not arb_supports(res):
            res = None
    _SYMBOLIC[key] = (res, k)
    return res, k


def _drop_zero_powers(expr, k):
    """Replace ``0**e`` by 0 where ``e`` is provably positive for every ``k >= 0`` (i.e. ``n = k + 1 >= 1``)."""
    import sympy

    k0 = sympy.Dummy("k0", nonnegative=True)

    def is_zero_power(e):
        return isinstance(e, sympy.Pow) and e.base == 0 and bool(e.exp.subs(k, k0).is_positive)

    return expr.replace(is_zero_power, lambda e: sympy.Integer(0))


def _agrees_with_quadrature(closed, fexpr, var, nf):
    """Check a closed-form value at n = nf against a 20-digit quadrature (SymPy drops convergence conditions)."""
    from .derive.arbeval import compile_arb

    try:
        fn = compile_arb(closed, [])
        c = arb_eval(lambda prec: fn(), 25, extra_bits=_guard_bits(check_n(nf)))
        q, scale = _quad_w_value(fexpr, var, nf, 20, with_scale=True)
    except (ArithmeticError, ValueError, TypeError, ZeroDivisionError, OverflowError):
        return False
    if not (mpmath.isfinite(q) and mpmath.isfinite(c)):
        return False
    return abs(c - q) <= mpmath.mpf(10) ** -12 * max(abs(q), abs(c)) + mpmath.mpf(10) ** -30 * scale


def _verified(closed, fexpr, var, nf):
    """A finite real closed value that agrees with quadrature (Arb evaluation, or SymPy's N when Arb cannot)."""
    import sympy

    if closed.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo, sympy.I):
        return False
    from .derive.arbeval import arb_supports

    if arb_supports(closed):
        return _agrees_with_quadrature(closed, fexpr, var, nf)
    try:
        c = sympy.N(closed, 25)
        if not c.is_real:
            return False
        c = mpmath.mpf(c)
        q, scale = _quad_w_value(fexpr, var, nf, 20, with_scale=True)
    except (*_SYMPY_FAILURES, ArithmeticError, OverflowError):
        return False
    return bool(mpmath.isfinite(q) and abs(c - q) <= mpmath.mpf(10) ** -12 * abs(q) + mpmath.mpf(10) ** -30 * scale)


def _closed_at(fexpr, var, nf):
    """The verified closed form at the number nf (a SymPy number), or None."""
    import sympy

    res, k = _symbolic_form(fexpr, var)
    if res is None:
        return None
    m = nf - 1
    closed = res.subs(k, sympy.Rational(m.numerator, m.denominator))
    from .derive.arbeval import arb_supports

    if closed.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not arb_supports(closed):
        return None
    return closed if _agrees_with_quadrature(closed, fexpr, var, nf) else None


def _f_div_symbolic(fexpr, var, nsym):
    """Symbolic n: integrate in k = n - 1 > 0, spot-check at n = 3/2, 3, 17/2, substitute k = n - 1."""
    import sympy

    res, k = _symbolic_form(fexpr, var)
    if res is not None:
        for nv in (Fraction(3, 2), Fraction(3), Fraction(17, 2)):
            m = nv - 1
            closed = res.subs(k, sympy.Rational(m.numerator, m.denominator))
            if closed.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or \
                    not _agrees_with_quadrature(closed, fexpr, var, nv):
                res = None
                break
    if res is None:
        u = sympy.Symbol("u", positive=True)
        return sympy.Integral(fexpr.subs(var, nsym * u ** (nsym - 1)), (u, 0, 1))
    return res.subs(k, nsym - 1)


def _quad_w_value(fexpr, var, nf, want, with_scale=False):
    """``int_0^inf f(n e^(-m w)) e^(-w) dw`` (= the integral, ``u = e^-w``, ``m = n - 1``) by mpmath.quad.

    Breakpoints where the ratio ``t = n e^(-m w)`` crosses 1 and the generator's
    kinks, and at ``log(n) + 2^j`` in ``s = m w``: the integrand's features sit
    at ``w = O(log(n)/m)``, so this works for n = 10**15 as for n near 1.
    Working precision ``want`` digits plus guard digits near ``n = 1``.
    """
    import sympy

    fn = sympy.lambdify(var, fexpr, "mpmath")  # mpmath functions: they follow workdps
    m = nf - 1
    guard = 10
    if 0 < m < 1:
        guard += 2 * int(math.log10(m.denominator / m.numerator) + 1)
    kinks = _kinks(fexpr, var, 0, None)  # t > 0 where the generator has a kink
    with mpmath.workdps(want + guard):
        nn = mpmath.mpf(nf.numerator) / nf.denominator
        mm = mpmath.mpf(m.numerator) / m.denominator
        ln = mpmath.log(nn)
        s_pts = {ln} | {ln + mpmath.mpf(2) ** j for j in range(-2, 8)}
        for c in kinks:
            cv = mpmath.mpf(sympy.N(c, want + guard + 10))
            if cv < nn:
                s_pts.add(ln - mpmath.log(cv))
        w_pts = {mpmath.mpf(0)} | {s / mm for s in s_pts if s > 0} | {mpmath.mpf(2) ** j for j in range(-3, 8)}
        pts = sorted(w for w in w_pts if w <= 200) + [mpmath.inf]

        def g(w):
            return fn(nn * mpmath.exp(-mm * w)) * mpmath.exp(-w)

        val = mpmath.quad(g, pts)
        if not with_scale:
            return val
        return val, mpmath.quad(lambda w: abs(g(w)), pts)


def _quadrature_w(fexpr, var, nf, mode, dps):
    from .numbers import mpf_of_fraction, mpf_to_fraction

    want = _FLOAT_DPS if mode == "float" else dps
    a = _quad_w_value(fexpr, var, nf, want + 10)
    b = _quad_w_value(fexpr, var, nf, want + 25)
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)) or \
            abs(a - b) > abs(b) * mpmath.mpf(10) ** (-want):
        raise ArithmeticError(f"quadrature did not settle to {want} digits ({a} vs {b}); "
                              "the integral may diverge")
    if mode == "float":
        return float(b)
    return mpf_of_fraction(mpf_to_fraction(b), dps)


def _kinks(expr, var, lo=0, hi=1):
    """Points of ``(lo, hi)`` where an ``Abs(g(var))`` or a ``Piecewise`` inside ``expr`` changes branch, sorted."""
    import sympy

    pts = set()
    zeros = [ab.args[0] for ab in expr.atoms(sympy.Abs)]
    for pw in expr.atoms(sympy.Piecewise):  # boundaries of the pieces
        for _, cond in pw.args:
            rels = [cond] if isinstance(cond, sympy.core.relational.Relational) else \
                list(cond.atoms(sympy.core.relational.Relational))
            zeros += [r.lhs - r.rhs for r in rels]
    for g in zeros:
        try:
            roots = sympy.solve(sympy.Eq(g, 0), var)
        except _SYMPY_FAILURES:
            continue
        for r in roots:
            if r.is_real and r.is_number and r > lo and (hi is None or r < hi):
                pts.add(r)
    return sorted(pts, key=lambda r: float(r))


def _fix_abs(expr, u, lo, hi):
    """Replace each ``Abs(g)`` by ``+-g`` with the sign g takes on (lo, hi)."""
    import sympy

    mid = (lo + hi) / 2
    return expr.replace(lambda e: isinstance(e, sympy.Abs),
                        lambda e: e.args[0] if (e.args[0].subs(u, mid) >= 0) else -e.args[0])


#: what SymPy's integrate / solve may raise on hard input (treated as "no closed form")
_SYMPY_FAILURES = (NotImplementedError, ValueError, TypeError, RecursionError, ZeroDivisionError, KeyError,
                   AttributeError)


def _check_generator(fexpr, var):
    """Check a generator and rewrite its kinks and jumps with ``Abs`` (located by :func:`_kinks`).

    An f-divergence generator is convex, hence finite and real, on ``(0, inf)``:
    a singularity there, complex values, or an undefined function is refused
    with a ``ValueError``/``TypeError``.  ``Max``/``Min``, ``sign`` and
    ``Heaviside`` become ``Abs`` forms so that quadrature and piecewise
    integration split at their kinks; ``floor``, ``ceiling`` and ``frac``
    (infinitely many jumps) are refused.
    """
    import sympy
    from sympy.core.function import AppliedUndef

    if fexpr.atoms(AppliedUndef):
        raise TypeError(f"the generator must be an explicit expression in {var}; it has the undefined "
                        f"function(s) {sorted(map(str, fexpr.atoms(AppliedUndef)))}")
    if fexpr.has(sympy.floor, sympy.ceiling, sympy.frac, sympy.DiracDelta):
        raise ValueError("generators with floor, ceiling, frac or DiracDelta are not supported (infinitely many "
                         "or singular jumps); write the generator with Abs, Max, Min, sign or Piecewise")
    try:
        sing = sympy.singularities(fexpr, var, sympy.Interval.open(0, sympy.oo))
    except _SYMPY_FAILURES:
        sing = sympy.S.EmptySet
    if sing != sympy.S.EmptySet:
        raise ValueError(f"the generator {fexpr} is singular on (0, inf) (at {sing}); an f-divergence needs f "
                         "convex, hence finite, on (0, inf)")
    fexpr = fexpr.replace(lambda e: isinstance(e, sympy.Heaviside),
                          lambda e: (1 + e.args[0] / sympy.Abs(e.args[0])) / 2)
    fexpr = fexpr.replace(lambda e: isinstance(e, sympy.sign), lambda e: e.args[0] / sympy.Abs(e.args[0]))
    fexpr = fexpr.replace(lambda e: isinstance(e, (sympy.Max, sympy.Min)), lambda e: e.rewrite(sympy.Abs))
    fn = sympy.lambdify(var, fexpr, "mpmath")
    with mpmath.workdps(20):
        for tv in ("0.137", "0.5", "1", "1.618", "2.5", "7.25", "40"):
            try:
                v = mpmath.mpmathify(fn(mpmath.mpf(tv)))
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                v = mpmath.nan
            if isinstance(v, mpmath.mpc) and v.imag != 0:
                raise ValueError(f"the generator {fexpr} is not real at t = {tv} (value {v}); it must be real and "
                                 "finite on (0, inf)")
            if not mpmath.isfinite(v):
                raise ValueError(f"the generator {fexpr} is not finite at t = {tv}; it must be real and finite on "
                                 "(0, inf)")
    return fexpr


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

            if name in ("mean", "variance", "cumulant"):
                k = {"mean": 1, "variance": 2}.get(name) or int(extra["k"])
                return self._exact_harmonic(k)
            sub = {syms["n"]: self.order.sympy()}
            for k, v in extra.items():
                sub[syms[k]] = to_sympy(v) if not isinstance(v, int) else sympy.Integer(v)
            return expr.subs(sub)
        from .derive.arbeval import arb_of

        values = {syms["n"]: self.order.as_fraction()}
        for k, v in extra.items():
            values[syms[k]] = to_fraction_any(v)
        expr_num = expr
        if name == "cumulant":  # (k-1)! H_n^(k) with the integer k substituted exactly
            expr_num = expr.subs(syms["k"], int(extra["k"]))
            values.pop(syms["k"], None)
        return _numeric(lambda prec: arb_of(expr_num, values), mode, dps, extra_bits=self.order.bits() + 20)

    def _exact_harmonic(self, k):
        """``(k-1)! H_n^(k)`` exactly: a binary-splitting sum for integer n, SymPy for rational n (size-guarded)."""
        import sympy

        nf = self.order.as_fraction()
        if int(nf) * k > _EXACT_HARMONIC_LIMIT:
            raise ValueError(
                f"the exact value of (k-1)! H_n^(k) for n = {self.order.value}, k = {k} is a rational with about "
                f"{int(nf) * k} x 1.44 bits in its denominator; exact mode is limited to n*k <= "
                f"{_EXACT_HARMONIC_LIMIT}: use dps=k (certified digits) or the default float mode")
        if nf.denominator == 1:
            p, q = _harmonic_split(1, int(nf) + 1, k)
            return sympy.factorial(k - 1) * sympy.Rational(p, q)
        return sympy.simplify(sympy.factorial(k - 1) * sympy.harmonic(sympy.Rational(nf.numerator, nf.denominator), k))

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
        """``n (1 - e^{-x})^(n-1) e^{-x}`` for ``x >= 0`` (0 below and at ``+inf``; 1 at ``x = 0`` when ``n = 1``)."""
        if _is_symbol(x):
            return self._symbolic_arg("pdf", "x", x, dps, exact)
        xf = _real_or_inf(x, "x")
        mode = resolve_mode(dps, exact)
        if xf in (math.inf, -math.inf) or xf < 0:
            return _zero(mode)
        if xf == 0 and self.order.kind != "symbolic":
            # (1 - e^0)^(n-1) = 0**(n-1): 1 for n = 1, 0 for n > 1
            return _one(mode) if self.order.is_one else _zero(mode)
        return self._eval("pdf", {"x": xf}, dps, exact)

    def cdf(self, x, *, dps=None, exact=False):
        """``(1 - e^{-x})^n`` for ``x >= 0`` (0 below, 1 at ``+inf``)."""
        if _is_symbol(x):
            return self._symbolic_arg("cdf", "x", x, dps, exact)
        xf = _real_or_inf(x, "x")
        mode = resolve_mode(dps, exact)
        if xf == math.inf:
            return _one(mode)
        if xf == -math.inf or xf <= 0:
            return _zero(mode)
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


def _real_or_inf(x, what):
    """A finite real as a Fraction, or ``math.inf`` / ``-math.inf``; nan and non-numbers raise."""
    import numbers as _pynumbers

    if isinstance(x, bool):
        raise TypeError(f"{what} must be a real number, got a bool")
    if isinstance(x, mpmath.mpf) or (isinstance(x, _pynumbers.Real) and not isinstance(x, (int, Fraction))):
        v = x if isinstance(x, mpmath.mpf) else float(x)
        if mpmath.isnan(v):
            raise ValueError(f"{what} is nan; give a real number (or +-inf)")
        if mpmath.isinf(v):
            return math.inf if v > 0 else -math.inf
    elif type(x).__module__.startswith("sympy"):
        import sympy

        if x is sympy.nan:
            raise ValueError(f"{what} is nan; give a real number (or +-inf)")
        if x == sympy.oo or x == -sympy.oo:
            return math.inf if x == sympy.oo else -math.inf
    return _real(x, what)


def _harmonic_split(a, b, k):
    """``sum_{a <= j < b} 1/j^k`` as a reduced ``(p, q)``, by binary splitting in flint integers."""
    from flint import fmpq, fmpz

    def rec(lo, hi):
        if hi - lo == 1:
            return fmpz(1), fmpz(lo) ** k
        mid = (lo + hi) // 2
        p1, q1 = rec(lo, mid)
        p2, q2 = rec(mid, hi)
        return p1 * q2 + p2 * q1, q1 * q2

    p, q = rec(a, b)
    r = fmpq(p, q)
    return int(r.p), int(r.q)


def _one(mode):
    if mode == "exact":
        import sympy

        return sympy.Integer(1)
    return mpmath.mpf(1) if mode == "mp" else 1.0


def exp_max(n):
    """The law of the maximum of ``n`` iid Exp(1): see :class:`ExpMax`.

    >>> round(exp_max(2).cdf(1.0), 12)   # (1 - 1/e)^2
    0.399576400894
    """
    return ExpMax(n)

