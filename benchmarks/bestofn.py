"""Best-of-n engine: accuracy and speed against naive baselines, in one run.

    python benchmarks/bestofn.py            # default sizes (about a minute)
    python benchmarks/bestofn.py --quick    # tiny sizes (used by the tests so it cannot rot)

Prints
1. relative error of the float path (kl_bon, win_rate_bon) and of the naive numpy formula
   ``F**n - Fprev**n`` against a 50-digit evaluation (bonsym's certified dps=50 path), for
   n up to 1e15 on random Dirichlet laws and on laws with atoms down to 1e-300;
2. time of kl_bon on a law of many atoms (law construction included) over the naive numpy time;
3. time of kl_bon(dps=50) over a plain mpmath loop over the atoms at 50 digits.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import mpmath
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bonsym import Ranked, kl_bon, win_rate_bon  # noqa: E402

ORDERS = (2, 10, 10**3, 10**6, 10**9, 10**12, 10**15)


def naive_kl(p, n):
    F = np.cumsum(p)
    Fp = np.concatenate(([0.0], F[:-1]))
    q = F**n - Fp**n
    with np.errstate(all="ignore"):
        t = q * np.log(q / p)
    return float(np.sum(t[q > 0]))


def naive_win(p, n):
    F = np.cumsum(p)
    Fp = np.concatenate(([0.0], F[:-1]))
    q = F**n - Fp**n
    return float(np.sum(q * (Fp + 0.5 * p)))


def mp_loop_kl(p, n, dps=50):
    """The plain mpmath baseline: one loop over the atoms at `dps` digits."""
    with mpmath.workdps(dps):
        T = mpmath.fsum(mpmath.mpf(x) for x in p)
        F = mpmath.mpf(0)
        total = mpmath.mpf(0)
        for x in p:
            x = mpmath.mpf(x) / T
            G = F + x
            q = G**n - F**n
            if q:
                total += q * mpmath.log(q / x)
            F = G
        return +total


def laws(rng, sizes):
    for L in sizes:
        for alpha in (0.1, 1.0):
            yield f"Dirichlet({alpha}) L={L}", rng.dirichlet(np.full(L, alpha))
        p = rng.dirichlet(np.ones(L))
        p[0] = 1e-300
        p[-1] = 1e-300
        p[L // 2] = 1e-200
        yield f"tiny atoms 1e-300 L={L}", p / p.sum()


def rel(a, b):
    return abs(float((mpmath.mpf(a) - b) / b))


def accuracy(sizes):
    rng = np.random.default_rng(2024)
    print("1. relative error against a 50-digit evaluation (worst over the laws)")
    print(f"{'n':>8} {'kl_bon':>10} {'naive kl':>10} {'win_bon':>10} {'naive win':>10}")
    worst = {n: [0.0, 0.0, 0.0, 0.0] for n in ORDERS}
    for _, p in laws(rng, sizes):
        law = Ranked(p)
        for n in ORDERS:
            kref = kl_bon(law, n, dps=50)
            wref = win_rate_bon(law, n, dps=50)
            errs = (rel(kl_bon(law, n), kref), rel(naive_kl(p, n), kref),
                    rel(win_rate_bon(law, n), wref), rel(naive_win(p, n), wref))
            worst[n] = [max(a, b) for a, b in zip(worst[n], errs)]
    for n in ORDERS:
        print(f"{n:>8.0e} " + " ".join(f"{e:>10.1e}" for e in worst[n]))
    return max(w[0] for w in worst.values()), max(w[2] for w in worst.values())


def best_time(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def speed_float(L, repeat):
    p = np.random.default_rng(7).dirichlet(np.ones(L))
    print(f"\n2. float path, {L:.0e} atoms (best of {repeat}; bonsym time includes building the law)")
    print(f"{'n':>8} {'naive ms':>10} {'bonsym ms':>10} {'ratio':>7}")
    for n in (2, 10**3, 10**6, 10**15):
        tn = best_time(lambda: naive_kl(p, n), repeat)
        tb = best_time(lambda: kl_bon(Ranked(p), n), repeat)
        print(f"{n:>8.0e} {1e3 * tn:>10.1f} {1e3 * tb:>10.1f} {tb / tn:>7.2f}")


def speed_mp(L, repeat):
    p = np.random.default_rng(8).dirichlet(np.ones(L))
    print(f"\n3. dps=50 path, {L} atoms: certified Arb path vs a plain mpmath loop")
    print(f"{'n':>8} {'mpmath s':>10} {'bonsym s':>10} {'speed-up':>9} {'digits agree':>13}")
    for n in (2, 10, 10**3, 10**6):
        t0 = time.perf_counter()
        ref = mp_loop_kl(p, n, 50 + 2 * len(str(n)))
        tm = time.perf_counter() - t0
        tb = best_time(lambda: kl_bon(Ranked(p), n, dps=50), repeat)
        val = kl_bon(Ranked(p), n, dps=50)
        agree = -mpmath.log10(abs((val - ref) / ref)) if val != ref else mpmath.inf
        print(f"{n:>8.0e} {tm:>10.2f} {tb:>10.3f} {tm / tb:>9.1f} {float(agree):>13.1f}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes, for smoke tests")
    args = ap.parse_args(argv)
    if args.quick:
        sizes, L_float, L_mp, repeat = (10, 100), 10**4, 200, 1
    else:
        sizes, L_float, L_mp, repeat = (10, 1000, 10**4), 10**6, 10**4, 5
    kerr, werr = accuracy(sizes)
    speed_float(L_float, repeat)
    speed_mp(L_mp, 1 if args.quick else 2)
    print(f"\nworst float relative error: kl_bon {kerr:.1e}, win_rate_bon {werr:.1e} (target 1e-12)")
    return 0 if max(kerr, werr) <= 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())
