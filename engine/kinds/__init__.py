"""Per document kind code: a module ``<kind>.py`` here may define ``derive(record, tz) -> dict`` that adds derived
columns (keys starting with ``_`` are not columns; ``_pauses`` is a list of (start, end) clock pauses).

A module may also define ``derive_bulk(cols, lists, nested, n) -> (columns, pauses)`` computing the same columns
for all records at once; the fast loading path needs it for kinds whose derived columns come from nested lists.

Modules are discovered by name, so a new document kind needs no edit elsewhere.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any, Callable


def _modules_with(attribute: str) -> dict[str, Callable[..., Any]]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, attribute):
            found[info.name] = getattr(module, attribute)
    return found


@lru_cache(maxsize=1)
def derivers() -> dict[str, Callable[..., dict[str, Any]]]:
    """Kind → ``derive(record, tz)``: derived columns of one record."""
    return _modules_with("derive")


@lru_cache(maxsize=1)
def bulk_derivers() -> dict[str, Callable[..., Any]]:
    """Kind → ``derive_bulk(cols, lists, nested, n)``: the same columns for all records at once."""
    return _modules_with("derive_bulk")
