"""The ``bonsym`` command."""
from __future__ import annotations

import argparse
import json
import sys

from ._version import __version__

__all__ = ["main"]


def _verify(args):
    from .claims import all_claims, run_claim

    try:
        claims = all_claims(args.only)
    except ValueError as e:
        print(f"bonsym verify: {e}", file=sys.stderr)
        return 2
    results = []
    width = max(len(c.name) for c in claims)
    for claim in claims:
        res = run_claim(claim, dps=args.dps, seed=args.seed)
        results.append(res)
        v = res.verdict
        mark = "ok  " if res.as_expected else "FAIL"
        tail = v.how
        if v.counterexample is not None:
            tail += "; counterexample " + json.dumps(
                {k: (_fmt(x) if k == "margin" else x) for k, x in v.counterexample.items()})
        elif v.margin is not None:
            tail += f"; worst margin {_fmt(v.margin)}"
        print(f"{mark} {v.status:<9} {claim.name:<{width}} [{claim.source}] {tail} ({res.seconds:.2f} s)")
        if args.verbose:
            print(f"     {claim.kind}: {claim.statement} (asserted by {claim.asserted_by})")
    failed = [r for r in results if r.failed]
    print(f"{len(results)} claims checked: "
          + ", ".join(f"{sum(r.verdict.status == s for r in results)} {s}"
                      for s in ("proved", "verified", "refuted", "unknown"))
          + f"; {len(failed)} not as expected")
    if args.json:
        doc = {
            "version": __version__, "dps": args.dps, "seed": args.seed,
            "claims": [{"name": r.claim.name, "source": r.claim.source, "paper": r.claim.paper,
                        "kind": r.claim.kind, "statement": r.claim.statement,
                        "asserted_by": r.claim.asserted_by, "expected": r.claim.expected,
                        "as_expected": r.as_expected, "seconds": r.seconds, **r.verdict.to_json()}
                       for r in results],
        }
        try:
            with open(args.json, "w") as fh:
                json.dump(doc, fh, indent=2)
        except OSError as e:
            print(f"bonsym verify: cannot write the JSON report: {e}", file=sys.stderr)
            return 2
    return 1 if failed else 0


def _fmt(x):
    import mpmath

    if isinstance(x, mpmath.mpf):
        return mpmath.nstr(x, 8)
    return str(x)


def _int_at_least(lo, what):
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if v < lo:
            raise argparse.ArgumentTypeError(f"expected {what}, got {v}")
        return v

    return parse


def build_parser():
    parser = argparse.ArgumentParser(
        prog="bonsym",
        description="bonsym: exact values and checked claims for best-of-n alignment.",
    )
    parser.add_argument("--version", action="version", version=f"bonsym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    v = sub.add_parser("verify", help="check every registered claim of the papers and print the verdicts")
    v.add_argument("--dps", type=_int_at_least(10, "an integer number of digits >= 10"), default=30,
                   help="working precision in digits, at least 10 (default 30)")
    v.add_argument("--seed", type=_int_at_least(0, "a non-negative integer"), default=0,
                   help="seed of the random instances (default 0)")
    v.add_argument("--verbose", action="store_true", help="also print each claim's statement and source")
    v.add_argument("--only", metavar="PAPER", default=None, help="only the claims of PAPER (e.g. beirami)")
    v.add_argument("--json", metavar="FILE", default=None, help="also write the full report as JSON")
    v.set_defaults(func=_verify)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
