"""f-divergences between two laws and the tradeoff inversions: accuracy and speed against naive baselines.

    python benchmarks/divergences.py            # default sizes (about a minute)
    python benchmarks/divergences.py --quick    # tiny sizes (used by the tests so it cannot rot)

Prints
1. relative error of ``divergence(kind, p, q)`` in float and of the naive numpy formula against a
   50-digit evaluation (bonsym's certified dps=50 path), worst over Dirichlet laws, nearly equal laws
   (p = q (1 + 1e-9 z)) and laws with atoms down to 1e-300;
2. time of the float path on large laws (law construction included) over the naive numpy time;
3. time of the dps=30 path over a plain mpmath loop over the atoms at 30 digits;
4. time of ``optimal_win_rate(K, dps=k)`` (certified) over ``mpmath.findroot`` on the closed form
   (uncertified) at the same precision.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import mpmath
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bestofn import best_time  # noqa: E402
from bonsym import Ranked, divergence  # noqa: E402
from bonsym.tradeoff import optimal_win_rate  # noqa: E402

KINDS = ("chi2", "tv", "hellinger", "js", "renyi")
ALPHA = 0.7


def naive(kind, p, q):
    """The textbook formulas in numpy, as a user would type them."""
    with np.errstate(all="ignore"):
        if kind == "chi2":
            return float(np.sum((p - q) ** 2 / q))
        if kind == "tv":
            return float(0.5 * np.sum(np.abs(p - q)))
        if kind == "hellinger":
            return float(1.0 - np.sum(np.sqrt(p * q)))
        if kind == "js":
            m = (p + q) / 2
            return float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))
        return float(np.log(np.sum(p**ALPHA * q ** (1 - ALPHA))) / (ALPHA - 1))


def mp_loop(kind, p, q, dps):
    """The plain mpmath baseline: one loop over the atoms at ``dps`` digits."""
    with mpmath.workdps(dps):
        P = [mpmath.mpf(x) for x in p]
        Q = [mpmath.mpf(x) for x in q]
        tp, tq = mpmath.fsum(P), mpmath.fsum(Q)
        P = [x / tp for x in P]
        Q = [x / tq for x in Q]
        if kind == "chi2":
            return mpmath.fsum((a - b) ** 2 / b for a, b in zip(P, Q))
        if kind == "tv":
            return mpmath.fsum(abs(a - b) for a, b in zip(P, Q)) / 2
        if kind == "hellinger":
            return 1 - mpmath.fsum(mpmath.sqrt(a * b) for a, b in zip(P, Q))
        if kind == "js":
            return mpmath.fsum(a * mpmath.log(2 * a / (a + b)) + b * mpmath.log(2 * b / (a + b))
                               for a, b in zip(P, Q)) / 2
        al = mpmath.mpf(ALPHA)
        return mpmath.log(mpmath.fsum(a**al * b ** (1 - al) for a, b in zip(P, Q))) / (al - 1)


def pairs(rng, sizes):
    for L in sizes:
        yield f"Dirichlet L={L}", rng.dirichlet(np.ones(L)), rng.dirichlet(np.ones(L))
        q = rng.dirichlet(np.ones(L))
        p = q * (1 + 1e-9 * rng.standard_normal(L))
        yield f"nearly equal L={L}", p / p.sum(), q
        p, q = rng.dirichlet(np.ones(L)), rng.dirichlet(np.ones(L))
        p[0], q[1], p[L // 2] = 1e-300, 1e-300, 1e-200
        yield f"tiny atoms L={L}", p / p.sum(), q / q.sum()


def kw(kind):
    return {"alpha": ALPHA} if kind == "renyi" else {}


def rel(a, b):
    return abs(float((mpmath.mpf(a) - b) / b)) if b else abs(float(a))


def accuracy(sizes):
    rng = np.random.default_rng(2026)
    print("1. relative error against a 50-digit evaluation (worst over the laws)")
    print(f"{'kind':>10} {'bonsym':>10} {'naive':>10}")
    worst_all = 0.0
    for kind in KINDS:
        wb = wn = 0.0
        for _, p, q in pairs(rng, sizes):
            ref = divergence(kind, p, q, dps=50, **kw(kind))
            wb = max(wb, rel(divergence(kind, p, q, **kw(kind)), ref))
            wn = max(wn, rel(naive(kind, p, q), ref))
        worst_all = max(worst_all, wb)
        print(f"{kind:>10} {wb:>10.1e} {wn:>10.1e}")
    return worst_all


def speed_float(L, repeat):
    rng = np.random.default_rng(7)
    p, q = rng.dirichlet(np.ones(L)), rng.dirichlet(np.ones(L))
    print(f"\n2. float path, {L:.0e} atoms (best of {repeat}; bonsym time includes building both laws)")
    print(f"{'kind':>10} {'naive ms':>10} {'bonsym ms':>10} {'ratio':>7}")
    for kind in KINDS:
        tn = best_time(lambda: naive(kind, p, q), repeat)
        tb = best_time(lambda: divergence(kind, Ranked(p), Ranked(q), **kw(kind)), repeat)
        print(f"{kind:>10} {1e3 * tn:>10.1f} {1e3 * tb:>10.1f} {tb / tn:>7.2f}")


def speed_mp(L):
    rng = np.random.default_rng(8)
    p, q = rng.dirichlet(np.ones(L)), rng.dirichlet(np.ones(L))
    print(f"\n3. dps=30 path, {L} atoms: certified Arb path vs a plain mpmath loop at 30 digits")
    print(f"{'kind':>10} {'mpmath s':>10} {'bonsym s':>10} {'speed-up':>9} {'digits agree':>13}")
    for kind in KINDS:
        t0 = time.perf_counter()
        ref = mp_loop(kind, p, q, 40)
        tm = time.perf_counter() - t0
        t0 = time.perf_counter()
        val = divergence(kind, p, q, dps=30, **kw(kind))
        tb = time.perf_counter() - t0
        with mpmath.workdps(40):
            agree = -mpmath.log10(abs((val - ref) / ref)) if val != ref else mpmath.inf
        print(f"{kind:>10} {tm:>10.3f} {tb:>10.3f} {tm / tb:>9.1f} {float(agree):>13.1f}")


def speed_tradeoff(digits):
    print(f"\n4. optimal_win_rate(K) at {digits} digits: certified Arb inversion vs mpmath.findroot (uncertified)")
    print(f"{'K':>8} {'findroot s':>11} {'bonsym s':>10} {'speed-up':>9} {'digits agree':>13}")
    for K in (mpmath.mpf(1) / 3, 5, 50):
        with mpmath.workdps(digits + 10):
            Km = mpmath.mpf(K)

            def kl(c):  # B30: KL(c) = log(c/(e^c - 1)) + c W(c), W(c) = 1/(1 - e^-c) - 1/c
                return mpmath.log(c / mpmath.expm1(c)) + c * (1 / (-mpmath.expm1(-c)) - 1 / c) - Km

            t0 = time.perf_counter()
            c = mpmath.findroot(kl, mpmath.sqrt(24 * Km) if Km < 1 else mpmath.exp(Km + 1))
            ref = 1 / (-mpmath.expm1(-c)) - 1 / c
            tf = time.perf_counter() - t0
        t0 = time.perf_counter()
        val = optimal_win_rate(mpmath.nstr(Km, digits + 10) if K != 5 and K != 50 else K, dps=digits)
        tb = time.perf_counter() - t0
        with mpmath.workdps(digits + 10):
            agree = -mpmath.log10(abs((val - ref) / ref)) if val != ref else mpmath.inf
        print(f"{mpmath.nstr(Km, 4):>8} {tf:>11.3f} {tb:>10.3f} {tf / tb:>9.1f} {float(agree):>13.1f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes, for smoke tests")
    args = ap.parse_args(argv)
    if args.quick:
        sizes, L_float, L_mp, repeat, digits = (10, 100), 10**4, 200, 1, 50
    else:
        sizes, L_float, L_mp, repeat, digits = (10, 1000, 10**4), 10**6, 10**4, 5, 1000
    worst = accuracy(sizes)
    speed_float(L_float, repeat)
    speed_mp(L_mp)
    speed_tradeoff(digits)
    print(f"\nworst float relative error of divergence(): {worst:.1e} (target 1e-12)")
    return 0 if worst <= 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())
