"""Exponential order statistics, derived by SymPy (THEORY.md M13, M14).

The maximum of ``n`` iid Exp(1) variables has CDF ``(1 - e^{-x})^n``.  Its
moment generating function, by the substitution ``v = e^{-x}``, is the Beta
integral ``n B(1 - t, n) = Gamma(n+1) Gamma(1-t) / Gamma(n+1-t)``; the MGF of
the Rényi sum ``sum_{j<=n} E_j / j`` is ``prod_j j/(j - t)``, which SymPy
turns into the same ratio of Gamma functions for symbolic ``n``: the two laws
are equal (MGFs agree on ``t < 0``).  Cumulants follow from the cumulant
generating function of the sum, ``-sum_j log(1 - t/j)``: ``kappa_k = (k-1)! H_n^(k)``.
"""
from __future__ import annotations

from .cache import cached
from .core import Check, Derivation, numeric_identity, quadrature_identity, symbolic_identity

__all__ = ["exp_max_derivation", "renyi_identity", "exp_max_forms"]


def _symbols():
    import sympy

    return (sympy.Symbol("n", positive=True, integer=True), sympy.Symbol("x", positive=True),
            sympy.Symbol("t", negative=True), sympy.Symbol("j", positive=True, integer=True),
            sympy.Symbol("v", positive=True))


def renyi_identity():
    """Prove ``max_i E_i =d sum_j E_j / j`` via MGFs; returns ``(derivation, proved: bool)``."""
    import sympy

    n, x, t, j, v = _symbols()
    d = Derivation("renyi_representation", "The Rényi representation of the maximum of n Exp(1)", "M13")
    pdf = n * (1 - sympy.exp(-x)) ** (n - 1) * sympy.exp(-x)
    d.define(sympy.Integral(sympy.exp(t * x) * pdf, (x, 0, sympy.oo)),
             "MGF of the maximum, whose density is the derivative of (1 - e^{-x})^n")
    beta_form = sympy.Integral(v ** (-t) * n * (1 - v) ** (n - 1), (v, 0, 1))
    d.step(beta_form, "=", "substitute v = e^{-x}")
    raw = sympy.integrate(v ** (-t) * n * (1 - v) ** (n - 1), (v, 0, 1), conds="none")
    pts = [(sympy.Integer(3), sympy.Rational(-1, 2)), (sympy.Integer(7), sympy.Integer(-3)),
           (sympy.Integer(2), sympy.Rational(-1, 7))]
    d.step(raw, "=", "SymPy evaluates the Beta integral (t < 0) as a 2F1 at 1",
           check=quadrature_identity(raw, v ** (-t) * n * (1 - v) ** (n - 1), v,
                                     [dict(zip((n, t), p)) for p in pts], dps=30))
    mgf_max = sympy.gammasimp(sympy.hyperexpand(sympy.simplify(raw)))
    d.step(mgf_max, "=", "Gauss's summation of 2F1 at 1 (SymPy simplify, hyperexpand, gammasimp)",
           check=numeric_identity(raw, mgf_max, (n, t), points=pts))
    mgf_sum = sympy.product(j / (j - t), (j, 1, n))
    d.step(mgf_sum, "=", "MGF of sum_j E_j/j: independent Exp(j) summands, each with MGF j/(j - t)")
    ratio = sympy.simplify(sympy.gammasimp(mgf_sum / mgf_max))
    try:
        check = symbolic_identity(ratio, 1)
    except ArithmeticError:
        check = None
    proved = check is not None
    d.step(sympy.Integer(1) if proved else ratio, "=",
           "ratio of the two MGFs, simplified by SymPy (gammasimp) for symbolic n and t < 0", check=check)
    return d, proved


def exp_max_derivation():
    """Density, mean, variance, cumulant generating function and cumulants of max of n Exp(1)."""
    import sympy

    n, x, t, j, v = _symbols()
    d = Derivation("exp_max", "The law of the maximum of n iid Exp(1)", "M13")
    cdf = (1 - sympy.exp(-x)) ** n
    d.define(cdf, "P(max <= x) = P(E_1 <= x)^n by independence")
    pdf = sympy.diff(cdf, x)
    pdf_text = n * (1 - sympy.exp(-x)) ** (n - 1) * sympy.exp(-x)
    d.step(pdf_text, "=", "differentiate the CDF", check=symbolic_identity(pdf, pdf_text))
    cgf = -sympy.Sum(sympy.log(1 - t / j), (j, 1, n))
    d.step(cgf, "=", "cumulant generating function of the Rényi sum (M13): -sum_j log(1 - t/j)")
    checks = []
    for k in range(1, 7):
        term = sympy.diff(-sympy.log(1 - t / j), t, k).subs(t, 0)
        kappa = sympy.summation(sympy.simplify(term), (j, 1, n))
        checks.append(symbolic_identity(kappa, sympy.factorial(k - 1) * sympy.harmonic(n, k)))
    kk = sympy.Symbol("k", positive=True, integer=True)
    d.step(sympy.factorial(kk - 1) * sympy.harmonic(n, kk), "=",
           "k-th derivative at t = 0, summed over j by SymPy (checked for k = 1..6): kappa_k = (k-1)! H_n^(k)",
           check=Check.combine(*checks))
    return d


