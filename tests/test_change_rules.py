"""Meta-tests of the change-control rules: quotes are verbatim annex text, every rule has a label in both languages,
and durable-rules stays behind engine.judge (the rule definitions are plain data)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.changecontrol import rulesets
from engine.changecontrol.quotes import SOURCES, all_quotes
from engine.changecontrol.render import labels, reason_key

ANNEX = Path("/work/shared/spec/bijlage-12a.md")
PACKAGE = Path(rulesets.__file__).parent


class _Col:
    def action(self, rule, outcome):
        return (rule, outcome)


RULES = {**rulesets.change_rules(_Col()), **rulesets.tender_rules(_Col())}


@pytest.mark.skipif(not ANNEX.is_file(), reason="the annex text is not on this machine")
def test_every_quote_is_verbatim_annex_text():
    text = ANNEX.read_text(encoding="utf-8")
    assert [q for q in all_quotes() if q not in text] == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_rule_and_condition_has_a_label(lang):
    t = labels(lang)
    names = {reason_key(n) for n, r in RULES.items() if n != "catch_all" and not r["run"][1].startswith("tag:")}
    assert sorted(names - set(t["reasons_text"])) == []
    assert sorted(set(SOURCES) - set(t["conditions_names"])) == []


def test_rules_are_plain_data_with_a_single_parameter_action():
    for name, rule in RULES.items():
        assert set(rule) == {"all", "run"}, name
        assert rule["run"] == (name, rule["run"][1])
        assert rule["run"][1] in ("met", "not_met", "not_applicable", "none") or rule["run"][1].startswith("tag:")


def test_only_engine_judge_imports_durable_rules():
    for path in sorted(PACKAGE.glob("*.py")) + [PACKAGE.parent / "commands" / "change.py", PACKAGE.parent / "commands" / "tender.py",
                                                PACKAGE.parent / "norms.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        mods = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.startswith(("durable", "durable_rules")) for m in mods), path


def test_stricter_directions_come_from_the_operator_table():
    from engine import operators

    dirs = {op.stricter for op in operators.OPERATORS.values() if op.stricter}
    for d in dirs:
        assert f"materiality_not_weaker_{d}" in RULES and f"tender_floor_below_{d}" in RULES
