"""The claims registry and the `bonsym` command.

Counterexamples are re-checked here with an independent mpmath evaluation of
the naive formula (no bonsym numerics involved).
"""
import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest

from bonsym.claims import all_claims, run_claim
from bonsym.cli import main


def naive_kl_mp(probs, n, dps=60):
    with mpmath.workdps(dps):
        F = mpmath.mpf(0)
        total = mpmath.mpf(0)
        for f in probs:
            p = mpmath.mpf(f.numerator) / f.denominator
            G = F + p
            q = G**n - F**n
            total += q * mpmath.log(q / p)
            F = G
        return +total


@pytest.fixture(scope="module")
def results():
    return {c.name: run_claim(c, dps=30, seed=0) for c in all_claims()}


def test_registry_has_the_issue_claims(results):
    for name in ("beirami.kl_bound", "folklore.kl_equality", "beirami.win_rate_bound", "bon.composition"):
        assert name in results
    for r in results.values():
        assert r.claim.source[0] in "BMYF"
        assert r.claim.expected in ("true", "false")


def test_true_claims_verified_never_proved(results):
    for name in ("beirami.kl_bound", "beirami.win_rate_bound", "beirami.win_rate_half", "bon.composition"):
        v = results[name].verdict
        assert v.status == "verified", (name, v)
        assert v.instances > 100
        assert results[name].as_expected


def test_folklore_equality_refuted_with_a_counterexample_that_rechecks(results):
    v = results["folklore.kl_equality"].verdict
    assert v.status == "refuted"
    ce = v.counterexample
    probs = [Fraction(s) for s in ce["probs"]]
    assert sum(probs) == 1
    n = ce["n"]
    with mpmath.workdps(60):
        bound = mpmath.log(n) - mpmath.mpf(n - 1) / n
        gap = bound - naive_kl_mp(probs, n)
    assert gap > mpmath.mpf(10) ** -10  # the folklore equality is false here
    assert results["folklore.kl_equality"].as_expected


def test_seed_reproducible():
    c = next(c for c in all_claims() if c.name == "folklore.kl_equality")
    a = run_claim(c, dps=20, seed=3).verdict
    b = run_claim(c, dps=20, seed=3).verdict
    assert a.counterexample == b.counterexample


def test_a_false_claim_asserted_true_makes_verify_fail(monkeypatch):
    from bonsym import claims as registry
    from bonsym.engine import Verdict

    fake = registry.Claim("test.false", "0 > 1", "B0", "beirami", "nobody", "true",
                          lambda dps, seed: Verdict("refuted", how="by hand", counterexample={"x": 0}))
    monkeypatch.setitem(registry._REGISTRY, "test.false", fake)
    assert main(["verify"]) == 1


def test_verify_runs_and_writes_json(tmp_path, capsys):
    out = tmp_path / "report.json"
    assert main(["verify", "--dps", "20", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "folklore.kl_equality" in text and "refuted" in text
    doc = json.loads(out.read_text())
    assert {c["name"] for c in doc["claims"]} >= {"beirami.kl_bound", "bon.composition"}
    assert all(c["as_expected"] for c in doc["claims"])


def test_verify_only_unknown_paper(capsys):
    assert main(["verify", "--only", "nosuchpaper"]) == 2
    assert "unknown paper" in capsys.readouterr().err


def test_console_entry_point_help_and_version():
    r = subprocess.run([sys.executable, "-m", "bonsym", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("bonsym ")
    r = subprocess.run([sys.executable, "-m", "bonsym", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "verify" in r.stdout
    r = subprocess.run([sys.executable, "-m", "bonsym", "verify", "--dps", "0"], capture_output=True, text=True)
    assert r.returncode == 2 and "digits >= 10" in r.stderr
