"""``slacheck goals``: the goal graph (goals, the goals that assure them, their KPIs) as text or Mermaid.

With ``--period`` (and a BUNDLE or ``--sample``) the graph carries each goal's and KPI's rolled-up status.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import _as_of, bundle_or_sample, echo_output, handle_errors


@click.command()
@click.argument("bundle", required=False, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Colour by the status of an audit of the embedded sample.")
@click.option("--period", "period_text",
              help="Audit this period (2026-09, 2026-Q3, 2026 or 2026-01..2026-12) and show statuses (needs BUNDLE "
                   "or --sample).")
@click.option("--as-of", "as_of_text",
              help="What is known: ISO timestamp with offset (default: the bundle's export time).")
@click.option("--contract", "contract_path", type=click.Path(path_type=Path),
              help="Contract settings (default: the sample's).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")
@click.option("--format", "fmt", type=click.Choice(["text", "mermaid"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@handle_errors
def goals(bundle: Path | None, sample: bool, period_text: str | None, as_of_text: str | None,
          contract_path: Path | None, rules_dir: Path | None, fmt: str, lang: str) -> None:
    """Print the goal graph: validated as a DAG with every KPI under exactly one goal."""
    from ..errors import InputError, Problem
    from ..mermaid import mermaid, text_tree
    from ..rollup import kpi_graph
    from ..rulefiles import load_catalogue

    if (period_text or bundle or sample) and not (period_text and (bundle or sample)):
        raise InputError(Problem("--period", "statuses need both a period and a BUNDLE (or --sample)"))
    catalogue = load_catalogue(rules_dir)
    graph = kpi_graph(catalogue)
    goal_status, kpi_status, flagged = {}, {}, frozenset()
    if period_text:
        from ..audit import run_audit
        from ..periods import parse_period
        from ..settings import load_contract

        result = run_audit(bundle_or_sample(bundle, sample), parse_period(period_text), as_of=_as_of(as_of_text),
                           contract=load_contract(contract_path, catalogue=catalogue), catalogue=catalogue)
        goal_status = {g.goal: g.status for g in result.goals}
        kpi_status = {rid: s for g in result.goals for rid, s in g.kpi_statuses.items()}
        flagged = frozenset({g.goal for g in result.goals if g.deviation} | {d.rule_id for d in result.deviations})
    if fmt == "mermaid":
        echo_output(mermaid(catalogue, goal_status, kpi_status, flagged))
    else:
        echo_output(text_tree(catalogue, graph, lang, goal_status, kpi_status))
    sys.exit(0)


COMMANDS = [goals]
