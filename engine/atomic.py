"""Atomic output: write to a temporary file in the target folder, then rename over the target.

A failed or interrupted run leaves an earlier report untouched and no partial file behind. Temporaries are hidden
(``.report.md.<random>.tmp``) in the target's own folder, so the rename never crosses a file system. Only a hard
kill (SIGKILL, power loss) between write and rename can leave such a hidden temporary; the targets are intact.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _stage(path: Path, data: bytes | str) -> str:
    """Write ``data`` to a synced temporary next to ``path``; return its name (removed again on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def write_atomic(path: Path, data: bytes | str) -> None:
    path = Path(path)
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def write_all_atomic(files: dict[Path, bytes | str]) -> None:
    """Write several files so that either all are replaced or none is (a report.md never sits next to the
    report.json of another run): stage all, keep a hard link to each earlier file, rename, and on any failure
    put the earlier files back."""
    staged: list[tuple[str, Path]] = []
    backups: list[tuple[str, Path]] = []
    done: list[Path] = []
    try:
        for path, data in files.items():
            staged.append((_stage(Path(path), data), Path(path)))
        for _, path in staged:
            if path.is_file():
                keep = tempfile.mktemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
                os.link(path, keep)
                backups.append((keep, path))
        for tmp, path in staged:
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        restored = {p for _, p in backups}
        for keep, path in backups:
            if path in done:
                os.replace(keep, path)
        for path in done:
            if path not in restored:
                _unlink(str(path))
        raise
    finally:
        for tmp, _ in staged:
            _unlink(tmp)
        for keep, _ in backups:
            _unlink(keep)
