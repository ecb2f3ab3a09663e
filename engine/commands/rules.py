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
    rows = [header] + [(r.id, r.goal, r.annex_norm, r.minimum_requirement.value,
                        "+".join(c.value for c in r.reporting), r.meeting.value, r.agenda.value)
                       for r in cat.rules.values()]
    widths = [min(max(len(str(row[i])) for row in rows), 60) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(str(v)[:60].ljust(w) for v, w in zip(row, widths)).rstrip())


@rules.command("validate")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@handle_errors
def rules_validate(directory: Path | None) -> None:
    """Check every rule file in DIRECTORY (default: the built-in rules) and report every error found."""
    from ..rulefiles import load_catalogue

    cat = load_catalogue(directory)
    click.echo(f"{len(cat.rules)} rule file(s) valid")


COMMANDS = [rules]
