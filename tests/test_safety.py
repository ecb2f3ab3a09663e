"""Safety: YAML is loaded safely, evidence text cannot break a table or inject markup or links, and a user's
templates run in Jinja's sandbox. (Paths leaving the bundle: tests/bad_bundles/path-*.)"""
from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from engine.audit import run_audit
from engine.cli import build_cli
from engine.errors import InputError
from engine.periods import parse_period
from engine.report import code_escape, environment, md_escape, render_report
from engine.serialize import to_data
from engine.yamlio import load_yaml_text

EVIL = "Printer | kapot `rm -rf /` <script>alert(1)</script> [klik hier](https://evil.example/x) jan@evil.example"


def test_yaml_python_tags_are_refused():
    for text in ("!!python/object/apply:os.system ['echo pwned']", "a: !!python/object:collections.OrderedDict {}",
                 "a: !!python/name:os.system"):
        with pytest.raises(InputError) as info:
            load_yaml_text(text, "x.yaml")
        assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/" in str(info.value)


def test_md_escape_neutralises_tables_code_html_and_links():
    assert md_escape(EVIL) == ("Printer \\| kapot \\`rm -rf /\\` &lt;script&gt;alert(1)&lt;/script&gt; "
                               "\\[klik hier\\](https\\://evil.example/x) jan\\@evil.example")
    assert md_escape("www.evil.example\r\n# kop") == "www\\.evil.example  # kop"
    assert md_escape("<https://evil.example>") == "&lt;https\\://evil.example&gt;"
    assert md_escape("&lt;b&gt;") == "&amp;lt;b&amp;gt;"
    assert md_escape("1. lijst") == "1\\. lijst"
    assert code_escape("INC-1 | `x`\r\ny") == "INC-1 ¦ 'x'  y"


def _bundle(tmp_path: Path, ticket_id: str, title: str) -> Path:
    b = tmp_path / "evil"
    b.mkdir()
    ticket = {"id": ticket_id, "type": "incident", "priority": "P1", "title": title, "status": "closed",
              "reported_at": "2026-09-10T10:00:00+02:00", "resolved_at": "2026-09-10T12:00:00+02:00",
              "closed_at": "2026-09-10T12:00:00+02:00",
              "events": [{"at": "2026-09-10T11:00:00+02:00", "type": "response", "note": title}]}
    (b / "t.jsonl").write_text(json.dumps(ticket) + "\n", encoding="utf-8")
    (b / "manifest.yaml").write_text(
        "contract_id: SIB-ICT-BEHEER-2026\norganisation: 'Stichting | <b>ICT</b>'\n"
        "exported_at: '2026-10-05T07:00:00+02:00'\ndocuments:\n- kind: tickets\n  path: t.jsonl\n  format: jsonl\n"
        "  covers: {from: '2026-01-01', to: '2026-09-30'}\n", encoding="utf-8")
    return b


def test_injection_through_evidence_text_stays_text(tmp_path, catalogue, contract):
    bundle = _bundle(tmp_path, "INC-1 | `x` <script>[a](https://evil.example)", EVIL)
    data = to_data(run_audit(bundle, parse_period("2026-09"), catalogue=catalogue, contract=contract))
    p1 = next(x for x in data["results"] if x["rule"] == "O1-first-response-p1" and x["period"] == "2026-09")
    assert p1["status"] == "FAIL" and [b["id"] for b in p1["breaches"]] == ["INC-1 | `x` <script>[a](https://evil.example)"]
    # a ticket title in a breach detail, a waiver reason and a message, as a measure or a register might pass them on
    p1["breaches"][0]["detail"] = EVIL
    p1["waived"] = [{"id": "INC-2|x", "reason": EVIL, "reference": "[ref](javascript:alert(1))"}]
    p1["message"] = EVIL
    md = render_report(data, "nl")
    lines = md.splitlines()
    assert any(line.startswith("- `INC-1 ¦ 'x' <script>[a](https://evil.example)`: " + md_escape(EVIL))
               for line in lines)
    waived = [line for line in lines if line.startswith("- `INC-2¦x`: ")]
    assert waived and all(md_escape(EVIL) in w and "\\[ref\\](javascript" in w for w in waived)
    assert "Melding: " + md_escape(EVIL) in lines or any(line.endswith(": " + md_escape(EVIL)) for line in lines)
    assert "| Organisatie | Stichting \\| &lt;b&gt;ICT&lt;/b&gt; |" in lines
    outside_code = "".join(part for i, part in enumerate(md.split("`")) if i % 2 == 0)
    assert "<script>" not in outside_code and "](" not in outside_code.replace("\\](", "")
    assert "<b>" not in outside_code
    for line in lines:  # every table row keeps its column count
        if line.startswith("| ") and "Stichting" in line:
            assert line.replace("\\|", "").count("|") == 3


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ d.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.system('echo pwned') }}",
])
def test_user_templates_are_sandboxed(tmp_path, attack):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "report.md.j2").write_text("# {{ d.period.label }}\n" + attack + "\n", encoding="utf-8")
    with pytest.raises(jinja2.exceptions.SecurityError):
        environment(folder).get_template("report.md.j2").render(d={"period": {"label": "x"}})
    result = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026-09", "--templates", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1].startswith("report.md.j2: line 2: SecurityError: access to attribute '__")
    assert "Traceback" not in result.output and "pwned" not in result.output
