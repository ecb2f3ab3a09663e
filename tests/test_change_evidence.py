"""The change register must carry what the change KPIs start from: a standard change names its SWC catalogue item
(O2-standard-change-lead-time reads its lead time there), a go decision has its instant (the start of
T2-impactful-change-lead-time's "Go/no-go → uitvoering") and a rolled-back change its rollback instant (the month
O2-standard-change-quality counts it in when it never completed). Without them the change would silently drop out
of the population (or be judged on no agreed lead time), so the bundle is refused with a located error on both
load paths."""
from __future__ import annotations

import json
import shutil

import pytest

from engine import bundle as bundle_mod
from engine import fastload
from engine.errors import EvidenceError
from engine.resources import sample_dir


def _broken(tmp_path):
    root = tmp_path / "b"
    shutil.copytree(sample_dir() / "bundle", root)
    lines = (root / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    # a standard change; an impactful go change; a rolled-back change
    edits = {0: ("catalogue_item", None), 7: ("go_no_go_at", None), 16: ("rolled_back_at", None)}
    for i, (field, value) in edits.items():
        rec = json.loads(lines[i])
        rec[field] = value
        lines[i] = json.dumps(rec)
    (root / "changes.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("fast", [True, False])
def test_standard_change_without_item_go_without_instant_and_rollback_without_instant_are_refused(tmp_path, monkeypatch, fast):
    root = _broken(tmp_path)
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(fastload, "plan_for", lambda kind, schema: None)
        with pytest.raises(EvidenceError) as exc:
            bundle_mod.load_bundle(root)
    text = exc.value.render()
    assert "changes.jsonl: line 1 (SWC-2026-0002): $.catalogue_item: found null, expected string" in text
    assert ("changes.jsonl: line 8 (CHG-2026-0034): $.go_no_go_at: found null, expected an ISO 8601 timestamp "
            "with offset") in text
    assert ("changes.jsonl: line 17 (CHG-2026-0029): $.rolled_back_at: found null, expected an ISO 8601 timestamp "
            "with offset") in text
