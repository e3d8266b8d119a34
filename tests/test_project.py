"""The project's promises: README commands, CI script, light import, precision isolation, benchmarks."""
import re
import subprocess
import sys
import threading
from pathlib import Path

import mpmath

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", quick, re.S)


def test_readme_has_exactly_two_setup_commands():
    cmds = readme_commands()
    assert len(cmds) == 2
    assert "bonsym verify" in cmds[0]
    assert "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert readme_commands()[1] in ci


def test_import_is_light():
    code = "import sys, bonsym; print('sympy' in sys.modules, 'flint' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.split() == ["False", "False"], r.stdout + r.stderr


def test_threads_at_different_precisions_do_not_interfere():
    from bonsym import kl_bon

    law = ["1/2", "1/3", "1/6"]
    with mpmath.workdps(80):
        ref = {d: kl_bon(law, 7, dps=d) for d in (20, 40, 60, 80)}
    errors = []

    def work(d):
        for _ in range(20):
            v = kl_bon(law, 7, dps=d)
            with mpmath.workdps(90):
                if abs(v - ref[d]) > abs(ref[d]) * mpmath.mpf(10) ** (-d):
                    errors.append((d, v))

    threads = [threading.Thread(target=work, args=(d,)) for d in (20, 40, 60, 80) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert mpmath.mp.dps == 15


def test_dps_result_digits_are_certified_against_higher_precision():
    from bonsym import kl_bon, win_rate_bon

    law = [0.1, 0.2, 0.3, 0.4]
    for d in (10, 30, 55):
        for n in (2, 17, 2.5, 10**9):
            hi = kl_bon(law, n, dps=d + 30)
            lo = kl_bon(law, n, dps=d)
            with mpmath.workdps(d + 40):
                assert abs(lo - hi) <= abs(hi) * mpmath.mpf(10) ** (1 - d), (d, n)
            w_hi, w_lo = win_rate_bon(law, n, dps=d + 30), win_rate_bon(law, n, dps=d)
            with mpmath.workdps(d + 40):
                assert abs(w_lo - w_hi) <= w_hi * mpmath.mpf(10) ** (1 - d)


def test_benchmark_script_runs_quick():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bestofn.py"), "--quick"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ratio" in r.stdout and "worst float relative error" in r.stdout


def test_divergence_benchmark_runs_quick():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "divergences.py"), "--quick"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "speed-up" in r.stdout and "worst float relative error of divergence()" in r.stdout
