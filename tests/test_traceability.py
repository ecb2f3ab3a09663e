"""Every row of the annex has exactly one rule file that quotes it verbatim, and the traceability table is
current."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from engine.annex import annex_path, annex_rows

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "spec" / "bijlage-12a.md"


def test_the_shipped_annex_is_the_contract_text():
    if not SHARED.is_file():
        pytest.skip("no shared/spec beside the checkout")
    assert annex_path().read_bytes() == SHARED.read_bytes()


def test_the_annex_has_36_kpi_rows_and_4_service_window_rows():
    rows = annex_rows()
    assert len([r for r in rows if r.section != "3"]) == 36
    assert [r.name for r in rows if r.section == "3"] == [
        "Servicevenster servicedesk", "Piket/stand-by (P1)", "Kanalen", "Feestdagen"]


def test_every_annex_row_has_exactly_one_rule_quoting_it_verbatim(catalogue):
    rows = annex_rows()
    for row in rows:
        matches = [r for r in catalogue.rules.values() if r.annex_name == row.name]
        assert len(matches) == 1, f"annex row {row.name!r}: {[m.id for m in matches]}"
        rule = matches[0]
        assert rule.annex_definition == row.definition, rule.id
        assert rule.annex_norm == row.norm, rule.id
        section = rule.id.split("-")[0]
        assert section == ("SW" if row.section == "3" else row.section), rule.id
    assert len(catalogue.rules) == len(rows)


def test_traceability_table_is_current():
    spec = importlib.util.spec_from_file_location("traceability", ROOT / "scripts" / "traceability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8") == module.build(), \
        "run python scripts/traceability.py"
