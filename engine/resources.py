"""Where the bundled data lives.

The top-level folders ``rules/``, ``evidence/`` and ``templates/`` are mapped into ``engine/data/`` when a wheel
is built (see setup.cfg); in a source checkout or an editable install they are read where they stand.
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the bundled folder ``name`` (``rules``, ``evidence`` or ``templates``)."""
    for candidate in (_HERE / "data" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled data folder {name!r} is missing from this installation")


def rules_dir() -> Path:
    return data_dir("rules")


def schema_path(name: str) -> Path:
    """A JSON Schema shipped under ``evidence/schemas`` (``documents/<kind>.schema.json`` for evidence kinds)."""
    return data_dir("evidence") / "schemas" / name


def sample_dir() -> Path:
    return data_dir("evidence") / "sample"


def templates_dir() -> Path:
    return data_dir("templates")


def shown_path(path: Path) -> str:
    """How a rule or goals file is named in messages and reports: ``rules/…`` for the built-in rules (wherever
    they are installed), otherwise the path as the user gave it, so that it can be found."""
    try:
        return f"rules/{path.resolve().relative_to(rules_dir().resolve()).as_posix()}"
    except ValueError:
        return str(path)
