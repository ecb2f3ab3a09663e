"""``slacheck agenda``: the governance agendas for a period, one meeting level or all (same exit codes as audit)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import echo_output, handle_errors
from .audit import audit_options, run_from_options


@click.command()
@audit_options
@click.option("--meeting", type=click.Choice(["operational", "tactical", "strategic", "all"]), default="all",
              show_default=True, help="Operational (monthly), tactical (quarterly) or strategic (yearly) meetings.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@handle_errors
def agenda(bundle: Path | None, sample: bool, period_text: str, as_of_text: str | None, contract_path: Path | None,
           rules_dir: Path | None, signal_pairs: tuple[str, ...], lang: str, template_dir: Path | None,
           meeting: str, fmt: str) -> None:
    """The agenda items per meeting in the period: "Altijd" KPIs, "Alleen bij afwijking" KPIs below norm,
    every deviation from the Agreement, every KPI with insufficient evidence (NO-DATA / ERROR), and standing items
    (S1 on every yearly strategic agenda)."""
    from ..report import render_agenda
    from ..serialize import agenda_data, to_data, to_json_data

    result = run_from_options(bundle, sample, period_text, as_of_text, contract_path, rules_dir, signal_pairs)
    data = to_data(result)
    if meeting != "all":
        data["agendas"] = [a for a in data["agendas"] if a["meeting"] == meeting]
    if fmt == "json":
        echo_output(to_json_data(agenda_data(data, meeting)))
    else:
        echo_output(render_agenda(data, lang, template_dir))
    sys.exit(result.exit_code)


COMMANDS = [agenda]