def _log_of_gamma_ratio(expr):
    """log of a product of Gamma powers, as a sum of loggamma (no branch-cut expand_log)."""
    import sympy

    out = sympy.Integer(0)
    for factor, power in expr.as_powers_dict().items():
        if not isinstance(factor, sympy.gamma):
            raise ArithmeticError(f"expected a ratio of Gamma functions, found {factor}")
        out += power * sympy.loggamma(factor.args[0])
    return out


def exp_max_forms():
    """Closed forms (strings, cached): cdf, pdf, cgf, mean, variance, cumulant (in n, x, t, k)."""
    import sympy

    def derive():
        n, x, t, j, v = _symbols()
        d = exp_max_derivation()
        ident, proved = renyi_identity()
        if not proved:
            raise ArithmeticError("SymPy could not confirm the Rényi representation")
        mgf = ident.steps[3].expr  # the Beta integral as SymPy evaluated it
        kk = sympy.Symbol("k", positive=True, integer=True)
        cum = d.result
        return {
            "cdf": str(d.steps[0].expr),
            "pdf": str(d.steps[1].expr),
            "cgf": str(_log_of_gamma_ratio(mgf)),
            "mean": str(cum.subs(kk, 1)),
            "variance": str(cum.subs(kk, 2)),
            "cumulant": str(cum),
        }

    return cached("exp_max_forms", derive, validate=_validate_forms)


def _validate_forms(data):
    """Cached forms must match their definitions at n = 3 and n = 8 (20 digits): the CDF ``(1 - e^{-x})^n``,
    the density its derivative, the moments and the CGF by quadrature, cumulants 3 and 4 by differentiating
    the CGF."""
    import mpmath
    import sympy

    from .cache import parse_expression

    n, x, t, j, v = _symbols()
    kk = sympy.Symbol("k", positive=True, integer=True)
    syms = {"n": n, "x": x, "t": t, "k": kk}
    if not isinstance(data, dict) or set(data) != {"cdf", "pdf", "cgf", "mean", "variance", "cumulant"}:
        raise ValueError("exp_max forms: unexpected keys")
    parsed = {k: parse_expression(s, syms) for k, s in data.items()}
    for nv in (3, 8):
        f = {k: e.subs(n, nv) for k, e in parsed.items()}
        with mpmath.workdps(25):
            cdf = sympy.lambdify(x, f["cdf"], "mpmath")
            pdf = sympy.lambdify(x, f["pdf"], "mpmath")
            cgf = sympy.lambdify(t, f["cgf"], "mpmath")
            x0 = mpmath.mpf("0.7")
            mean = mpmath.quad(lambda y: y * pdf(y), [0, 1, 4, mpmath.inf])
            second = mpmath.quad(lambda y: y * y * pdf(y), [0, 1, 4, mpmath.inf])
            pairs = [
                (cdf(x0), (1 - mpmath.exp(-x0)) ** nv, "cdf"),
                (pdf(x0), mpmath.diff(lambda y: (1 - mpmath.exp(-y)) ** nv, x0), "pdf"),
                (mpmath.mpf(sympy.N(f["mean"], 25)), mean, "mean"),
                (mpmath.mpf(sympy.N(f["variance"], 25)), second - mean**2, "variance"),
                (cgf(mpmath.mpf(-0.5)),
                 mpmath.log(mpmath.quad(lambda y: mpmath.exp(-y / 2) * pdf(y), [0, 1, 4, mpmath.inf])), "cgf"),
            ]
            for order in (3, 4):
                pairs.append((mpmath.mpf(sympy.N(f["cumulant"].subs(kk, order), 25)), mpmath.diff(cgf, 0, order),
                              f"cumulant {order}"))
            for got, want, name in pairs:
                if not abs(got - want) <= mpmath.mpf(10) ** -12 * (1 + abs(want)):
                    raise ArithmeticError(f"exp_max {name} does not match its definition at n = {nv}: "
                                          f"{got} vs {want}")
