"""One country's holidays from the ``holidays`` package, without importing every country the package supports.

``holidays.country_holidays("NL")`` finds its class on the package, which imports ``holidays.countries``; that
package's ``__init__`` imports all ~250 country modules (~0.1 s per process, a fifth of a small audit's own work)
to hand back one class. Here the country's own module, named by the package's registry
(``holidays.registry.COUNTRIES``), is loaded by itself, once per process and under a private name, and its class is
called as ``country_holidays`` calls it: the same code computes the same days and names. A code the registry does
not name, or a module that cannot be loaded so, goes to ``holidays.country_holidays`` itself, and so do all calls
once the package has imported its countries anyway; its errors are the package's own. (The package version is
pinned in setup.cfg; tests/test_holidaysource.py holds both ways to the same days, names and errors.)
"""
from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import holidays
from holidays.registry import COUNTRIES

_COUNTRIES_DIR = Path(holidays.__file__).parent / "countries"


def country_holidays(country: str, *, subdiv: str | None = None, years: int | Iterable[int] | None = None,
                     categories: Any = None, language: str | None = None) -> holidays.HolidayBase:
    """``holidays.country_holidays(country, subdiv=, years=, categories=, language=)``."""
    entity = _entity(country) if isinstance(country, str) and "holidays.countries" not in sys.modules else None
    if entity is None:
        return holidays.country_holidays(country, subdiv=subdiv, years=years, categories=categories,
                                         language=language)
    try:  # the call country_holidays makes, with its defaults
        return entity(years=years, subdiv=subdiv, expand=True, observed=True, prov=None, state=None,
                      language=language, categories=categories)
    except AttributeError:  # as country_holidays reports it
        raise NotImplementedError(f"Country {country} not available") from None


@lru_cache(maxsize=None)
def _entity(country: str) -> type | None:
    """The class the package would give for ``country`` (a code or class name), or None to let the package do it."""
    module = next((m for m, names in COUNTRIES.items() if country in names), None)
    if module is None or not (path := _COUNTRIES_DIR / f"{module}.py").is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"{__name__}._{module}", path)
    if spec is None or spec.loader is None:
        return None
    loaded = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(loaded)
    except Exception:  # noqa: BLE001 - whatever keeps the module from loading alone: the package's own way
        return None
    entity = getattr(loaded, country, None)
    return entity if isinstance(entity, type) and issubclass(entity, holidays.HolidayBase) else None
