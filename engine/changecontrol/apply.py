"""Write change-control results into the contract settings: register entries and tendered norms, atomically.

The new text is checked as a whole (schema, register consistency, append-only) before it replaces the file, so
a failed run leaves the contract settings as they were.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..atomic import write_atomic
from ..errors import ChangeRequestError, Problem
from ..settings import check_contract_data
from ..yamlio import load_yaml_text
from .documents import Document
from .model import Verdict
from .register import append_entry, entry_for, replace_block


def _read(contract_path: Path) -> str:
    return Path(contract_path).read_text(encoding="utf-8-sig")


def record(doc: Document, verdict: Verdict, contract_path: Path, catalogue: Any) -> dict[str, Any]:
    """Append the entry of a valid request to the register of ``contract_path``; return the entry."""
    if not verdict.valid:
        raise ChangeRequestError(Problem(doc.source, "the request is not allowed; it cannot be recorded"))
    text = _read(contract_path)
    before = load_yaml_text(text, str(contract_path))
    register = before.get("norm_register") or []
    entry = entry_for(verdict, doc.data, doc.path, contract_path)
    for i, e in enumerate(register):
        if e.get("id") == entry["id"]:
            raise ChangeRequestError(Problem(doc.source, f"already recorded as register entry {i + 1} of {contract_path}",
                                             field="$.id"))
    new_text = append_entry(text, entry, str(contract_path))
    after = load_yaml_text(new_text, str(contract_path))
    if (after.get("norm_register") or [])[:len(register)] != register or after.get("norm_register")[-1] != entry:
        raise ChangeRequestError(Problem(str(contract_path), "the register could not be appended to without changing "
                                         "earlier entries", field="$.norm_register"))
    check_contract_data(after, str(contract_path), Path(contract_path).parent, catalogue)
    write_atomic(Path(contract_path), new_text)
    return entry


def write_tendered_norms(contract_path: Path, norms: Mapping[str, Any], reference: Mapping[str, Any],
                         catalogue: Any) -> bool:
    """Write a validated sheet's norms as ``tendered_norms`` (and ``tender_sheet``) of ``contract_path``; return
    whether the file changed.

    Once in the contract they stay: "De bij inschrijving opgegeven normen gelden gedurende de volledige
    contractperiode als contractuele referentie" (annex 12a §2.1), so a contract that records another sheet, or
    holds other tendered norms, is refused; the same sheet again (same SHA-256) changes nothing.
    """
    text = _read(contract_path)
    before = load_yaml_text(text, str(contract_path)) or {}
    recorded = before.get("tender_sheet") or {}
    why = ("norms that are the contractual reference for the whole contract period (annex 12a §2.1); a later change "
           "goes through `slacheck change validate` and `change apply`")
    if recorded.get("sha256") == reference["sha256"]:
        return False
    if recorded:
        raise ChangeRequestError(Problem(str(contract_path), f"already holds the tendered norms of sheet "
                                         f"{recorded.get('source')} (SHA-256 {recorded.get('sha256')}), {why}; "
                                         f"this sheet's SHA-256 is {reference['sha256']}", field="$.tender_sheet"))
    if before.get("tendered_norms") and before["tendered_norms"] != dict(norms):
        raise ChangeRequestError(Problem(str(contract_path), f"already holds tendered norms other than this sheet's, "
                                         f"{why}", field="$.tendered_norms"))
    new_text = replace_block(text, "tendered_norms", dict(norms),
                             "Annex 12b as validated by `slacheck tender validate --write-contract` (rule id -> clause id -> norm).")
    new_text = replace_block(new_text, "tender_sheet", dict(reference), "")
    after = load_yaml_text(new_text, str(contract_path))
    check_contract_data(after, str(contract_path), Path(contract_path).parent, catalogue)
    write_atomic(Path(contract_path), new_text)
    return True
