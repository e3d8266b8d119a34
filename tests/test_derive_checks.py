"""Derivation steps carry checks that ran; cached derived data is validated when it is read back."""
import glob
import json
import warnings

import pytest
import sympy

from bonsym.derive import core


def test_a_check_cannot_be_made_by_hand():
    with pytest.raises(TypeError, match="check function"):
        core.Check("symbolic", "symbolic")
    with pytest.raises(TypeError, match="Check returned by a check function"):
        core.Step(sympy.Integer(1), "=", "why", check="symbolic")


def test_check_functions_refuse_false_identities():
    x, n, u = sympy.symbols("x n u", positive=True)
    with pytest.raises(ArithmeticError):
        core.symbolic_identity((x + 1) ** 2, x**2 + 1)
    with pytest.raises(ArithmeticError):
        core.numeric_identity(sympy.harmonic(n), sympy.log(n) + sympy.EulerGamma, (n,))
    with pytest.raises(ArithmeticError):  # int_0^1 u^n du = 1/(n+1), not 1/n
        core.quadrature_identity(1 / n, u**n, u, [{n: 2}])
    ok = core.quadrature_identity(1 / (n + 1), u**n, u, [{n: sympy.Rational(5, 2)}])
    assert ok.kind == "numeric"
    both = core.Check.combine(core.symbolic_identity(x - x, 0), ok)
    assert both.kind == "numeric" and "quadrature" in both.how


def _derivations():
    from bonsym.derive import atom_gaps, fdivergences, orderstats

    out = [fdivergences.derivation(k) for k in fdivergences.KINDS]
    out.append(orderstats.exp_max_derivation())
    out.append(orderstats.renyi_identity()[0])
    out.append(atom_gaps.kl_atom_gap_derivation())
    out.append(atom_gaps.win_atom_gap_derivation())
    return out


def test_every_result_and_every_series_step_is_checked():
    for d in _derivations():
        assert d.steps[0].relation == "def", d.name
        for s in d.steps:
            assert s.check is None or isinstance(s.check, core.Check), d.name
            if s.relation == "series":
                assert s.check is not None, (d.name, s.why)
        assert isinstance(d.steps[-1].check, core.Check), d.name
        checked = sum(s.check is not None for s in d.steps[1:])
        assert checked >= (len(d.steps) - 1) // 2, (d.name, [(s.why, s.check) for s in d.steps])


def _fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("BONSYM_CACHE_DIR", str(tmp_path))
    from bonsym.derive import cache

    monkeypatch.setattr(cache, "_MEMORY", {})
    return cache


def _rewrite(tmp_path, pattern, value):
    (path,) = glob.glob(str(tmp_path / "*" / pattern))
    with open(path, "w") as fh:
        json.dump(value, fh)
    return path


def test_a_wrong_cached_closed_form_is_derived_again(tmp_path, monkeypatch):
    cache = _fresh(tmp_path, monkeypatch)
    from bonsym.derive.fdivergences import closed_form, symbols

    n, _ = symbols()
    closed_form("chi2")
    path = _rewrite(tmp_path, "bon_fdiv_chi2-*.json", "n**3")
    monkeypatch.setattr(cache, "_MEMORY", {})
    with pytest.warns(cache.CacheWarning, match="failed validation"):
        got = closed_form("chi2")
    assert sympy.simplify(got - (n - 1) ** 2 / (2 * n - 1)) == 0   # THEORY.md M16
    with open(path) as fh:  # the entry was rewritten with the derived value
        assert sympy.simplify(sympy.sympify(json.load(fh), locals={"n": n}) - got) == 0


def test_code_in_a_cached_entry_never_runs(tmp_path, monkeypatch):
    cache = _fresh(tmp_path, monkeypatch)
    from bonsym.derive.fdivergences import closed_form, symbols

    n, _ = symbols()
    closed_form("kl")
    marker = tmp_path / "ran"
    _rewrite(tmp_path, "bon_fdiv_kl-*.json", f"__import__('pathlib').Path({str(marker)!r}).touch()")
    monkeypatch.setattr(cache, "_MEMORY", {})
    with pytest.warns(cache.CacheWarning, match="tampered"):
        got = closed_form("kl")
    assert not marker.exists()
    assert sympy.simplify(got - (sympy.log(n) - (n - 1) / n)) == 0


def test_corrupt_series_and_order_statistics_entries_are_derived_again(tmp_path, monkeypatch):
    cache = _fresh(tmp_path, monkeypatch)
    from fractions import Fraction

    from bonsym.derive import atom_gaps, orderstats

    good = atom_gaps.series_coefficients("win")
    bad = [list(c) for c in good]
    bad[3] = ["1"]  # a wrong h^3 coefficient
    _rewrite(tmp_path, "win_atom_gap_series_*.json", bad)
    forms = orderstats.exp_max_forms()
    wrong = dict(forms, mean="n**2")
    _rewrite(tmp_path, "exp_max_forms-*.json", wrong)
    monkeypatch.setattr(cache, "_MEMORY", {})
    with pytest.warns(cache.CacheWarning):
        assert atom_gaps.series_coefficients("win") == good
    with pytest.warns(cache.CacheWarning):
        assert orderstats.exp_max_forms()["mean"] == forms["mean"]
    # B26: the per-atom win-rate gap starts n(n-1)/12 h^3 (h ~ p/b), typed from THEORY.md, not from the library
    assert [Fraction(c) for c in good[3]] == [0, Fraction(-1, 12), Fraction(1, 12)]


def test_the_cache_key_carries_the_sympy_version(tmp_path, monkeypatch):
    cache = _fresh(tmp_path, monkeypatch)
    from bonsym.derive.fdivergences import closed_form

    closed_form("hellinger")
    assert glob.glob(str(tmp_path / "*" / f"bon_fdiv_hellinger-*-sympy{sympy.__version__}.json"))
    monkeypatch.setattr(cache, "_MEMORY", {})
    monkeypatch.setattr(cache, "_sympy_version", lambda: "0.0.test")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        closed_form("hellinger")
    assert len(glob.glob(str(tmp_path / "*" / "bon_fdiv_hellinger-*.json"))) == 2
