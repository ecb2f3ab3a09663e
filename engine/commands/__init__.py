"""CLI commands, one module per command family; each module lists its click commands in ``COMMANDS``.

Modules are discovered by name, so adding a command family needs no edit to ``engine.cli``.
"""
from __future__ import annotations

import importlib
import pkgutil

import click


def discover() -> list[click.Command]:
    found: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "COMMANDS", []))
    return found
