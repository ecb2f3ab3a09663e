"""``slacheck tender validate``: check the supplier's norm sheet (annex 12b) and make it the tendered norms."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import echo_output, handle_errors
from ..errors import InputError, Problem


@click.group()
def tender() -> None:
    """Check the supplier's norm sheet (annex 12b)."""


@tender.command("validate")
@click.argument("sheet", type=click.Path(path_type=Path))
@click.option("--contract", "contract_path", type=click.Path(path_type=Path),
              help="Contract settings (default: the --write-contract file, else the sample's).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--write-contract", "write_path", type=click.Path(path_type=Path),
              help="When the sheet is valid, write its norms as tendered_norms into this contract settings file (atomically).")
@handle_errors
def tender_validate(sheet: Path, contract_path: Path | None, rules_dir: Path | None, fmt: str, lang: str,
                    write_path: Path | None) -> None:
    """Judge SHEET (YAML) against annex 12a §2, §2.1 and §3. Exit 0 valid, 1 not valid, 2 bad input.

    With --write-contract the sheet is judged against that contract (its id and floors), not another one.
    """
    from ..changecontrol.apply import write_tendered_norms
    from ..changecontrol.documents import load_document
    from ..changecontrol.render import render_markdown, to_json
    from ..changecontrol.tender import sheet_reference, tendered_norms, validate_sheet
    from ..rulefiles import load_catalogue
    from ..settings import load_contract

    if write_path is not None and contract_path is not None and contract_path.resolve() != write_path.resolve():
        raise InputError(Problem("--write-contract", f"writes into {write_path}, but --contract names {contract_path}: "
                                 "the sheet is checked against the contract it is written into (its id and floors); "
                                 "give one of them, or the same file twice"))
    catalogue = load_catalogue(rules_dir)
    contract = load_contract(write_path if write_path is not None else contract_path, catalogue=catalogue)
    doc = load_document(sheet, "tender-sheet.schema.json")
    verdict = validate_sheet(doc, contract, catalogue)
    note = None
    if write_path is not None and not verdict.valid:
        note = f"slacheck: the sheet is not valid; {write_path} was not changed"
    elif write_path is not None:  # written (or refused) before the verdict is shown
        if write_tendered_norms(write_path, tendered_norms(doc.data), sheet_reference(verdict, doc.data), catalogue):
            note = f"wrote the tendered norms of {sheet} into {write_path}"
        else:
            note = f"{write_path} already holds the tendered norms of this sheet (same SHA-256); not changed"
    echo_output(to_json(verdict) if fmt == "json" else render_markdown(verdict, lang))
    if note:
        click.echo(note, err=True)
    sys.exit(verdict.exit_code)


COMMANDS = [tender]
