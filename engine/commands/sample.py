"""``slacheck sample generate``: write a synthetic evidence bundle of any size (benchmarks, trying the tool at scale)."""
from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli import handle_errors


@click.group()
def sample() -> None:
    """Synthetic sample evidence."""


@sample.command("generate")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--tickets", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Number of tickets; every other document kind follows in proportion.")
@click.option("--seed", type=int, default=2026, show_default=True, help="The same seed and size give identical files.")
@click.option("--year", type=click.IntRange(2000, 2100), default=2026, show_default=True,
              help="The calendar year the evidence covers (exported early in the next year).")
@click.option("--force", is_flag=True, help="Replace OUT if it is not empty (only once the new bundle is complete).")
@handle_errors
def generate(out: Path, tickets: int, seed: int, year: int, force: bool) -> None:
    """Write a synthetic bundle with a year of evidence of every document kind to the folder OUT."""
    from ..generate import generate_bundle

    t0 = time.perf_counter()
    written = generate_bundle(out, tickets, seed, year=year, force=force,
                              progress=lambda w: click.echo(f"  {w.path}: {w.records} record(s)", err=True))
    total = sum(w.records for w in written)
    size = sum(w.bytes for w in written)
    click.echo(f"wrote {out}: {len(written)} document(s), {total} record(s), {size / 1e6:.1f} MB "
               f"in {time.perf_counter() - t0:.1f} s", err=True)


COMMANDS = [sample]
