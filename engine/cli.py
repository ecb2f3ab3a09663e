"""The ``slacheck`` command line: a thin click layer over the engine, with named exit codes.

0: no minimum requirement failed; 1: at least one failed (a deviation from the Agreement); 2: bad input or usage;
3: an internal error; 141: stdout was closed by its reader.
No traceback reaches the user: input errors are printed located, one per line, on stderr.
"""
from __future__ import annotations

import functools
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .errors import ExitCode, InputError, PeriodError, Problem, SlacheckError

EXIT_BAD_INPUT = int(ExitCode.BAD_INPUT)
EXIT_INTERNAL = int(ExitCode.INTERNAL)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ``InputError`` into exit 2 with every problem listed; anything else into a one-line internal error."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return func(*args, **kwargs)
            finally:  # on return or sys.exit alike: a closed stdout shows up here, not at interpreter exit
                sys.stdout.flush()
        except BrokenPipeError:
            output_closed()
        except InputError as exc:
            click.echo(f"slacheck: {exc.total} problem(s) in the input:", err=True)
            click.echo(exc.render(), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except SlacheckError as exc:
            click.echo(f"slacheck: internal error: {exc}", err=True)
            sys.exit(EXIT_INTERNAL)
        except OSError as exc:  # a file or folder named on the command line that cannot be read or written
            where = exc.filename if exc.filename is not None else "input/output"
            click.echo(f"slacheck: 1 problem(s) in the input:\n{where}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("slacheck: interrupted; nothing was written", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - never a traceback; a template error is the user's, the rest ours
            if type(exc).__module__.startswith("jinja2"):
                where, lineno = getattr(exc, "filename", None) or getattr(exc, "name", None), getattr(exc, "lineno", None)
                if not lineno:  # a render-time error: Jinja puts the template's own frame in the traceback
                    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
                    where, lineno = (frames[-1].filename, frames[-1].lineno) if frames else (where, None)
                where = Path(where).name if where else "template"
                line = f": line {lineno}" if lineno else ""
                click.echo(f"slacheck: 1 problem(s) in the input:\n{where}{line}: {type(exc).__name__}: {exc}",
                           err=True)
                sys.exit(EXIT_BAD_INPUT)
            click.echo(f"slacheck: internal error ({type(exc).__name__}: {exc}); please report it", err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper


def echo_output(data: str | bytes) -> None:
    """A command's whole output on stdout, every byte or ``BrokenPipeError``. One large write into a pipe whose
    reader goes away midway (``slacheck audit … | head -5``) returns the part the pipe took, and Python's buffered
    writer then drops the rest without an error, so the command would exit 0 or 1 as if all had been read. Written
    to the file descriptor in a loop, the next write fails with EPIPE and the command exits 141."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (click's test runner): nothing can be lost there
        click.echo(data, nl=False)
        return
    raw = data.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict") if isinstance(data, str) else data
    sys.stdout.flush()
    view, done = memoryview(raw), 0
    while done < len(view):
        done += os.write(fd, view[done:])


def output_closed() -> None:
    """The reader of stdout went away (``slacheck rules list | head -5``): that is no bad input, and nothing is
    left to tell. Exit quietly with 141, as a process killed by SIGPIPE would; stdout goes to /dev/null so that
    Python's own flush at exit does not complain."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(int(ExitCode.OUTPUT_CLOSED))


def _as_of(text: str | None) -> int | None:
    """``--as-of`` as epoch seconds, within the range evidence timestamps may have (``timeparse``): beyond it no
    calendar or period exists to measure against."""
    from .timeparse import TimeParseError, epoch_of

    if text is None:
        return None
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise PeriodError(Problem("--as-of", f"{text!r} is not an ISO 8601 timestamp")) from None
    if dt.tzinfo is None:
        raise PeriodError(Problem("--as-of", f"{text!r} needs a time zone offset, e.g. 2026-10-05T07:00:00+02:00"))
    try:
        return epoch_of(dt, text)
    except TimeParseError as exc:
        raise PeriodError(Problem("--as-of", str(exc))) from None


def sample_bundle() -> Path:
    from .resources import sample_dir

    return sample_dir() / "bundle"


def bundle_or_sample(bundle: Path | None, sample: bool) -> Path:
    """The bundle to audit: the one given, or the embedded sample with ``--sample``; never both, as one of them
    would silently be ignored."""
    if bundle is not None and sample:
        raise InputError(Problem("--sample", f"give a BUNDLE folder ({bundle}) or --sample, not both"))
    if bundle is None and not sample:
        raise InputError(Problem("BUNDLE", "give an evidence bundle folder, or --sample for the embedded sample"))
    return bundle if bundle is not None else sample_bundle()


def build_cli() -> click.Group:
    """A fresh command group with every command of ``engine/commands/*.py`` (each module lists ``COMMANDS``)."""
    from . import commands

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="slacheck")
    def cli() -> None:
        """slacheck: check evidence against the SLA annex (Bijlage 12a) of an ICT managed-services contract."""

    for command in commands.discover():
        cli.add_command(command)
    return cli


def main() -> None:
    build_cli()(prog_name="slacheck")


if __name__ == "__main__":  # pragma: no cover
    main()
