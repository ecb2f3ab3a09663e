"""Judge the supplier's norm sheet (annex 12b) against annex 12a §2, §2.1 and §3, and turn a valid one into the
``tendered_norms`` of the contract settings.

Which norms the sheet must hold comes from the rule files' ``norm_status``: a "Leverancier" clause needs every
part the annex leaves open (threshold; per-record limit when the rule has one without a value); a "Minimumeis +
invulling leverancier" clause needs its threshold when the annex gives only a floor, otherwise its per-record
limit (e.g. "≤ 15 werkdagen; leverancier mag een scherpere norm aanbieden"). Every value given must be equal to or
stricter than the buyer's floor, in the direction of the clause's operator (a per-record "≤" limit: shorter is
stricter). A service window, when offered, must contain working days 08:00–18:00.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import ChangeRequestError, Problem
from ..model import Clause, NormStatus, Rule
from ..norms import buyer_floor, percentage_ok
from ..operators import OPERATORS
from ..rulefiles import Catalogue
from ..settings import Contract
from .documents import Document
from .judging import Fact, Session
from .model import Verdict
from .quotes import DECLARATION
from .rulesets import tender_rules

TENDER_STATUSES = (NormStatus.SUPPLIER, NormStatus.CLIENT_FLOOR_SUPPLIER)
WORKING_DAYS = ("mon", "tue", "wed", "thu", "fri")


def required_parts(rule: Rule, clause: Clause) -> list[str]:
    """The parts of a clause the supplier must fill in on the sheet."""
    if rule.norm_status is NormStatus.SUPPLIER:
        parts = ["threshold"] if clause.threshold is None else []
        if clause.per_record is not None and clause.per_record.limit is None:
            parts.append("per_record")
        return parts
    if rule.norm_status is NormStatus.CLIENT_FLOOR_SUPPLIER:
        if clause.threshold is None:
            return ["threshold"]
        return ["per_record"] if clause.per_record is not None else []
    return []


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _input_problems(sheet: Mapping[str, Any], doc: Document, contract: Contract, catalogue: Catalogue) -> None:
    problems = []
    if sheet.get("contract_id") and sheet["contract_id"] != contract.contract_id:
        problems.append(doc.problem(f"sheet is for contract {sheet['contract_id']!r}, the contract settings are "
                                    f"{contract.contract_id!r}", "contract_id"))
    for day, hours in (sheet.get("service_window") or {}).items():
        if hours and _minutes(hours["close"]) <= _minutes(hours["open"]):
            problems.append(doc.problem(f"closes at {hours['close']}, not after it opens at {hours['open']}",
                                        "service_window", day))
    for rid, clauses in sheet["norms"].items():
        rule = catalogue.rules.get(rid)
        for cid, item in clauses.items():
            clause = next((c for c in rule.norm.clauses if c.id == cid), None) if rule else None
            t = item.get("threshold")
            if clause is not None and t is not None and not percentage_ok(clause, t):
                problems.append(doc.problem(f"{t:g} % is not a percentage (expected 0 to 100)",
                                            "norms", rid, cid, "threshold"))
            pr = item.get("per_record")
            if clause is not None and pr and pr.get("unit") and clause.per_record and pr["unit"] != clause.per_record.unit:
                problems.append(doc.problem(f"unit {pr['unit']!r} differs from the rule's {clause.per_record.unit!r}",
                                            "norms", rid, cid, "per_record", "unit"))
    if problems:
        raise ChangeRequestError(problems)


def validate_sheet(doc: Document, contract: Contract, catalogue: Catalogue) -> Verdict:
    sheet = doc.data
    _input_problems(sheet, doc, contract, catalogue)
    facts: list[Fact] = []
    given = sheet["norms"]
    for rid, clauses in sorted(given.items()):
        rule = catalogue.rules.get(rid)
        for cid, item in clauses.items():
            clause = next((c for c in rule.norm.clauses if c.id == cid), None) if rule else None
            known = rule is not None and rule.norm_status in TENDER_STATUSES and clause is not None
            why = ("no rule file" if rule is None else f"norm status {rule.norm_status.value}: not filled in at tender"
                   if rule.norm_status not in TENDER_STATUSES else f"no clause {cid!r}" if clause is None else "")
            facts.append(Fact("tender_known", f"{rid}/{cid}", {"ok": int(known)}, {"rule": rid, "clause": cid, "why": why}))
            if not known:
                continue
            for part in ("threshold", "per_record"):
                if item.get(part) is None:
                    continue
                new = item["threshold"] if part == "threshold" else item["per_record"]["limit"]
                op = clause.op if part == "threshold" else (clause.per_record.op if clause.per_record else "<=")
                floor_t, floor_pr, origin = buyer_floor(rule, clause, contract)
                floor = floor_t if part == "threshold" else floor_pr
                facts.append(Fact("tender_floor", f"{rid}/{cid} {part}",
                                  {"direction": OPERATORS[op].stricter or "none", "has_floor": int(floor is not None),
                                   "new": new, "floor": floor if floor is not None else 0},
                                  {"rule": rid, "clause": cid, "part": part, "op": op, "new": new, "floor": floor,
                                   "floor_origin": origin,
                                   "unit": clause.unit if part == "threshold" else (clause.per_record.unit if clause.per_record else None)}))
    for rule in catalogue.rules.values():
        if rule.norm_status not in TENDER_STATUSES or rule.id.startswith("SW-"):
            continue  # the service window is offered in its own section of the sheet
        for clause in rule.norm.clauses:
            for part in required_parts(rule, clause):
                ok = (given.get(rule.id) or {}).get(clause.id, {}).get(part) is not None
                facts.append(Fact("tender_present", f"{rule.id}/{clause.id} {part}", {"ok": int(ok)},
                                  {"rule": rule.id, "clause": clause.id, "part": part,
                                   "norm_status": rule.norm_status.value, "annex_norm": rule.annex_norm}))
    window = sheet.get("service_window")
    for day in WORKING_DAYS:
        hours = (window or {}).get(day)
        if window is None:
            facts.append(Fact("service_window", day, {"offered": 0}, {"day": day}))
            continue
        facts.append(Fact("service_window", day,
                          {"offered": 1, "present": int(hours is not None),
                           "open_min": _minutes(hours["open"]) if hours else 0,
                           "close_min": _minutes(hours["close"]) if hours else 0},
                          {"day": day, "open": hours["open"] if hours else None, "close": hours["close"] if hours else None}))
    decl = sheet.get("declaration") or {}
    facts.append(Fact("declaration", "sheet",
                      {"present": int(bool(decl.get("text"))),
                       "verbatim": int(_normalise(decl.get("text") or "") == _normalise(DECLARATION)),
                       "signed": int(bool((decl.get("signed_by") or "").strip())), "dated": int(bool(decl.get("date")))},
                      {"signed_by": decl.get("signed_by"), "date": decl.get("date")}))
    with Session("tender", tender_rules) as session:
        results, _ = session.judge(facts)
    order = ("tender_known", "tender_present", "tender_floor", "service_window", "declaration")
    results.sort(key=lambda r: order.index(r.condition))
    return Verdict("tender_sheet", sheet["supplier"], doc.source, doc.sha256, tuple(results),
                   {"supplier": sheet["supplier"], "submitted_on": sheet.get("submitted_on"),
                    "contract_id": contract.contract_id, "contract_source": contract.source})


def tendered_norms(sheet: Mapping[str, Any]) -> dict[str, Any]:
    """The sheet's norms in the shape of the contract settings' ``tendered_norms`` (rules and clauses sorted)."""
    out: dict[str, Any] = {}
    for rid in sorted(sheet["norms"]):
        out[rid] = {}
        for cid in sorted(sheet["norms"][rid]):
            item = sheet["norms"][rid][cid]
            value: dict[str, Any] = {}
            if item.get("threshold") is not None:
                value["threshold"] = item["threshold"]
            if item.get("per_record"):
                value["per_record"] = dict(item["per_record"])
            out[rid][cid] = value
    return out


def sheet_reference(verdict: Verdict, sheet: Mapping[str, Any]) -> dict[str, Any]:
    """What the contract settings keep of the sheet: where it came from, its SHA-256, the declaration, the window."""
    decl = sheet.get("declaration") or {}
    ref = {"source": verdict.source, "sha256": verdict.sha256, "supplier": sheet["supplier"],
           "submitted_on": sheet.get("submitted_on"), "declaration_signed_by": decl.get("signed_by"),
           "declaration_date": decl.get("date")}
    if sheet.get("service_window"):
        ref["service_window"] = sheet["service_window"]
    return {k: v for k, v in ref.items() if v is not None}
