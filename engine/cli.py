"""The ``slacheck`` command line: a thin click layer over the engine, with named exit codes.

0: no minimum requirement failed; 1: at least one failed (a deviation from the Agreement); 2: bad input or usage.
No traceback reaches the user: input errors are printed located, one per line, on stderr.
"""
from __future__ import annotations

import functools
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .errors import InputError, PeriodError, Problem, SlacheckError

EXIT_OK = 0
EXIT_DEVIATION = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ``InputError`` into exit 2 with every problem listed; anything else into a one-line internal error."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            problems = exc.problems
            click.echo(f"slacheck: {len(problems)} problem(s) in the input:", err=True)
            click.echo(exc.render(), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except SlacheckError as exc:
            click.echo(f"slacheck: internal error: {exc}", err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper


def _as_of(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise PeriodError(Problem("--as-of", f"{text!r} is not an ISO 8601 timestamp")) from None
    if dt.tzinfo is None:
        raise PeriodError(Problem("--as-of", f"{text!r} needs a time zone offset, e.g. 2026-10-05T07:00:00+02:00"))
    return int(dt.timestamp())


def sample_bundle() -> Path:
    from .resources import sample_dir

    return sample_dir() / "bundle"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slacheck")
def main() -> None:
    """slacheck: check evidence against the SLA annex (Bijlage 12a) of an ICT managed-services contract."""


@main.command()
@click.argument("bundle", required=False, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Audit the embedded sample evidence.")
@click.option("--period", "period_text", required=True, help="2026-09, 2026-Q3, 2026 or 2026-01..2026-12.")
@click.option("--as-of", "as_of_text", help="What is known: ISO timestamp with offset (default: the bundle's export time).")
@click.option("--contract", "contract_path", type=click.Path(path_type=Path), help="Contract settings (default: the sample's).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--templates", "template_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Your own template folder (rendered in Jinja's sandbox; built-ins fill the gaps).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write report.md and report.json to this folder (atomically) instead of printing.")
@handle_errors
def audit(bundle: Path | None, sample: bool, period_text: str, as_of_text: str | None, contract_path: Path | None,
          rules_dir: Path | None, fmt: str, lang: str, template_dir: Path | None, out_dir: Path | None) -> None:
    """Audit an evidence BUNDLE (a folder with a manifest) over a period and print the findings."""
    from .atomic import write_all_atomic
    from .audit import run_audit
    from .periods import parse_period
    from .report import render_report
    from .rulefiles import load_catalogue
    from .serialize import to_data, to_json
    from .settings import load_contract

    if bundle is None and not sample:
        raise InputError(Problem("BUNDLE", "give an evidence bundle folder, or --sample for the embedded sample"))
    span = parse_period(period_text)
    catalogue = load_catalogue(rules_dir) if rules_dir else None
    result = run_audit(bundle or sample_bundle(), span, as_of=_as_of(as_of_text),
                       contract=load_contract(contract_path), catalogue=catalogue)
    data = to_data(result)
    if out_dir:
        write_all_atomic({out_dir / "report.md": render_report(data, lang, template_dir),
                          out_dir / "report.json": to_json(result)})
        click.echo(f"wrote {out_dir / 'report.md'} and {out_dir / 'report.json'}", err=True)
    elif fmt == "json":
        click.echo(to_json(result), nl=False)
    else:
        click.echo(render_report(data, lang, template_dir), nl=False)
    sys.exit(result.exit_code)


@main.group()
def rules() -> None:
    """List and validate rule files."""


@rules.command("list")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one.")
@handle_errors
def rules_list(rules_dir: Path | None) -> None:
    """Every rule: id, goal, norm, minimum requirement, reporting cadence, meeting and agenda type."""
    from .rulefiles import load_catalogue

    cat = load_catalogue(rules_dir)
    header = ("id", "goal", "norm", "min. req.", "reporting", "meeting", "agenda")
    rows = [header] + [(r.id, r.goal, r.annex_norm, r.minimum_requirement.value,
                        "+".join(c.value for c in r.reporting), r.meeting.value, r.agenda.value)
                       for r in cat.rules.values()]
    widths = [min(max(len(str(row[i])) for row in rows), 60) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(str(v)[:60].ljust(w) for v, w in zip(row, widths)).rstrip())


@rules.command("validate")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@handle_errors
def rules_validate(directory: Path | None) -> None:
    """Check every rule file in DIRECTORY (default: the built-in rules) and report every error found."""
    from .rulefiles import load_catalogue

    cat = load_catalogue(directory)
    click.echo(f"{len(cat.rules)} rule file(s) valid")


@main.group()
def evidence() -> None:
    """Check evidence bundles."""


@evidence.command("check")
@click.argument("bundles", nargs=-1, required=True, type=click.Path(path_type=Path))
@handle_errors
def evidence_check(bundles: tuple[Path, ...]) -> None:
    """Validate BUNDLES without auditing them; every problem in every bundle is reported."""
    from .bundle import load_bundle

    problems: list = []
    for b in bundles:
        try:
            loaded = load_bundle(b)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        total = sum(d.records for d in loaded.documents)
        click.echo(f"{b}: valid ({len(loaded.documents)} document(s), {total} record(s))")
    if problems:
        raise InputError(problems)


if __name__ == "__main__":  # pragma: no cover
    main()
