"""``slacheck explain``: the timeline behind a record's time measurements, or its term of days day by day."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli import _as_of, echo_output, handle_errors


@click.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.argument("record_id")
@click.option("--rule", "rule_id", help="Only this rule (default: every time rule that applies to the record).")
@click.option("--contract", "contract_path", type=click.Path(path_type=Path), help="Contract settings (default: the sample's).")
@click.option("--as-of", "as_of_text",
              help="What is known: ISO timestamp with offset (default: the bundle's export time).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@handle_errors
def explain(bundle: Path, record_id: str, rule_id: str | None, contract_path: Path | None, as_of_text: str | None,
            lang: str) -> None:
    """Show which segments counted for RECORD_ID in BUNDLE: window, holidays, pauses, the figure and the norm;
    for a term of working or calendar days, each day from the start to the end, the term's last day and the verdict."""
    from ..bundle import load_bundle
    from ..audit import service_calendar
    from ..explain import explain_record, render_explanations
    from ..rulefiles import load_catalogue
    from ..settings import load_contract

    catalogue = load_catalogue()
    contract = load_contract(contract_path, catalogue=catalogue)
    loaded = load_bundle(bundle)
    calendar = service_calendar(contract, loaded.organisation)
    as_of = _as_of(as_of_text)
    items = explain_record(loaded, record_id, catalogue, contract, calendar,
                           loaded.exported_at if as_of is None else as_of, rule_id)
    echo_output(render_explanations(record_id, items, lang))


COMMANDS = [explain]
