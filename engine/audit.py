"""The audit pipeline: load → validate → measure → judge → roll up. Rendering lives in ``engine.report``.

Nothing here reads the wall clock: the period and the as-of instant are inputs.
"""
from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__, reasons
from .agenda import Agenda, build_agendas
from .bundle import Bundle, load_bundle
from .calendar import ServiceCalendar
from .errors import ExitCode, InputError
from .judge import Judge
from .measures import MeasureRegistry, default_registry
from .measures.common import MeasureContext
from .model import Cadence, ClauseResult, GoalResult, KpiResult, Measurement, Rule, Status
from .norms import kpi_not_in_force, norms_in_force
from .perf import stopwatch
from .periods import Period, overlapping, sub_periods, views
from .reasons import reason
from .rollup import kpi_graph, roll_up
from .rulefiles import Catalogue, load_catalogue, rule_files
from .settings import Contract, load_contract
from .signals import Signal, SignalSettings, find_signals


@dataclass(frozen=True)
class AuditResult:
    span: Period
    as_of: str
    bundle: Bundle
    contract: Contract
    catalogue: Catalogue
    rules_version: str
    results: tuple[KpiResult, ...]
    goals: tuple[GoalResult, ...]
    deviations: tuple[KpiResult, ...]
    unjudged: tuple[KpiResult, ...] = field(default=())  # minimum requirements without sufficient evidence
    agendas: tuple[Agenda, ...] = field(default=())
    signals: tuple[Signal, ...] = field(default=())
    signal_settings: SignalSettings = field(default_factory=SignalSettings)

    @property
    def exit_code(self) -> int:
        """0: no minimum requirement failed; 1: at least one did (a deviation from the Agreement). A minimum
        requirement that could not be judged (``unjudged``) is no deviation and leaves the code at 0, as the CLI's
        codes are defined; the report lists it as not judged, never as passed."""
        return int(ExitCode.DEVIATION if self.deviations else ExitCode.OK)  # a plain int in the JSON


def rules_fingerprint(catalogue: Catalogue) -> str:
    """The engine version and a SHA-256 over the rule files and goals, so a report names the rules it used."""
    h = hashlib.sha256()
    for path in rule_files(catalogue.root) + [catalogue.root / "goals.yaml"]:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"slacheck {__version__}, rules sha256:{h.hexdigest()[:16]}"


def service_calendar(contract: Contract, organisation: str | None) -> ServiceCalendar:
    """The contract's calendar with the overrides of the bundle's organisation, when the contract has any
    ("Sommige feestdagen zijn voor de organisaties werkdagen")."""
    known = (contract.calendar_settings.get("organisations") or {})
    return ServiceCalendar.from_settings(contract.calendar_settings, organisation if organisation in known else None,
                                         source=contract.source)


_GRAIN = {"month": 0, "quarter": 1, "year": 2, "range": 3}  # finer periods first


def _periods_for(rule: Rule, span: Period) -> list[tuple[Period, Cadence | None]]:
    """Each period the rule is judged on in the span, in the report's order: the periods of its finest cadence in
    date order, then those of each coarser one (T2-rca-timeliness: 07, 08, 09, then Q3), the aggregate view last."""
    out: dict[str, tuple[Period, Cadence | None]] = {}
    for cadence in rule.reporting:
        for p in sub_periods(span, cadence):
            out.setdefault(p.label, (p, cadence))
    for cadence in rule.reporting:
        for p in views(span, cadence):
            out.setdefault(p.label, (p, None))
    return sorted(out.values(), key=lambda x: (x[1] is None, _GRAIN[x[0].kind], x[0].first))


