"""``slacheck audit``: audit a bundle over a period and print or write the findings.

The options shared with ``slacheck agenda`` (bundle, period, as-of, contract, rules, signals) live here in
``audit_options``/``run_from_options``; a long batch draws a progress bar on the terminal only (stderr is a TTY),
never into the report.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, TextIO

import click

from ..cli import _as_of, bundle_or_sample, echo_output, handle_errors


def terminal_progress(stream: TextIO | None = None) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A ``progress(done, total)`` callback drawing a tqdm bar on ``stream`` (stderr) if it is a terminal, else None."""
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None, lambda: None
    from tqdm import tqdm

    bar: list[Any] = []

    def update(done: int, total: int) -> None:
        if not bar:
            bar.append(tqdm(total=total, file=stream, desc="slacheck", unit="check", leave=False, dynamic_ncols=True))
        bar[0].update(done - bar[0].n)

    return update, lambda: bar[0].close() if bar else None


def audit_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("bundle", required=False, type=click.Path(path_type=Path)),
        click.option("--sample", is_flag=True, help="Use the embedded sample evidence."),
        click.option("--period", "period_text", required=True, help="2026-09, 2026-Q3, 2026 or 2026-01..2026-12."),
        click.option("--as-of", "as_of_text", help="What is known: ISO timestamp with offset (default: the bundle's export time)."),
        click.option("--contract", "contract_path", type=click.Path(path_type=Path), help="Contract settings (default: the sample's)."),
        click.option("--rules", "rules_dir", type=click.Path(path_type=Path), help="A rules folder instead of the built-in one."),
        click.option("--signal", "signal_pairs", multiple=True, metavar="KEY=VALUE",
                     help="Override a \"green but different\" signal threshold (see engine/signals.py), repeatable."),
        click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True),
        click.option("--templates", "template_dir", type=click.Path(path_type=Path, exists=True, file_okay=False),
                     help="Your own template folder (rendered in Jinja's sandbox; built-ins fill the gaps)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_from_options(bundle: Path | None, sample: bool, period_text: str, as_of_text: str | None,
                     contract_path: Path | None, rules_dir: Path | None, signal_pairs: tuple[str, ...]):
    from ..audit import run_audit
    from ..periods import parse_period
    from ..rulefiles import load_catalogue
    from ..settings import load_contract
    from ..signals import SignalSettings

    folder = bundle_or_sample(bundle, sample)
    span = parse_period(period_text)
    settings = SignalSettings.from_pairs(signal_pairs)
    catalogue = load_catalogue(rules_dir)  # the contract is checked against it too
    progress, done = terminal_progress()
    try:
        return run_audit(folder, span, as_of=_as_of(as_of_text), contract=load_contract(contract_path, catalogue=catalogue),
                         catalogue=catalogue, progress=progress, signal_settings=settings)
    finally:
        done()


@click.command()
@audit_options
@click.argument("more_bundles", nargs=-1, type=click.Path(path_type=Path))
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Bundles audited at once when several are given (0: one per core).")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write report.md, report.json and (year or range) charts/*.svg to this folder, atomically "
                   "(several bundles: to a subfolder per bundle, named after it).")
@handle_errors
def audit(bundle: Path | None, sample: bool, period_text: str, as_of_text: str | None, contract_path: Path | None,
          rules_dir: Path | None, signal_pairs: tuple[str, ...], lang: str, template_dir: Path | None,
          more_bundles: tuple[Path, ...], jobs: int, fmt: str, out_dir: Path | None) -> None:
    """Audit an evidence BUNDLE (a folder with a manifest) over a period and print the findings.

    Several bundles (BUNDLE MORE_BUNDLES…) are audited in parallel processes; the exit code is the worst one."""
    from ..atomic import write_all_atomic
    from ..report import render_report, report_files
    from ..serialize import to_data, to_json_bytes

    if more_bundles:
        from ..batch import run_cli_batch

        text, to_stderr, code = run_cli_batch(
            [bundle_or_sample(bundle, sample), *more_bundles], period=period_text, as_of=_as_of(as_of_text),
            contract=contract_path, rules=rules_dir, signals=signal_pairs, lang=lang, templates=template_dir,
            fmt=fmt, out_dir=out_dir, jobs=jobs or None)
        if to_stderr:
            click.echo(text, nl=False, err=True)
        else:
            echo_output(text)
        sys.exit(code)

    result = run_from_options(bundle, sample, period_text, as_of_text, contract_path, rules_dir, signal_pairs)
    data = to_data(result)
    if out_dir:
        files = report_files(data, out_dir, lang, template_dir, to_json_bytes(data))
        write_all_atomic(files, folders=[out_dir / "charts"])
        charts = len(files) - 2
        click.echo(f"wrote {out_dir / 'report.md'}, {out_dir / 'report.json'}"
                   + (f" and {charts} chart(s) in {out_dir / 'charts'}" if charts else ""), err=True)
    elif fmt == "json":
        echo_output(to_json_bytes(data))  # bytes: the UTF-8 orjson wrote, not decoded and encoded again
    else:
        echo_output(render_report(data, lang, template_dir))
    sys.exit(result.exit_code)


COMMANDS = [audit]
