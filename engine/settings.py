"""Contract settings: the service calendar, tendered norms and norm register of one contract.

They are kept apart from the rules (the annex, the same for every contract) and from the evidence (what
happened): ``--contract FILE`` selects them; the sample bundle ships one.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import jsonschema

from . import resources
from .errors import Problem, SettingsError, json_path, schema_problems
from .yamlio import load_yaml


@dataclass(frozen=True)
class Contract:
    contract_id: str
    source: str
    sha256: str
    data: Mapping[str, Any]

    @cached_property
    def calendar_settings(self) -> Mapping[str, Any]:
        """The ``calendar:`` settings with the service window in force (one object per contract, so a calendar
        made from it is recognised): the window the supplier tendered, when the recorded sheet offered one, else
        ``calendar.service_window``. Annex 12a §3: "Leverancier mag bij inschrijving optioneel een ruimer
        servicevenster aanbieden"; "Leverancier geeft de norm bij inschrijving op; daarna geldt deze als
        contractuele norm". The tendered window replaces the whole week (a day it leaves out is closed)."""
        tendered = (self.data.get("tender_sheet") or {}).get("service_window")
        return {**self.data["calendar"], "service_window": tendered} if tendered else self.data["calendar"]

    @property
    def service_window_origin(self) -> Mapping[str, Any]:
        """Where the window in force comes from: ``{"from": "tender_sheet", "source", "sha256"}`` or ``{"from":
        "calendar"}`` (the minimum requirement, or what the contract settings say)."""
        sheet = self.data.get("tender_sheet") or {}
        if sheet.get("service_window"):
            return {"from": "tender_sheet", "source": str(sheet.get("source")), "sha256": str(sheet.get("sha256"))}
        return {"from": "calendar"}

    def tendered(self, rule_id: str, clause_id: str) -> Mapping[str, Any] | None:
        return (self.data.get("tendered_norms") or {}).get(rule_id, {}).get(clause_id)

    @property
    def register(self) -> list[Mapping[str, Any]]:
        return list(self.data.get("norm_register") or [])


def default_contract_path() -> Path:
    return resources.sample_dir() / "contract.yaml"


def load_contract(path: Path | str | None = None, catalogue: Any = None) -> Contract:
    """Load and check contract settings: the schema, the norm register's consistency (see
    ``engine.changecontrol.register``) and that no tendered or register norm is weaker than the buyer's floor
    (``engine.norms.floor_problems``), checked against ``catalogue`` (default: the built-in rules)."""
    path = Path(path) if path else default_contract_path()
    source = str(path) if path != default_contract_path() else "sample/contract.yaml"
    raw = path.read_bytes() if path.is_file() else None
    if raw is None:
        raise SettingsError(Problem(source, "contract settings file not found"))
    doc = load_yaml(path, source)
    check_contract_data(doc, source, path.parent, catalogue)
    return Contract(doc["contract_id"], source, hashlib.sha256(raw).hexdigest(), doc)


def check_contract_data(doc: Any, source: str, base_dir: Path | None, catalogue: Any = None) -> None:
    """Raise ``SettingsError`` with every problem of parsed contract settings (also used before writing them)."""
    schema = json.loads(resources.schema_path("contract.schema.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise SettingsError([Problem(source, said, field=json_path(path))
                             for e in errors for path, said in schema_problems(e)])
    if doc.get("norm_register") or doc.get("tendered_norms"):
        from .changecontrol.register import register_problems
        from .norms import floor_problems

        if catalogue is None:
            from .rulefiles import load_catalogue

            catalogue = load_catalogue()
        problems = register_problems(doc, source, base_dir, catalogue) + floor_problems(doc, source, catalogue)
        if problems:
            raise SettingsError(problems)
