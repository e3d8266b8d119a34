"""On-disk cache for derived data (JSON), keyed by the library version.

The directory is ``$BONSYM_CACHE_DIR`` if set, else ``~/.cache/bonsym``; a
cache that cannot be written (read-only home) is skipped silently only in the
sense that the data is derived again next time: nothing is lost.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .._version import __version__

__all__ = ["cached", "cache_dir"]

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


def cached(key, derive):
    """Return the JSON-able data for ``key``: from memory, from disk, or ``derive()`` (then stored).

    The file name carries a hash of the deriving module's source, so a change
    to a derivation is never answered from a stale cache.
    """
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / f"{key}-{_source_hash(derive)}.json"
    data = None
    try:
        with open(path) as fh:
            data = json.load(fh)
    except (OSError, ValueError):
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
