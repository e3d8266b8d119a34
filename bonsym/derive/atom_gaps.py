"""Per-atom gaps of best-of-n to its continuous values, derived by SymPy (THEORY.md B10, B24, B26).

For an atom ``(a, b]`` of the reference CDF, write ``t = a/b = e^{-h}``.

* KL (B10): the atom's share of ``log n - (n-1)/n - KL`` is ``b^n G(h, n)`` with
  ``G = (1-t^n) log(n(1-t)/(1-t^n)) - (n-1)(1-t^n)/n - (n-1) t^n log t``.
* Win rate (B24): the atom's share of ``n/(n+1) - W`` is ``b^{n+1} W(h, n)`` with
  ``W = n/(n+1) (1 - t^{n+1}) - (1+t)/2 (1 - t^n)``.

Both are sums of terms of size ``O(nh)`` that cancel to ``O(h^3)`` on thin
atoms, so the float path evaluates them from their Taylor series in ``h``,
whose coefficients are polynomials in ``n``.  SymPy derives those series here
from the definitions (with guidance: the KL gap is split into
``log((1-e^{-y})/y)`` series in one variable, which SymPy expands quickly,
instead of a two-variable series it cannot finish), and the coefficients are
cached on disk (:mod:`bonsym.derive.cache`).
"""
from __future__ import annotations

from .cache import cached
from .core import Derivation, numeric_identity, quadrature_identity

__all__ = ["kl_atom_gap_derivation", "win_atom_gap_derivation", "series_coefficients", "SERIES_ORDER"]

#: number of Taylor terms kept (h^0 .. h^(SERIES_ORDER-1)); used for n h <= 1
SERIES_ORDER = 30


def _symbols():
    import sympy

    return (sympy.Symbol("n", positive=True), sympy.Symbol("h", positive=True),
            sympy.Symbol("t", positive=True), sympy.Symbol("u", positive=True),
            sympy.Symbol("a", positive=True), sympy.Symbol("b", positive=True))


def kl_atom_gap_derivation(order=SERIES_ORDER):
    """Derive the KL gap of one atom and its series in ``h`` (THEORY.md B10)."""
    import sympy
    from sympy import exp, log

    n, h, t, u, a, b = _symbols()
    d = Derivation("kl_atom_gap", "The KL gap of one atom of best-of-n", "B10")
    f = n * u ** (n - 1)
    m = b**n - a**n
    d.define(sympy.Integral(f * log(f), (u, a, b)) - m * log(m / (b - a)),
             "share of the atom [a, b] in log n - (n-1)/n - KL: the continuous KL restricted to the atom "
             "minus the atom's term q log(q/p), with q = b^n - a^n, p = b - a (B7, B10)")
    integrand = sympy.expand_log(f * log(f), force=True)
    antider = sympy.integrate(sympy.expand(integrand), u)
    closed = sympy.expand(antider.subs(u, b) - antider.subs(u, a)) - m * log(m / (b - a))
    d.step(closed, "=", "SymPy integrates n u^(n-1) (log n + (n-1) log u) on [a, b]",
           check=quadrature_identity(closed + m * log(m / (b - a)), f * log(f), u, _atom_points(n, a, b),
                                     limits=(a, b)))
    scaled = sympy.expand_log(sympy.expand(closed.subs(a, t * b) / b**n), force=True)
    G_text = _G("kl", n, t)
    d.step(b**n * G_text, "=", "substitute a = t b and divide by b^n (scale invariance)",
           check=numeric_identity(scaled.subs(b, sympy.Rational(3, 5)), G_text, (n, t)))
    x = n * h
    A = 1 - exp(-x)
    ell = sympy.Lambda(sympy.Symbol("y"), log((1 - exp(-sympy.Symbol("y"))) / sympy.Symbol("y")))
    split = A * (ell(h) - ell(x)) - (n - 1) * A / n + (n - 1) * exp(-x) * h
    d.step(split, "=", "t = e^{-h}, x = n h; log(n(1-t)/(1-t^n)) = l(h) - l(x) with l(y) = log((1-e^{-y})/y)",
           check=numeric_identity(split, G_text.subs(t, exp(-h)), (n, h)))
    coeffs = _kl_series(order)
    series = sum(sympy.Poly([sympy.Rational(c) for c in reversed(cs)], n).as_expr() * h**k
                 for k, cs in enumerate(coeffs))
    d.step(series + sympy.O(h**order), "series",
           "Taylor series in h (coefficients polynomials in n; converges for n h < 2 pi)",
           check=numeric_identity(series, G_text.subs(t, exp(-h)), (n, h), points=_series_points()))
    return d


