"""``slacheck evidence check``: validate bundles without auditing them."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli import handle_errors
from ..errors import InputError


@click.group()
def evidence() -> None:
    """Check evidence bundles."""


@evidence.command("check")
@click.argument("bundles", nargs=-1, required=True, type=click.Path(path_type=Path))
@handle_errors
def evidence_check(bundles: tuple[Path, ...]) -> None:
    """Validate BUNDLES without auditing them; every problem in every bundle is reported."""
    from ..bundle import load_bundle

    errors: list[InputError] = []
    for b in bundles:
        try:
            loaded = load_bundle(b)
        except InputError as exc:
            errors.append(exc)
            continue
        total = sum(d.records for d in loaded.documents)
        click.echo(f"{b}: valid ({len(loaded.documents)} document(s), {total} record(s))")
    if errors:
        raise InputError.combine(errors)


COMMANDS = [evidence]
