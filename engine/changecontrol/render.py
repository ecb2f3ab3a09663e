"""A change-control verdict as plain, deterministic data (the JSON output) and as Markdown (Jinja templates).

The templates get only this data and the labels of one language (``templates/change-labels.yaml``); they format,
never compute.
"""
from __future__ import annotations

import json
import re
from typing import Any

from .. import reasons, resources
from ..details import decimal_comma
from ..report import environment
from ..yamlio import load_yaml
from .model import Verdict

SCHEMAS = {"change_request": "slacheck-change-request/1", "tender_sheet": "slacheck-tender-sheet/1"}
TEMPLATES = {"change_request": "change-request.md.j2", "tender_sheet": "change-tender.md.j2"}
_DIRECTION = re.compile(r"_(higher|lower|none)$")


def _num(v: Any) -> Any:
    if isinstance(v, float):
        r = round(v, 6)
        return int(r) if r.is_integer() else r
    if isinstance(v, dict):
        return {k: _num(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_num(x) for x in v]
    return v


def reason_key(rule_name: str) -> str:
    """The label key of a durable rule: its name without the direction suffix."""
    return _DIRECTION.sub("", rule_name)


def to_data(v: Verdict) -> dict[str, Any]:
    return {
        "schema": SCHEMAS[v.kind], "kind": v.kind, "id": v.subject_id, "source": v.source, "sha256": v.sha256,
        "valid": v.valid, "exit_code": v.exit_code, "info": _num(dict(v.info)),
        "conditions": [{"condition": c.condition, "subject": c.subject, "outcome": c.outcome.value,
                        "rules": list(c.reasons), "reasons": [reason_key(r) for r in c.reasons],
                        "section": c.section, "quotes": list(c.quotes), "details": _num(dict(c.details))}
                       for c in v.conditions],
    }


def to_json(v: Verdict) -> str:
    return json.dumps(to_data(v), ensure_ascii=False, indent=2) + "\n"


def labels(lang: str) -> dict[str, Any]:
    return load_yaml(resources.templates_dir() / "change-labels.yaml")[lang]


def render_markdown(v: Verdict, lang: str = "nl") -> str:
    """Markdown in ``lang``. Dutch writes its figures as the report does (``fmt_num``): decimal comma, unit words,
    ≥ and ≤; the English keeps the decimal point and the identifiers of the contract settings (``business_h``)."""
    data = to_data(v)
    number_lang = "nl" if lang == "nl" else None
    if number_lang:
        _in_dutch(data, labels(lang)["kpi_set"])
    text = environment().get_template(TEMPLATES[v.kind]).render(d=data, t=labels(lang), lang=lang,
                                                               number_lang=number_lang)
    return re.sub(r"\n{3,}", "\n\n", text)


def _in_dutch(data: dict[str, Any], words: dict[str, str]) -> None:
    """The sentences the engine writes in English into a condition's details, in Dutch from their codes (the KPI
    set on the effective date, another register entry for the same clause), and the margin's formula with a
    decimal comma. Only the Markdown's copy of the data changes; the JSON keeps the engine's text."""
    for c in data["conditions"]:
        d = c["details"]
        if d.get("margin_formula"):  # numbers only, so the comma is the only change
            d["margin_formula"] = decimal_comma(d["margin_formula"])
        if "kpi_states" in d:
            said = [dict(x, why=reasons.from_data([x["why"]], "nl"), entries=", ".join(x["entries"]))
                    for x in d["kpi_states"]]
            d["in_force"] = [words["in_force"].format(**x) for x in said]
            d["problems"] = [words[x["problem"]].format(**x) for x in said if x["problem"]]
        if "clashes" in d:
            d["problems"] = [words["clash"].format(**x) for x in d["clashes"]]
