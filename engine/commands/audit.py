"""``slacheck audit``: audit a bundle over a period and print or write the findings."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import _as_of, handle_errors, sample_bundle
from ..errors import InputError, Problem


@click.command()
@click.argument("bundle", required=False, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Audit the embedded sample evidence.")
@click.option("--period", "period_text", required=True, help="2026-09, 2026-Q3, 2026 or 2026-01..2026-12.")
@click.option("--as-of", "as_of_text", help="What is known: ISO timestamp with offset (default: the bundle's export time).")
@click.option("--contract", "contract_path", type=click.Path(path_type=Path), help="Contract settings (default: the sample's).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Your own template folder (rendered in Jinja's sandbox; built-ins fill the gaps).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write report.md and report.json to this folder (atomically) instead of printing.")
@handle_errors
def audit(bundle: Path | None, sample: bool, period_text: str, as_of_text: str | None, contract_path: Path | None,
          rules_dir: Path | None, fmt: str, lang: str, template_dir: Path | None, out_dir: Path | None) -> None:
    """Audit an evidence BUNDLE (a folder with a manifest) over a period and print the findings."""
    from ..atomic import write_all_atomic
    from ..audit import run_audit
    from ..periods import parse_period
    from ..report import render_report
    from ..rulefiles import load_catalogue
    from ..serialize import to_data, to_json
    from ..settings import load_contract

    if bundle is None and not sample:
        raise InputError(Problem("BUNDLE", "give an evidence bundle folder, or --sample for the embedded sample"))
    span = parse_period(period_text)
    catalogue = load_catalogue(rules_dir) if rules_dir else None
    result = run_audit(bundle or sample_bundle(), span, as_of=_as_of(as_of_text),
                       contract=load_contract(contract_path), catalogue=catalogue)
    data = to_data(result)
    if out_dir:
        write_all_atomic({out_dir / "report.md": render_report(data, lang, template_dir),
                          out_dir / "report.json": to_json(result)})
        click.echo(f"wrote {out_dir / 'report.md'} and {out_dir / 'report.json'}", err=True)
    elif fmt == "json":
        click.echo(to_json(result), nl=False)
    else:
        click.echo(render_report(data, lang, template_dir), nl=False)
    sys.exit(result.exit_code)


COMMANDS = [audit]
