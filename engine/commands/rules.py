"""``slacheck rules list|validate``."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli import handle_errors


@click.group()
def rules() -> None:
    """List and validate rule files."""


@rules.command("list")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")
@handle_errors
def rules_list(rules_dir: Path | None) -> None:
    """Every rule: id, goal, norm, minimum requirement, reporting cadence, meeting and agenda type."""
    from ..rulefiles import load_catalogue

    cat = load_catalogue(rules_dir)
    header = ("id", "goal", "norm", "min. req.", "reporting", "meeting", "agenda")
    rows = [header] + [tuple(map(_cell, (r.id, r.goal, r.annex_norm, r.minimum_requirement.value,
                                         "+".join(c.value for c in r.reporting), r.meeting.value, r.agenda.value)))
                       for r in cat.rules.values()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


_CELL = 60  # characters; a longer norm text is cut, and marked as cut


def _cell(value: object) -> str:
    """A column's text, at most ``_CELL`` characters: a norm cut mid-word ("… hogere norm aanb") would read as the
    annex's own words, so a cut one ends in "…" (the whole text is in the rule file and every report)."""
    text = str(value)
    return text if len(text) <= _CELL else text[:_CELL - 1] + "…"


@rules.command("validate")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@handle_errors
def rules_validate(directory: Path | None) -> None:
    """Check every rule file in DIRECTORY (default: the built-in rules) and report every error found."""
    from ..rulefiles import load_catalogue

    cat = load_catalogue(directory)
    click.echo(f"{len(cat.rules)} rule file(s) valid")


COMMANDS = [rules]