def win_atom_gap_derivation(order=SERIES_ORDER):
    """Derive the win-rate gap of one atom and its series in ``h`` (THEORY.md B24, B26)."""
    import sympy
    from sympy import exp

    n, h, t, u, a, b = _symbols()
    d = Derivation("win_atom_gap", "The win-rate gap of one atom of best-of-n", "B24")
    c = (a + b) / 2
    d.define(sympy.Integral((u - c) * n * u ** (n - 1), (u, a, b)),
             "share of the atom [a, b] in n/(n+1) - W: int u n u^(n-1) du minus the atom's term q c, "
             "c the atom's midpoint (B23, B24)")
    closed = sympy.integrate(sympy.expand((u - c) * n * u ** (n - 1)), (u, a, b), conds="none")
    closed = sympy.simplify(closed)
    d.step(closed, "=", "SymPy integrates",
           check=quadrature_identity(closed, (u - c) * n * u ** (n - 1), u, _atom_points(n, a, b), limits=(a, b)))
    W_text = _G("win", n, t)
    d.step(b ** (n + 1) * W_text, "=", "substitute a = t b and divide by b^(n+1)",
           check=numeric_identity((closed.subs(a, t * b) / b ** (n + 1)).subs(b, sympy.Rational(3, 5)), W_text, (n, t)))
    coeffs = _win_series(order)
    series = sum(sympy.Poly([sympy.Rational(cc) for cc in reversed(cs)], n).as_expr() * h**k
                 for k, cs in enumerate(coeffs))
    d.step(series + sympy.O(h**order), "series", "t = e^{-h}; Taylor series in h",
           check=numeric_identity(series, W_text.subs(t, exp(-h)), (n, h), points=_series_points()))
    return d


def _G(which, n, t):
    """The scaled per-atom gap in ``t = a/b`` (B10 for ``"kl"``, B24 for ``"win"``), as stated in THEORY.md."""
    from sympy import log

    if which == "kl":
        return ((1 - t**n) * log(n * (1 - t) / (1 - t**n)) - (n - 1) * (1 - t**n) / n
                - (n - 1) * t**n * log(t))
    return n / (n + 1) * (1 - t ** (n + 1)) - (1 + t) / 2 * (1 - t**n)


def _atom_points(n, a, b):
    import sympy

    R = sympy.Rational
    return [{n: R(7, 3), a: R(1, 5), b: R(3, 4)}, {n: R(12), a: R(9, 10), b: R(19, 20)},
            {n: R(3, 2), a: R(1, 100), b: R(1, 2)}]


def _series_points():
    """(n, h) with n h well inside the radius 2 pi: 30 terms reach far below 40 digits' tolerance."""
    import sympy

    R = sympy.Rational
    return [(R(7, 3), R(1, 50)), (R(10), R(1, 100)), (R(3, 2), R(1, 7))]


def _validate_series(which, data, order):
    """Cached coefficients must reproduce the closed-form gap at three points (``n h`` up to 1.5)."""
    import mpmath
    import sympy
    from fractions import Fraction

    if not isinstance(data, list) or len(data) != order:
        raise ValueError(f"{which} series: expected {order} coefficients")
    n, h, t = sympy.symbols("n h t", positive=True)
    G = sympy.lambdify((n, t), _G(which, n, t), "mpmath")
    # two points deep inside the disc of convergence (25 digits), one near n h = 1.5 where the
    # high-order coefficients matter (truncation error about (1.5 / 2 pi)^30 ~ 1e-19)
    for nv, hv, tol in ((Fraction(7, 3), Fraction(1, 50), 25), (Fraction(10), Fraction(1, 100), 25),
                        (Fraction(3), Fraction(1, 2), 14)):
        total = sum(sum(Fraction(c) * nv**i for i, c in enumerate(cs)) * hv**k for k, cs in enumerate(data))
        with mpmath.workdps(40):
            want = G(mpmath.mpf(nv.numerator) / nv.denominator, mpmath.exp(-mpmath.mpf(hv.numerator) / hv.denominator))
            got = mpmath.mpf(total.numerator) / total.denominator
            if not abs(got - want) <= mpmath.mpf(10) ** -tol * abs(want):
                raise ArithmeticError(f"cached {which} series does not match the closed form at n = {nv}, h = {hv}")


