"""``slacheck change validate|apply``: judge a KPI change request (annex 12a §2.2) and record it in the register."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import echo_output, handle_errors


def _load(request: Path, contract_path: Path | None, rules_dir: Path | None):
    from ..changecontrol.changes import validate_request
    from ..changecontrol.documents import load_document
    from ..rulefiles import load_catalogue
    from ..settings import load_contract

    catalogue = load_catalogue(rules_dir)
    contract = load_contract(contract_path, catalogue=catalogue)
    doc = load_document(request, "change-request.schema.json")
    return doc, contract, catalogue, validate_request(doc, contract, catalogue)


@click.group()
def change() -> None:
    """Check KPI change requests and keep the register of agreed norm changes."""


_contract = click.option("--contract", "contract_path", type=click.Path(path_type=Path),
                         help="Contract settings (default: the sample's).")
_rules = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")


@change.command("validate")
@click.argument("request", type=click.Path(path_type=Path))
@_contract
@_rules
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@handle_errors
def change_validate(request: Path, contract_path: Path | None, rules_dir: Path | None, fmt: str, lang: str) -> None:
    """Judge REQUEST (YAML) against annex 12a §1 and §2.2. Exit 0 allowed, 1 not allowed, 2 bad input."""
    from ..changecontrol.render import render_markdown, to_json

    _, _, _, verdict = _load(request, contract_path, rules_dir)
    echo_output(to_json(verdict) if fmt == "json" else render_markdown(verdict, lang))
    sys.exit(verdict.exit_code)


@change.command("apply")
@click.argument("request", type=click.Path(path_type=Path))
@click.option("--contract", "contract_path", type=click.Path(path_type=Path), required=True,
              help="The contract settings file to record the change in (rewritten atomically).")
@_rules
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="The language of the verdict printed when the request is refused.")
@handle_errors
def change_apply(request: Path, contract_path: Path, rules_dir: Path | None, lang: str) -> None:
    """Record an allowed REQUEST in the contract's append-only norm register; refuse one that is not (exit 1)."""
    from ..changecontrol.apply import record
    from ..changecontrol.render import render_markdown

    doc, _, catalogue, verdict = _load(request, contract_path, rules_dir)
    if not verdict.valid:
        echo_output(render_markdown(verdict, lang))
        click.echo(f"slacheck: {verdict.subject_id} is not allowed; nothing was recorded", err=True)
        sys.exit(verdict.exit_code)
    entry = record(doc, verdict, contract_path, catalogue)
    click.echo(f"recorded {entry['id']} in {contract_path}: {entry['change']} {entry['rule']} from "
               f"{entry['effective_from']} (request sha256 {entry['request_sha256'][:12]}…)", err=True)


COMMANDS = [change]
