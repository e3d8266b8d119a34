"""On-disk cache for derived data (JSON), keyed by the library version, the deriving module's source and SymPy's version.

The directory is ``$BONSYM_CACHE_DIR`` if set, else ``~/.cache/bonsym``; a
cache that cannot be written (read-only home) is skipped silently only in the
sense that the data is derived again next time: nothing is lost.

An entry read from disk is trusted only after ``validate(data)`` passes (each
deriving module checks its cached closed forms against their definitions at
a point, by quadrature); an entry that fails (corrupt, tampered, or written by
a broken SymPy) is discarded with a :class:`CacheWarning` and derived again.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .._version import __version__

__all__ = ["cached", "cache_dir", "parse_expression", "CacheWarning"]


class CacheWarning(UserWarning):
    """A cache entry on disk failed validation and was derived again."""

_MEMORY: dict = {}


def cache_dir():
    base = os.environ.get("BONSYM_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "bonsym")
    return Path(base) / __version__


def _source_hash(fn):
    """A short hash of the source file that defines ``fn``: editing a derivation invalidates its cache."""
    import hashlib
    import sys

    mod = sys.modules.get(getattr(fn, "__module__", ""), None)
    try:
        data = Path(mod.__file__).read_bytes()
    except (AttributeError, OSError, TypeError):
        return "nosrc"
    return hashlib.sha1(data).hexdigest()[:12]


def _sympy_version():
    import sympy

    return sympy.__version__


def cached(key, derive, validate=None):
    """Return the JSON-able data for ``key``: from memory, from disk, or ``derive()`` (then stored).

    The file name carries a hash of the deriving module's source and SymPy's
    version, so a change to a derivation (or to the SymPy that derived it) is
    never answered from a stale cache.  Data read from disk must pass
    ``validate(data)`` (which raises ``ValueError`` or ``ArithmeticError`` on
    a bad entry); otherwise it is derived again, with a :class:`CacheWarning`.
    """
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / f"{key}-{_source_hash(derive)}-sympy{_sympy_version()}.json"
    data = None
    try:
        with open(path) as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        data = None
    if data is not None and validate is not None:
        try:
            validate(data)
        except (ValueError, ArithmeticError, TypeError, KeyError) as exc:
            import warnings

            warnings.warn(f"cache entry {path} failed validation and is derived again: {exc}", CacheWarning,
                          stacklevel=2)
            data = None
    if data is None:
        data = derive()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
            os.replace(tmp, path)
        except OSError as exc:  # read-only cache: keep the result in memory only
            _MEMORY.setdefault("_warnings", []).append(str(exc))
    _MEMORY[key] = data
    return data


#: identifiers a cached SymPy expression may contain (besides its own symbols)
_ALLOWED_NAMES = {"log", "exp", "sqrt", "gamma", "loggamma", "harmonic", "hyper", "factorial",
                  "pi", "E", "EulerGamma", "polygamma"}


def parse_expression(text, symbols):
    """Parse a cached SymPy expression, refusing anything but arithmetic, numbers, known functions and ``symbols``.

    ``sympify`` evaluates Python code, so a cache file is checked token by
    token first: a tampered or corrupt entry raises ``ValueError`` instead of
    running.

    >>> import sympy
    >>> n = sympy.Symbol("n")
    >>> parse_expression("log(n) - 1 + 1/n", {"n": n})
    log(n) - 1 + 1/n
    >>> parse_expression("__import__('os').system('true')", {"n": n})
    Traceback (most recent call last):
    ...
    ValueError: refusing to parse a cached expression with characters outside arithmetic: ...
    >>> parse_expression("eval(n)", {"n": n})
    Traceback (most recent call last):
    ...
    ValueError: refusing to parse a cached expression with the name 'eval' (a corrupt ...
    """
    import re

    import sympy

    if not isinstance(text, str) or len(text) > 100_000:
        raise _refuse("a cached expression must be a string of reasonable size")
    if re.search(r"[^A-Za-z0-9_+\-*/().,\s]", text):
        raise _refuse(f"refusing to parse a cached expression with characters outside arithmetic: {text[:80]!r}")
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        if name not in _ALLOWED_NAMES and name not in symbols:
            raise _refuse(f"refusing to parse a cached expression with the name {name!r}")
    return sympy.sympify(text, locals=dict(symbols))


def _refuse(msg):
    return ValueError(f"{msg} (a corrupt or tampered cache entry: delete {cache_dir()} to derive it again)")
