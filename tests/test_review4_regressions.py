"""Regressions from the cold review of bon_f_divergence: kinks not written with Abs, generators singular or
complex on (0, inf), SymPy failures, and integer n where integrating at the number n ran for minutes."""
import mpmath
import pytest
import sympy

from bonsym import bon_f_divergence

t = sympy.Symbol("t")


def _hockey(n, g=2):
    """int_0^1 max(n u^(n-1) - g, 0) du = 1 - u0^n - g (1 - u0), u0 = (g/n)^(1/(n-1)) (by hand)."""
    with mpmath.workdps(50):
        n = mpmath.mpf(n)
        u0 = (g / n) ** (1 / (n - 1))
        return 1 - u0**n - g * (1 - u0)


@pytest.mark.parametrize("gen", [sympy.Max(t - 2, 0), sympy.Piecewise((t - 2, t > 2), (0, True)),
                                 (t - 2 + sympy.Abs(t - 2)) / 2])
@pytest.mark.parametrize("n", [3, 5, 3.5, 100])
def test_hockey_stick_generators_split_at_their_kink(gen, n):
    want = _hockey(n)
    got = bon_f_divergence(gen, n, dps=30)
    with mpmath.workdps(40):
        assert abs(got - want) <= abs(want) * mpmath.mpf(10) ** -29
    assert abs(bon_f_divergence(gen, n) / float(want) - 1) < 1e-13


@pytest.mark.parametrize("n", [3.5, 7])
def test_step_generators(n):
    # int_0^1 [n u^(n-1) > 2] du = 1 - u0, u0 = (2/n)^(1/(n-1)); sign = 2 Heaviside - 1
    with mpmath.workdps(40):
        u0 = (2 / mpmath.mpf(n)) ** (1 / (mpmath.mpf(n) - 1))
        step = 1 - u0
    assert abs(bon_f_divergence(sympy.Heaviside(t - 2), n) / float(step) - 1) < 1e-13
    assert abs(bon_f_divergence(sympy.sign(t - 2), n) / float(2 * step - 1) - 1) < 1e-13


@pytest.mark.parametrize("gen,n", [((t - 1) ** -2, 3), ((t - 2) ** -2, 2.5), (1 / (t - 1), 20), (sympy.tan(t), 2),
                                   (1 / (t * sympy.log(t) ** 2), 20), (sympy.log(sympy.Abs(t - 2)), 5),
                                   (1 / sympy.Abs(t - 2), 5)])
def test_generators_singular_on_the_half_line_are_refused(gen, n):
    for kw in ({}, {"dps": 20}, {"exact": True}):
        with pytest.raises(ValueError, match="singular on"):
            bon_f_divergence(gen, n, **kw)


@pytest.mark.parametrize("gen", [sympy.sqrt(t - 2), sympy.log(t - 2), sympy.I * t])
def test_complex_generators_are_refused(gen):
    with pytest.raises(ValueError, match="not real|not finite|singular"):
        bon_f_divergence(gen, 3.5)


def test_undefined_and_jump_generators_are_refused():
    with pytest.raises(TypeError, match="undefined function"):
        bon_f_divergence(sympy.Function("g")(t), 3)
    with pytest.raises(ValueError, match="floor"):
        bon_f_divergence(sympy.floor(t), 3.5)


def test_js_generator_at_integer_n_17_by_the_k_route():
    js = (t * sympy.log(t) - (1 + t) * sympy.log((1 + t) / 2)) / 2
    got = bon_f_divergence(js, 17, dps=25)
    with mpmath.workdps(45):  # quadrature of the definition in w = -log u (u = e^-w), split where n u^16 = 1
        f = sympy.lambdify(t, js, "mpmath")
        w1 = mpmath.log(17) / 16
        want = mpmath.quad(lambda w: f(17 * mpmath.exp(-16 * w)) * mpmath.exp(-w), [0, w1 / 4, w1, 4 * w1, mpmath.inf])
        assert abs(got - want) <= want * mpmath.mpf(10) ** -24
