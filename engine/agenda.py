"""Meeting agendas: what each governance meeting (operational monthly, tactical quarterly, strategic yearly) in the
audited span must discuss, routed by durable-rules (``Judge.agenda``) from the annex's Legenda.

* "Altijd": the KPI is on its own meeting's agenda whatever the score;
* "Alleen bij afwijking": on its own meeting's agenda when it scored below norm (FAIL), as the Legenda reads
  ("Komt op agenda wanneer score onder norm valt"), whether or not it is a minimum requirement;
* insufficient evidence (NO-DATA or ERROR), whatever the agenda type: on its own meeting's agenda (a contract
  requirement without a meeting: the operational one), since missing evidence is never a pass and must not
  vanish from the meetings;
* a failed minimum requirement (a deviation from the Agreement) is on its own meeting's agenda and on every
  meeting level above it;
* a goal with a standing item (S1: "vast agendapunt in het jaarlijkse strategisch overleg") is on every agenda of
  that level, with its status rolled up over that meeting's period.

A result belongs to the meeting of each level whose period holds the result period's last day; only meetings
whose period lies wholly inside the span get an agenda (a quarter audit has no yearly strategic meeting).
"""
from __future__ import annotations

from dataclasses import dataclass

from .judge import Judge
from .model import GoalResult, KpiResult, Status
from .periods import MEETING_RANK, Period, meeting_for, meeting_periods, parse_period
from .rollup import in_scope, roll_up
from .rulefiles import Catalogue

MEETINGS = ("operational", "tactical", "strategic")
_REASON_ORDER = ("standing", "deviation", "below_norm", "no_evidence", "always")


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # "kpi" or "goal" (a standing item)
    subject: str  # rule id or goal id
    goal: str
    result_period: str  # the period the result covers (a standing item: the meeting's period)
    status: Status
    reasons: tuple[str, ...]  # "standing", "deviation", "below_norm", "no_evidence", "always"
    own_meeting: str  # the KPI's own meeting level; differs from the agenda's for an escalated deviation
    assured_by: tuple[tuple[str, Status], ...] = ()  # a standing goal item: the goals that assure it, with status


@dataclass(frozen=True)
class Agenda:
    meeting: str
    period: Period
    items: tuple[AgendaItem, ...]
    goals: tuple[GoalResult, ...] = ()  # the roll-up over this meeting's period (when a standing item needs it)


def _sort_key(item: AgendaItem) -> tuple:
    return (_REASON_ORDER.index(item.reasons[0]), item.kind != "goal", item.subject, item.result_period)


def build_agendas(catalogue: Catalogue, results: tuple[KpiResult, ...], span: Period, judge: Judge,
                  meetings: tuple[str, ...] = MEETINGS) -> tuple[Agenda, ...]:
    slots: dict[tuple[str, str], Period] = {(m, p.label): p for m in meetings for p in meeting_periods(span, m)}
    facts, where = [], {}
    for i, r in enumerate(in_scope(results, span)):
        rule = catalogue.rules[r.rule_id]
        rp = parse_period(r.period)
        for m in meetings:
            key = (m, meeting_for(rp, m).label)
            if key not in slots:
                continue
            fid = f"{i}@{m}"
            facts.append({"kind": "slot", "id": fid, "agenda": rule.agenda.value, "status": r.status.value,
                          "minimum": r.minimum_requirement.value, "same": int(rule.meeting.value == m),
                          "meeting_rank": MEETING_RANK[m],
                          # a KPI without a meeting of its own (a contract requirement) escalates from the bottom
                          "rule_rank": min(MEETING_RANK[rule.meeting.value], MEETING_RANK["operational"])})
            where[fid] = (key, r)
    for (m, label) in slots:
        for goal in catalogue.goals.goals:
            facts.append({"kind": "standing", "id": f"{goal.id}@{m}@{label}", "standing": int(m in goal.standing_agenda)})
    reasons = judge.agenda(facts)
    items: dict[tuple[str, str], list[AgendaItem]] = {k: [] for k in slots}
    rolled: dict[tuple[str, str], tuple[GoalResult, ...]] = {}
    for fid, why in reasons.items():
        if not why:
            continue
        ordered = tuple(x for x in _REASON_ORDER if x in why)
        if fid in where:
            key, r = where[fid]
            items[key].append(AgendaItem("kpi", r.rule_id, r.goal, r.period, r.status, ordered,
                                         catalogue.rules[r.rule_id].meeting.value))
            continue
        gid, m, label = fid.split("@", 2)
        key = (m, label)
        if key not in rolled:
            rolled[key] = roll_up(catalogue, results, scope=slots[key], judge=judge)
        by_id = {g.goal: g for g in rolled[key]}
        items[key].append(AgendaItem("goal", gid, gid, label, by_id[gid].status, ordered, m,
                                     tuple((b, by_id[b].status) for b in by_id[gid].assured_by)))
    out = [Agenda(m, p, tuple(sorted(items[(m, label)], key=_sort_key)), rolled.get((m, label), ()))
           for (m, label), p in slots.items()]
    return tuple(sorted(out, key=lambda a: (MEETINGS.index(a.meeting), a.period.first)))
