"""Audit several bundles in one batch on all cores: one worker process per bundle, results in input order.

Each worker runs the whole pipeline (load → … → render) exactly as ``slacheck audit`` does for one bundle and
sends back only the rendered output and the exit code, never the loaded bundle, so little crosses the process
boundary. Workers are started with ``spawn``: no state of the parent (threads, a half-initialised rule engine)
leaks into them, and each bundle's output is byte-identical to auditing it alone. The batch's exit code is the
worst of its bundles; a bundle that cannot be audited makes the whole batch bad input (exit 2, nothing written).
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from .cores import parsers_per_audit, usable_cores
from .errors import InputError, Problem, SlacheckError


@dataclass(frozen=True)
class BatchJob:
    """Everything one worker needs, as plain picklable values. ``out``: this bundle's report folder (None: text)."""

    bundle: str
    period: str
    as_of: int | None = None
    contract: str | None = None
    rules: str | None = None
    signals: tuple[str, ...] = ()
    lang: str = "nl"
    templates: str | None = None
    fmt: str = "md"  # "md" or "json", when out is None
    out: str | None = None
    parsers: int | None = None  # the threads that parse the bundle (None: one per usable core)


@dataclass(frozen=True)
class BatchOutcome:
    bundle: str
    exit_code: int  # 0 no deviation, 1 deviation, 2 bad input, 3 internal error
    text: str | None = None  # the report on stdout (Markdown or JSON) when the job has no ``out``
    files: dict[str, str] = field(default_factory=dict)  # path -> content when it has
    problems: tuple[Problem | str, ...] = ()
    cap_note: str | None = None  # the problems not shown (more than 50 in a file), as ``InputError`` has them
    total: int = 0  # every problem, shown or not


def audit_one(job: BatchJob) -> BatchOutcome:
    """Audit one bundle and render its output; input errors become exit code 2 with their located problems."""
    from .audit import run_audit
    from .bundle import load_bundle
    from .periods import parse_period
    from .report import render_report, report_files
    from .rulefiles import load_catalogue
    from .serialize import to_data, to_json_bytes, to_json_data
    from .settings import load_contract
    from .signals import SignalSettings

    try:
        span = parse_period(job.period)
        settings = SignalSettings.from_pairs(job.signals)
        catalogue = load_catalogue(Path(job.rules) if job.rules else None)  # audits with it, checks the contract
        result = run_audit(load_bundle(job.bundle, job.parsers), span, as_of=job.as_of,
                           contract=load_contract(job.contract, catalogue=catalogue), catalogue=catalogue,
                           signal_settings=settings)
        data = to_data(result)
        templates = Path(job.templates) if job.templates else None
        if job.out is not None:
            files = report_files(data, Path(job.out), job.lang, templates, to_json_bytes(data))
            return BatchOutcome(job.bundle, result.exit_code, files={str(p): c for p, c in files.items()})
        text = to_json_data(data) if job.fmt == "json" else render_report(data, job.lang, templates)
        return BatchOutcome(job.bundle, result.exit_code, text=text)
    except InputError as exc:
        return BatchOutcome(job.bundle, 2, problems=tuple(exc.problems), cap_note=exc.cap_note, total=exc.total)
    except Exception as exc:  # a bug: reported for this bundle, the other bundles' results still stand
        what = str(exc) if isinstance(exc, SlacheckError) else f"{type(exc).__name__}: {exc}"
        return BatchOutcome(job.bundle, 3, problems=(Problem(job.bundle, f"internal error: {what}"),), total=1)


def run_batch(jobs: list[BatchJob], workers: int | None = None) -> list[BatchOutcome]:
    """Audit every job, ``workers`` at a time (None or 0: one per usable core); outcomes come back in input order.
    Each audit parses with its share of the cores: ``workers`` audits with a thread per core each would only make
    the cores take turns."""
    workers = min(len(jobs), workers or usable_cores())
    jobs = [job if job.parsers else replace(job, parsers=parsers_per_audit(workers)) for job in jobs]
    if workers <= 1:
        return [audit_one(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(audit_one, jobs))


def worst_exit_code(outcomes: list[BatchOutcome]) -> int:
    """The batch's exit code: the worst of its bundles (internal error 3 > bad input 2 > deviation 1 > 0)."""
    return max((o.exit_code for o in outcomes), default=0)


def raise_problems(outcomes: list[BatchOutcome]) -> None:
    """One ``InputError`` with every bundle's problems when any bundle could not be audited (nothing is written)."""
    failed = [InputError(list(o.problems), cap_note=o.cap_note, total=o.total) for o in outcomes if o.problems]
    if failed:
        raise InputError.combine(failed)


def output_dirs(bundles: list[str | Path], out: Path) -> list[Path]:
    """One report folder per bundle under ``out``, named after the bundle folder; repeated names get -2, -3 …"""
    seen: dict[str, int] = {}
    dirs = []
    for b in bundles:
        name = Path(b).resolve().name or "bundle"
        seen[name] = seen.get(name, 0) + 1
        dirs.append(out / (name if seen[name] == 1 else f"{name}-{seen[name]}"))
    return dirs


def combined_text(outcomes: list[BatchOutcome], fmt: str) -> str:
    """Stdout of a batch, in input order: the Markdown reports separated by a rule, or a JSON array of the JSON
    reports (each element byte-identical to the single audit's report)."""
    if fmt == "json":
        return "[\n" + ",\n".join((o.text or "null").rstrip("\n") for o in outcomes) + "\n]\n"
    return "\n---\n\n".join(o.text or "" for o in outcomes)


def all_files(outcomes: list[BatchOutcome]) -> dict[Path, str]:
    """Every file of every bundle's report folder, for one atomic write of the whole batch."""
    return {Path(p): c for o in outcomes for p, c in o.files.items()}


def run_cli_batch(bundles: list[Path], *, period: str, as_of: int | None = None, contract: Path | None = None,
                  rules: Path | None = None, signals: tuple[str, ...] = (), lang: str = "nl",
                  templates: Path | None = None, fmt: str = "md", out_dir: Path | None = None,
                  jobs: int | None = None) -> tuple[str, bool, int]:
    """What ``slacheck audit B1 B2 … --jobs N`` does: returns (text, text goes to stderr, exit code).

    Usage errors (period, signal overrides) are raised once before any worker starts; a bundle that cannot be
    audited raises ``InputError`` with every bundle's problems and nothing is written. With ``out_dir`` each
    bundle's report folder is ``out_dir/<bundle folder name>`` and the whole batch is written atomically.
    """
    from .atomic import write_all_atomic
    from .periods import parse_period
    from .signals import SignalSettings

    parse_period(period)
    SignalSettings.from_pairs(signals)
    outs = output_dirs(bundles, out_dir) if out_dir else [None] * len(bundles)
    batch = [BatchJob(str(b), period, as_of, str(contract) if contract else None, str(rules) if rules else None,
                      tuple(signals), lang, str(templates) if templates else None, fmt, str(o) if o else None)
             for b, o in zip(bundles, outs)]
    outcomes = run_batch(batch, jobs)
    raise_problems(outcomes)
    if out_dir:
        write_all_atomic(all_files(outcomes), folders=[o / "charts" for o in outs])
        return "".join(f"wrote {o}/report.md and {o}/report.json\n" for o in outs), True, worst_exit_code(outcomes)
    return combined_text(outcomes, fmt), False, worst_exit_code(outcomes)
