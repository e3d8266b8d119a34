"""The derivation cache: fresh derivations match the textbook forms (tampered entries: test_derive_checks.py)."""
import glob

import pytest
import sympy


def test_fresh_cache_derives_the_textbook_forms(tmp_path, monkeypatch):
    monkeypatch.setenv("BONSYM_CACHE_DIR", str(tmp_path))
    from bonsym.derive import cache
    from bonsym.derive.fdivergences import closed_form, symbols

    monkeypatch.setattr(cache, "_MEMORY", {})
    n, alpha = symbols()
    typed = {  # THEORY.md M16
        "kl": sympy.log(n) - (n - 1) / n,
        "reverse_kl": n - 1 - sympy.log(n),
        "chi2": (n - 1) ** 2 / (2 * n - 1),
        "hellinger": (sympy.sqrt(n) - 1) ** 2 / (n + 1),
        "renyi": sympy.log(n**alpha / (alpha * (n - 1) + 1)) / (alpha - 1),
    }
    for kind, form in typed.items():
        got = closed_form(kind)
        for nv in (2, sympy.Rational(7, 2), 17):
            v = {n: nv, alpha: sympy.Rational(3, 2)}
            assert abs(sympy.N(got.subs(v) - form.subs(v), 40)) < 1e-35, kind
    assert glob.glob(str(tmp_path / "*" / "bon_fdiv_kl-*.json"))
