"""Judge a KPI change request against annex 12a §1 and §2.2: build one fact per condition, let the rules decide.

Readings of the annex (also in the README):
* (ii) compares with the norm *tendered* for the KPI (annex + tender, never earlier register entries), so a chain
  of small changes cannot add up to a material weakening. A change is "wezenlijk lichter" when it is weaker than
  the tendered value by more than the materiality margin (``change_control.materiality_margin``), a fraction of
  what the norm lets go wrong: for a percentage that must be high enough (availability, CSAT) that is the
  complement 100 − tendered (99.5 % → bound 99.475 %, not 94.5 %: ten times the downtime is material); otherwise
  the tendered value itself (a share ≤ 5 % → 5.25 %, ≤ 4 business hours → 4.2). A value below the buyer's
  floor is flagged whatever the justification. A justification counts only with a text and a reference.
  Removing a KPI drops its norm: it needs a justification.
  Replacing a KPI drops the replaced KPI's norm in the same way. A KPI that is a minimum requirement (or a
  contract requirement) cannot be removed or replaced at all: "Wat mag nooit ontbreken?" (Begrippen).
* (iii) a change takes effect on 1 January, 1 April, 1 July or 1 October, not before the consent (no retroactive
  change): the latest of the written approvals and of the governance meetings they cite, since consent "via de
  governance-cadans" exists once the meeting is held and both have signed. It names where it is documented in the
  contract file, and no other register entry may set the same clause from the same date.
* The KPI set on the effective date decides what can change: a norm change or a removal needs the KPI in force
  then, an addition needs it not in force (an annex KPI is in force from award until the register removes it).
* A price claim (risk surcharge or price revision) is admissible only when some part of the new norm is strictly
  stricter than the tendered norm and none is weaker, or when a KPI is added (a new obligation).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from ..errors import ChangeRequestError, Problem, SettingsError
from ..model import Clause, Rule
from ..norms import added_by, adding, buyer_floor, kpi_not_in_force, percentage_ok, tendered_norm
from ..operators import OPERATORS
from ..reasons import Reason, reason
from ..rulefiles import Catalogue
from ..settings import Contract
from .documents import Document
from .judging import Fact, Session
from .model import ConditionResult, Verdict
from .register import clause_keys, consent_dates
from .rulesets import change_rules

KPI_CHANGES = ("norm", "replace_kpi", "add_kpi", "remove_kpi")


def materiality_margin(contract: Contract) -> float:
    margin = (contract.data.get("change_control") or {}).get("materiality_margin")
    if margin is None:
        raise SettingsError(Problem(contract.source, "set the materiality margin of annex 12a §2.2 (ii) (a fraction "
                                    "of the tendered value, e.g. 0.05) to judge change requests",
                                    field="$.change_control.materiality_margin"))
    return float(margin)


def _check_input(req: Mapping[str, Any], doc: Document, contract: Contract, catalogue: Catalogue) -> None:
    """Problems that make the request impossible to judge (exit 2), all at once and located."""
    problems: list[Problem] = []
    add = lambda msg, *where: problems.append(doc.problem(msg, *where))  # noqa: E731
    if req["contract_id"] != contract.contract_id:
        add(f"request is for contract {req['contract_id']!r}, the contract settings are {contract.contract_id!r}",
            "contract_id")
    for key in ("rule", "replaces"):
        rid = req.get(key)
        if rid and rid not in catalogue.rules:
            add(f"no rule file {rid!r} (a new KPI needs its rule file in the rules folder first)", key)
    if req.get("goal") and req["goal"] not in catalogue.goals.ids:
        add(f"unknown goal {req['goal']!r} (known: {', '.join(sorted(catalogue.goals.ids))})", "goal")
    rule = catalogue.rules.get(req.get("rule") or "")
    if req["change"] == "remove_kpi" and req.get("clauses"):
        add("a removal takes no new clauses", "clauses")
    if rule is not None and req["change"] != "goal":
        by_id = {c.id: c for c in rule.norm.clauses}
        for cid, change in (req.get("clauses") or {}).items():
            clause = by_id.get(cid)
            if clause is None:
                add(f"rule {rule.id} has no clause {cid!r} (clauses: {', '.join(by_id)})", "clauses", cid)
                continue
            threshold = change.get("threshold")
            if threshold is not None and not percentage_ok(clause, threshold):
                add(f"threshold {threshold:g} % of {rule.id}/{cid} is not a percentage (expected 0 to 100)",
                    "clauses", cid, "threshold")
            pr = change.get("per_record")
            if pr and clause.per_record is None:
                add(f"clause {cid!r} of {rule.id} has no per-record limit", "clauses", cid, "per_record")
            elif pr and pr.get("unit") and pr["unit"] != clause.per_record.unit:
                add(f"unit {pr['unit']!r} differs from the rule's {clause.per_record.unit!r}",
                    "clauses", cid, "per_record", "unit")
    if problems:
        raise ChangeRequestError(problems)


def _direction(op: str) -> str:
    return OPERATORS[op].stricter or "none"


def _bound(reference: float, direction: str, unit: str | None, margin: float) -> tuple[float, str]:
    """The weakest value within the margin, and how it was computed (the report shows the formula)."""
    r, m = f"{reference:g}", f"{margin:g}"
    if direction == "higher" and unit == "%":
        return reference - (100 - reference) * margin, f"{r} − (100 − {r}) × {m}"
    if direction == "higher":
        return reference - abs(reference) * margin, f"{r} − {r} × {m}"
    if direction == "lower":
        return reference + abs(reference) * margin, f"{r} + {r} × {m}"
    return reference, ""


def _components(rule: Rule, clause: Clause, change: Mapping[str, Any], contract: Contract) -> list[dict[str, Any]]:
    """The parts of a clause the request sets: threshold and/or per-record limit, with reference and floor."""
    ref_t, ref_pr, origin = tendered_norm(rule, clause, contract)
    floor_t, floor_pr, floor_origin = buyer_floor(rule, clause, contract)
    out = []
    if change.get("threshold") is not None:
        out.append({"part": "threshold", "op": clause.op, "unit": clause.unit, "new": change["threshold"],
                    "reference": ref_t, "floor": floor_t, "origin": origin, "floor_origin": floor_origin})
    pr = change.get("per_record")
    if pr:
        op = clause.per_record.op if clause.per_record else "<="
        out.append({"part": "per_record", "op": op, "unit": clause.per_record.unit if clause.per_record else pr.get("unit"),
                    "new": pr["limit"], "reference": ref_pr.limit if ref_pr else None, "floor": floor_pr,
                    "origin": origin, "floor_origin": floor_origin})
    return out


def kpi_membership(rule: Rule, contract: Contract, day: date) -> tuple[bool, Reason]:
    """Whether ``rule`` is a KPI of its goal on ``day`` (``engine.norms`` decides removals and additions), and why."""
    why_not = kpi_not_in_force(rule, contract, day)
    if why_not:
        return False, why_not
    entry = added_by(rule, contract, day)
    if entry is not None:
        return True, reason("kpi_added", goal=rule.goal, entry=entry.get("id"), date=entry.get("effective_from"))
    return True, reason("kpi_of_annex", goal=rule.goal)


def _approval_facts(req: Mapping[str, Any]) -> tuple[Fact, date | None, dict[str, Any]]:
    approvals = req.get("approvals") or []
    parties = {a["party"] for a in approvals}
    dated = all(a.get("date") for a in approvals)
    written = all((a.get("document") or "").strip() for a in approvals)
    tied = all((a.get("meeting") or {}).get("level") and (a.get("meeting") or {}).get("date") for a in approvals)
    signed, met = consent_dates(approvals)
    consent = max(d for d in (signed, met) if d) if signed and dated and {"client", "supplier"} <= parties else None
    basis = {"last_approval": signed.isoformat() if signed else None, "last_meeting": met.isoformat() if met else None}
    fact = Fact("consent", "request", {"client": int("client" in parties), "supplier": int("supplier" in parties),
                                       "dated": int(bool(approvals) and dated), "written": int(bool(approvals) and written),
                                       "tied": int(bool(approvals) and tied)},
                {"approvals": [{"party": a["party"], "name": a.get("name"), "date": a.get("date"),
                                "document": a.get("document"), "meeting": a.get("meeting")} for a in approvals]})
    return fact, consent, basis


def validate_request(doc: Document, contract: Contract, catalogue: Catalogue) -> Verdict:
    """Every condition of §1/§2.2 for one request; ``Verdict.valid`` when none is not met."""
    req = doc.data
    _check_input(req, doc, contract, catalogue)
    margin = materiality_margin(contract)
    kind = req["change"]
    effective = date.fromisoformat(req["effective_from"])
    rule = catalogue.rules.get(req.get("rule") or "")
    old = catalogue.rules.get(req.get("replaces") or "")
    justification = req.get("justification") or {}
    justified = int(bool((justification.get("text") or "").strip() and (justification.get("reference") or "").strip()))

    facts: list[Fact] = [Fact("goal_fixed", "request", {"changes_goal": int(kind == "goal")},
                              {"change": kind, "goal": req.get("goal")})]
    consent_fact, consent_day, consent_basis = _approval_facts(req)
    facts.append(consent_fact)
    compare: list[int] = []  # indexes of facts whose comparison tags feed the price claim
    if kind in ("norm", "add_kpi", "replace_kpi") and rule is not None:
        by_id = {c.id: c for c in rule.norm.clauses}
        for cid, change in (req.get("clauses") or {}).items():
            for comp in _components(rule, by_id[cid], change, contract):
                subject = f"{rule.id}/{cid} {comp['part']}"
                direction = _direction(comp["op"])
                has_ref = comp["reference"] is not None
                ref = comp["reference"] if has_ref else 0
                bound, formula = _bound(ref, direction, comp["unit"], margin)
                common = {"rule": rule.id, "clause": cid, "part": comp["part"], "op": comp["op"], "unit": comp["unit"],
                          "new": comp["new"]}
                compare.append(len(facts))
                facts.append(Fact("materiality", subject,
                                  {"direction": direction, "has_reference": int(has_ref), "new": comp["new"],
                                   "reference": ref, "bound": bound, "justified": justified},
                                  {**common, "reference": comp["reference"], "reference_origin": comp["origin"],
                                   "margin": margin, "margin_bound": bound if has_ref else None,
                                   "margin_formula": formula if has_ref else None,
                                   "justification": justification or None}))
                has_floor = comp["floor"] is not None
                facts.append(Fact("floor", subject,
                                  {"direction": direction, "has_floor": int(has_floor), "new": comp["new"],
                                   "floor": comp["floor"] if has_floor else 0},
                                  {**common, "floor": comp["floor"], "floor_origin": comp["floor_origin"]}))
    dropped = _dropped(kind, rule, old)
    if dropped is not None:
        # the dropped KPI's tendered norm goes with it; a replacement's price claim is judged on the new norm alone
        if kind == "remove_kpi":
            compare.append(len(facts))
        facts.append(Fact("materiality", dropped.id, {"direction": "removed", "has_reference": 1, "new": 0,
                                                      "reference": 0, "bound": 0, "justified": justified},
                          {"rule": dropped.id, "removed": True, "replaced_by": rule.id if kind == "replace_kpi" else None,
                           "margin": margin, "justification": justification or None}))
    if kind in ("add_kpi", "replace_kpi") and rule is not None:
        missing = []  # (clause, part): the parts of the norm neither the request nor the tender sets
        for clause in rule.norm.clauses:
            given = (req.get("clauses") or {}).get(clause.id) or {}
            ref_t, ref_pr, _ = tendered_norm(rule, clause, contract)
            if given.get("threshold") is None and ref_t is None:
                missing.append((clause.id, "threshold"))
            if clause.per_record is not None and not given.get("per_record") and ref_pr is not None and ref_pr.limit is None:
                missing.append((clause.id, "per_record"))
        facts.append(Fact("norm_complete", rule.id, {"ok": int(not missing)},
                          {"missing": [f"{c} {_PART_TEXT[part]}" for c, part in missing],
                           "missing_parts": [{"clause": c, "part": part} for c, part in missing]}))

    facts.append(Fact("quarter_boundary", "request", {"month": effective.month, "day": effective.day},
                      {"effective_from": effective.isoformat()}))
    ref = (req.get("contract_file_reference") or "").strip()
    facts.append(Fact("recorded", "request", {"ok": int(bool(ref))}, {"contract_file_reference": ref or None}))
    facts.append(Fact("not_retroactive", "request",
                      {"known": int(consent_day is not None), "effective": effective.toordinal(),
                       "consent": consent_day.toordinal() if consent_day else 0},
                      {"effective_from": effective.isoformat(), "consent_date": consent_day.isoformat() if consent_day else None,
                       **consent_basis}))
    sets = [(rule.id, cid, effective.isoformat()) for cid in req.get("clauses") or {}] if rule is not None else []
    clashes = [{"clause": f"{rule_id}/{cid}", "day": day, "entry": str(e.get("id"))}
               for rule_id, cid, day in sets for e in contract.register
               if e.get("id") != req["id"] and (rule_id, cid, day) in clause_keys(e)]
    conflicts = [f"{c['clause']} is also set from {c['day']} by register entry {c['entry']}" for c in clashes]
    facts.append(Fact("unambiguous", "request", {"applicable": int(bool(req.get("clauses")) and rule is not None),
                                                 "ok": int(not conflicts)}, {"problems": conflicts, "clashes": clashes}))
    facts.extend(_composition_facts(req, kind, rule, old, effective, contract, catalogue))

    with Session("change_control", change_rules) as session:
        results, tags = session.judge(facts)
        stricter = sum(1 for i in compare if "stricter" in tags[i])
        weaker = sum(1 for i in compare if "weaker" in tags[i])
        claim = req.get("price_claim")
        price, _ = session.judge([Fact("price_claim", "request",
                                       {"claimed": int(bool(claim)), "stricter": stricter, "weaker": weaker,
                                        "new_obligation": int(kind == "add_kpi")},
                                       {"claim": claim, "stricter_parts": stricter, "weaker_parts": weaker})])
    ordered = _order(results + price)
    return Verdict("change_request", req["id"], doc.source, doc.sha256, tuple(ordered),
                   {"change": kind, "rule": req.get("rule"), "replaces": req.get("replaces"),
                    "goal": req.get("goal") or (rule.goal if rule else None), "title": req.get("title"),
                    "effective_from": effective.isoformat(), "materiality_margin": margin,
                    "consent_date": consent_day.isoformat() if consent_day else None,
                    "contract_id": contract.contract_id, "contract_source": contract.source,
                    "clauses": req.get("clauses") or {}, "rationale": req.get("rationale")})


def _dropped(kind: str, rule: Rule | None, old: Rule | None) -> Rule | None:
    """The KPI a request takes out of its goal: the one removed, or the one replaced."""
    return old if kind == "replace_kpi" else (rule if kind == "remove_kpi" else None)


def _composition_facts(req: Mapping[str, Any], kind: str, rule: Rule | None, old: Rule | None, effective: date,
                       contract: Contract, catalogue: Catalogue) -> list[Fact]:
    facts = []
    # the KPI must sit under the goal the request names; a replacement under the goal of the KPI it replaces
    if kind in ("add_kpi", "remove_kpi", "replace_kpi") and rule is not None:
        want = old.goal if kind == "replace_kpi" and old is not None else (req.get("goal") or rule.goal)
        facts.append(Fact("same_goal", rule.id, {"applicable": 1, "ok": int(rule.goal == want)},
                          {"goal": want, "rule_goal": rule.goal}))
    else:
        facts.append(Fact("same_goal", "request", {"applicable": 0}, {}))
    # the KPI set on the effective date must allow the change: change or remove a KPI in force, add one that is not
    applicable = kind in KPI_CHANGES and rule is not None
    day = effective.isoformat()
    problems: list[str] = []
    in_force: list[str] = []
    states: list[dict[str, Any]] = []  # the same as codes (``kpi_states``), so the Dutch Markdown words them in Dutch
    checks = [(rule, kind in ("norm", "remove_kpi"))] if applicable else []  # (KPI, must it be in force?)
    if applicable and kind == "replace_kpi" and old is not None:
        checks.append((old, True))
    for subject, must_be_in in checks:
        member, why = kpi_membership(subject, contract, effective)
        how = why.text()
        in_force.append(f"{subject.id} on {day}: {how}")
        added = [str(e.get("id")) for _, e in adding(subject.id, contract)]
        problem = ("already_added" if not must_be_in and added else "already_kpi" if not must_be_in and member
                   else "not_kpi" if must_be_in and not member else None)
        problems.extend([] if problem is None else [{
            "already_added": f"{subject.id} is already added by register entry {', '.join(added)}",
            "already_kpi": f"{subject.id} is already a KPI on {day}: {how}",
            "not_kpi": f"{subject.id} is not a KPI on {day}: {how}"}[problem]])
        states.append({"kpi": subject.id, "day": day, "why": why.as_dict(), "problem": problem, "entries": added})
    facts.append(Fact("composition", "request", {"applicable": int(applicable), "ok": int(not problems)},
                      {"problems": problems, "in_force": in_force, "kpi_states": states}))
    removed = _dropped(kind, rule, old)
    # a minimum requirement may never be missing: it cannot be removed or replaced
    if removed is not None:
        facts.append(Fact("minimum_requirement", removed.id,
                          {"applicable": 1, "level": removed.minimum_requirement.value},
                          {"rule": removed.id, "minimum_requirement": removed.minimum_requirement.value}))
    else:
        facts.append(Fact("minimum_requirement", "request", {"applicable": 0}, {}))
    # a goal left without KPIs (S1 has none by design)
    goal = removed.goal if removed is not None else None
    if goal is not None:
        after = [r.id for r in catalogue.rules.values()
                 if r.goal == goal and r.id != removed.id and kpi_membership(r, contract, effective)[0]]
        if kind == "replace_kpi" and rule is not None and rule.goal == goal and rule.id not in after:
            after.append(rule.id)
        facts.append(Fact("goal_not_empty", goal, {"applicable": 1, "by_design": int(catalogue.goals.get(goal).has_kpis),
                                                   "kpis_after": len(after)}, {"goal": goal, "kpis_after": sorted(after)}))
    else:
        facts.append(Fact("goal_not_empty", "request", {"applicable": 0}, {}))
    return facts


_PART_TEXT = {"threshold": "threshold", "per_record": "per-record limit"}  # the JSON's English for a missing part
_ORDER = ("goal_fixed", "consent", "materiality", "floor", "norm_complete", "quarter_boundary", "recorded",
          "not_retroactive", "unambiguous", "same_goal", "composition", "minimum_requirement", "goal_not_empty",
          "price_claim")


def _order(results: list[ConditionResult]) -> list[ConditionResult]:
    return sorted(results, key=lambda r: _ORDER.index(r.condition))  # stable: subjects keep request order