def _poly_mul(p, q, order):
    """Product of truncated series whose coefficients are sympy Polys in n."""
    out = [None] * order
    for i, pi in enumerate(p):
        if pi is None or pi.is_zero:
            continue
        for j in range(order - i):
            qj = q[j] if j < len(q) else None
            if qj is None or qj.is_zero:
                continue
            term = pi * qj
            out[i + j] = term if out[i + j] is None else out[i + j] + term
    return out


def _univariate(expr, y, order):
    import sympy

    s = sympy.series(expr, y, 0, order).removeO()
    return [sympy.Rational(s.coeff(y, k)) for k in range(order)]


def _kl_series(order):
    def derive():
        import sympy

        n = sympy.Symbol("n")
        y = sympy.Symbol("y")
        N = order + 1
        ell = _univariate(sympy.log((1 - sympy.exp(-y)) / y), y, N)
        ex = _univariate(sympy.exp(-y), y, N)
        P = lambda e: sympy.Poly(e, n, domain="QQ")  # noqa: E731
        A = [P(0)] + [P(-ex[k] * n**k) for k in range(1, N)]  # 1 - e^{-nh}
        diff = [P(ell[k] * (1 - n**k)) for k in range(N)]  # l(h) - l(nh)
        first = _poly_mul(A, diff, N)
        out = []
        for k in range(order):
            c = first[k] if first[k] is not None else P(0)
            # - (n-1)/n A_k = -(n-1) (-ex_k) n^(k-1);  + (n-1) e^{-nh} h -> (n-1) ex_{k-1} n^(k-1)
            if k >= 1:
                c = c + P((n - 1) * ex[k] * n ** (k - 1)) + P((n - 1) * ex[k - 1] * n ** (k - 1))
            out.append([str(x) for x in reversed(c.all_coeffs())] if not c.is_zero else ["0"])
        return out

    return cached(f"kl_atom_gap_series_{order}", derive, validate=lambda data: _validate_series("kl", data, order))


def _win_series(order):
    def derive():
        import sympy

        n = sympy.Symbol("n")
        y = sympy.Symbol("y")
        ex = _univariate(sympy.exp(-y), y, order + 1)
        P = lambda e: sympy.Poly(e, n, domain="QQ")  # noqa: E731
        out = []
        for k in range(order):
            # n/(n+1) (1 - e^{-(n+1)h}) -> -n ex_k (n+1)^(k-1)      (k >= 1)
            # -(1 + e^{-h})/2 (1 - e^{-nh}) -> (1/2) sum ... (convolution)
            c = P(0)
            if k >= 1:
                c = c + P(-n * ex[k] * (n + 1) ** (k - 1))
                one_plus = [2] + [ex[j] for j in range(1, k + 1)]  # 1 + e^{-h}
                for j in range(0, k):  # (1 + e^{-h})_j * (1 - e^{-nh})_{k-j}
                    c = c - P(sympy.Rational(1, 2) * one_plus[j] * (-ex[k - j]) * n ** (k - j))
            out.append([str(x) for x in reversed(c.all_coeffs())] if not c.is_zero else ["0"])
        return out

    return cached(f"win_atom_gap_series_{order}", derive, validate=lambda data: _validate_series("win", data, order))


def series_coefficients(which, order=SERIES_ORDER):
    """Taylor coefficients in h of the per-atom gap ``which`` in {"kl", "win"}.

    Returns a list, index k the coefficient of ``h**k`` as a list of rational
    strings: the coefficients of a polynomial in n, lowest power first.
    Derived by SymPy on first use, then read from the on-disk cache.
    """
    if which == "kl":
        return _kl_series(order)
    if which == "win":
        return _win_series(order)
    raise ValueError(f"which must be 'kl' or 'win', got {which!r}")
