"""The claims registry: every theorem, bound, conjecture or folklore formula as a :class:`Claim`.

A claim states one result once: its statement, the THEORY.md item it comes
from, who asserts it (the paper, or folklore), whether bonsym expects it to
hold, and a check that returns a :class:`~bonsym.engine.Verdict`.  Claims are
registered by paper (``bonsym.claims.beirami``, ...); ``all_claims()`` loads
every paper's module.

>>> names = [c.name for c in all_claims()]
>>> "beirami.kl_bound" in names and "folklore.kl_equality" in names
True
"""
from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import Callable

__all__ = ["Claim", "register", "all_claims", "run_claim", "ClaimResult"]

_REGISTRY: dict[str, "Claim"] = {}

#: what a claim is: a theorem or bound of a paper, a conjecture (never more than verified by
#: instances), a bound that holds with a loose constant (the check reports the worst ratio),
#: folklore, or a reading of a statement whose exact form is unconfirmed
KINDS = ("theorem", "conjecture", "loose", "folklore", "reading")
_PAPERS = ("beirami", "mroueh")


@dataclass(frozen=True)
class Claim:
    """A statement from the literature and the check that judges it.

    ``asserted_by`` names who states it as true; ``expected`` is ``"true"``
    when bonsym expects it to hold and ``"false"`` when it expects a
    refutation (folklore that the papers correct, misquotes).
    """

    name: str
    statement: str
    source: str  # THEORY.md item, e.g. "B8"
    paper: str
    asserted_by: str
    expected: str
    check: Callable
    kind: str = "theorem"

    def __post_init__(self):
        if self.expected not in ("true", "false"):
            raise ValueError(f"expected must be 'true' or 'false', got {self.expected!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def asserted_by_paper(self):
        return not self.asserted_by.lower().startswith("folklore")


@dataclass
class ClaimResult:
    claim: Claim
    verdict: object
    seconds: float

    @property
    def as_expected(self):
        refuted = self.verdict.status == "refuted"
        return refuted if self.claim.expected == "false" else not refuted

    @property
    def failed(self):
        """True when a claim asserted by a paper is refuted, or an expected refutation was not found."""
        return not self.as_expected


def register(*, name, statement, source, paper, asserted_by, expected="true", kind="theorem"):
    """Decorator registering a check function ``check(dps, seed) -> Verdict``."""

    def deco(fn):
        if name in _REGISTRY:
            raise ValueError(f"claim {name!r} is registered twice")
        _REGISTRY[name] = Claim(name, statement, source, paper, asserted_by, expected, fn, kind)
        return fn

    return deco


def all_claims(paper=None):
    """Every registered claim (optionally only those of one paper), in registration order."""
    for mod in _PAPERS:
        importlib.import_module(f"{__name__}.{mod}")
    claims = list(_REGISTRY.values())
    if paper is not None:
        known = sorted({c.paper for c in claims})
        if paper not in known:
            raise ValueError(f"unknown paper {paper!r}; known: {', '.join(known)}")
        claims = [c for c in claims if c.paper == paper]
    return claims


def run_claim(claim, *, dps=30, seed=0):
    t0 = time.perf_counter()
    verdict = claim.check(dps, seed)
    if claim.kind == "conjecture" and verdict.status == "proved":  # pragma: no cover - guard
        raise AssertionError(f"{claim.name}: a conjecture cannot be reported proved by this engine")
    return ClaimResult(claim, verdict, time.perf_counter() - t0)