def _measure(rule: Rule, registry: MeasureRegistry, ctx: MeasureContext, period: Period, norms) -> tuple[Measurement | None, str]:
    """One rule over one period. The cyclic garbage collector waits until the measure is done: a measure makes up
    to hundreds of thousands of small objects that live on (breaches), and collecting while they are made walks
    the whole heap, the loaded bundle with it, again and again (at a million tickets a quarter of the time).
    What the measure made is then frozen (kept out of the collector's generations until the next audit): walked
    once more as young objects, none would be freed (measured at a million tickets: 0.25 s of collections that
    found nothing); unreachable cycles among them, if any, wait for the next audit's ``gc.unfreeze``."""
    definition = registry.get(rule.measure.id)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return definition.func(ctx, rule, period, norms), ""
    except InputError:
        raise
    except Exception as exc:  # a measure that cannot run gives an ERROR result, never a crash or a pass
        return None, f"measure {rule.measure.id!r} failed: {type(exc).__name__}: {exc}"
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def run_audit(bundle: Bundle | Path | str, span: Period, *, as_of: int | None = None,
              contract: Contract | None = None, catalogue: Catalogue | None = None,
              registry: MeasureRegistry | None = None,
              progress: Callable[[int, int], None] | None = None,
              signal_settings: SignalSettings | None = None, timings: dict | None = None) -> AuditResult:
    """Audit a bundle over ``span``; ``as_of`` defaults to the bundle's export time (never the wall clock).

    ``progress(done, total)`` is called after each measured (rule, period): the CLI draws a bar from it.
    ``timings``, when given, receives the seconds spent per stage (setup, load, measure, judge) for benchmarks.
    """
    mark = stopwatch(timings)
    registry = registry or default_registry()
    catalogue = catalogue or load_catalogue(registry=registry)
    kpi_graph(catalogue)  # the goal graph must be a DAG with every KPI under exactly one goal
    contract = contract or load_contract(catalogue=catalogue)  # its norms are checked against these rules
    mark("setup")
    gc.unfreeze()  # what an earlier audit in this process froze may be collected again
    bundle = bundle if isinstance(bundle, Bundle) else load_bundle(bundle)
    gc.freeze()  # the bundle lives as long as the audit: collections need not walk its objects again and again
    mark("load")
    calendar = service_calendar(contract, bundle.organisation)
    ctx = MeasureContext(bundle=bundle, calendar=calendar, as_of=bundle.exported_at if as_of is None else as_of,
                         contract=contract)

    jobs, retired = [], []  # retired: periods in which the norm register has the KPI out of its goal's set
    periods: dict[tuple, list] = {}  # per reporting cadences: most rules share one of a few
    for rule in catalogue.rules.values():
        if rule.reporting not in periods:
            periods[rule.reporting] = _periods_for(rule, span)
        for p, c in periods[rule.reporting]:
            why = kpi_not_in_force(rule, contract, p.first)
            (retired if why else jobs).append((rule, p, c, why) if why else (rule, p, c))
    measured = []
    for n, (rule, period, cadence) in enumerate(jobs, start=1):
        norms = norms_in_force(rule, contract, period.first)
        measurement, error = _measure(rule, registry, ctx, period, norms)
        measured.append((rule, period, cadence, norms, measurement, error))
        if progress:
            progress(n, len(jobs))
    mark("measure")

    with Judge() as judge:
        clause_facts = []
        for j, (rule, period, cadence, norms, m, error) in enumerate(measured):
            for cid, norm in norms.items():
                value = None if m is None else m.metrics.get(norm.clause.metric)
                clause_facts.append({"id": f"{j}/{cid}", "op": norm.clause.op, "value": value if value is not None else 0,
                                     "threshold": norm.threshold if norm.threshold is not None else 0,
                                     "sufficient": int(m is not None and m.sufficient),
                                     "has_norm": int(norm.threshold is not None),
                                     "applicable": int(value is not None),
                                     "needs_cases": int(bool(norm.clause.needs_cases))})
        clause_status = judge.clauses(clause_facts)
        kpi_facts, clause_results = [], {}
        for j, (rule, period, cadence, norms, m, error) in enumerate(measured):
            crs = tuple(ClauseResult(cid, n.clause.metric, None if m is None else m.metrics.get(n.clause.metric),
                                     n.clause.op, n.threshold, n.clause.unit, Status(clause_status[f"{j}/{cid}"]), n.origin)
                        for cid, n in norms.items())
            clause_results[j] = crs
            counts = {s: sum(1 for c in crs if c.status is s) for s in Status}
            kpi_facts.append({"id": str(j), "passes": counts[Status.PASS], "fails": counts[Status.FAIL],
                              "no_data": counts[Status.NO_DATA] if m is not None else 0,
                              "not_applicable": counts[Status.NOT_APPLICABLE],
                              "errors": counts[Status.ERROR] + (1 if m is None else 0)})
        kpi_status = judge.kpis(kpi_facts)
        results = []
        for j, (rule, period, cadence, norms, m, error) in enumerate(measured):
            status = Status(kpi_status[str(j)])
            why = () if error or m is None or m.sufficient else m.insufficiency
            if status is Status.NO_DATA and not (error or why):  # a clause the KPI stands on had no cases
                why = tuple(reason("no_cases_for_clause", clause=c.clause_id,
                                   needs=norms[c.clause_id].clause.needs_cases)
                            for c in clause_results[j] if c.status is Status.NO_DATA)
            if status is Status.ERROR and not (error or why):
                why = (reason("no_norm", clauses=", ".join(c for c, n in norms.items() if n.threshold is None)),)
            if status is Status.NOT_APPLICABLE and not (error or why):  # pending cases are cases, not yet decided
                why = (reason("only_pending", period=period.label, pending=m.pending) if m is not None and m.pending
                       else reason("no_cases", period=period.label),)
            results.append(KpiResult(rule.id, rule.goal, period.label, cadence, status, clause_results[j], m,
                                      rule.minimum_requirement, error or reasons.text(why), reasons=why))
        results.extend(KpiResult(rule.id, rule.goal, p.label, c, Status.NOT_APPLICABLE, (), None,
                                 rule.minimum_requirement, why.text(), reasons=(why,)) for rule, p, c, why in retired)
        results.extend(_not_due(catalogue, span))
        verdicts = judge.verdicts([
            {"id": str(i), "status": r.status.value, "minimum": r.minimum_requirement.value, "primary": int(r.primary)}
            for i, r in enumerate(results)])
        deviations = tuple(r for i, r in enumerate(results) if "deviation" in verdicts[str(i)])
        unjudged = tuple(r for i, r in enumerate(results) if "no_evidence" in verdicts[str(i)])
        results_t = tuple(results)
        goals = roll_up(catalogue, results_t, judge=judge)
        agendas = build_agendas(catalogue, results_t, span, judge)
    settings = signal_settings or SignalSettings()
    result = AuditResult(span=span, as_of=ctx.iso(ctx.as_of), bundle=bundle, contract=contract, catalogue=catalogue,
                         rules_version=rules_fingerprint(catalogue), results=results_t, goals=goals,
                         deviations=deviations, unjudged=unjudged, agendas=agendas,
                         signals=find_signals(catalogue, results_t, goals, settings), signal_settings=settings)
    mark("judge")
    return result


def _not_due(catalogue: Catalogue, span: Period) -> list[KpiResult]:
    """One NOT-APPLICABLE marker per cadence period the span touches but does not hold (``not_due`` names it).

    Its ``period`` is the span (where the reader looks for it); a rule with no period at all in reach of the
    span (impossible for real periods) still gets one marker, so every rule appears in the report.
    """
    out = []
    for rule in catalogue.rules.values():
        seen = set()
        for cadence in rule.reporting:
            for p in overlapping(span, cadence):
                if p.label in seen:
                    continue
                seen.add(p.label)
                out.append(KpiResult(rule.id, rule.goal, span.label, cadence, Status.NOT_APPLICABLE, (), None,
                                     rule.minimum_requirement,
                                     f"not due in {span.label}: reported {cadence.value}; {p.label} runs "
                                     f"{p.first.isoformat()} – {p.last.isoformat()}", not_due=p.label))
    return out
