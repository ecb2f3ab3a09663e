"""Atomic output: write to a temporary file in the target folder, then rename over the target.

A failed or interrupted run leaves an earlier report untouched and no partial file behind. Temporaries are hidden
(``.report.md.<random>.tmp``) in the target's own folder, so the rename never crosses a file system. Only a hard
kill (SIGKILL, power loss) between write and rename can leave such a hidden temporary; the targets are intact.
A written file gets the mode an ordinary write would give it: an existing target's own, else 0666 less the umask
(``mkstemp`` alone would make every report 0600).
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterable


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stage(path: Path, data: bytes | str, mask: int | None = None) -> str:
    """Write ``data`` to a synced temporary next to ``path``; return its name (removed again on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o666 & ~(_umask() if mask is None else mask)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
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


def write_all_atomic(files: dict[Path, bytes | str], folders: Iterable[Path] = ()) -> None:
    """Write several files so that either all are replaced or none is (a report.md never sits next to the
    report.json of another run): stage all, keep a hard link to each earlier file, rename, and on any failure
    put the earlier files back. Each of ``folders`` (a report's ``charts/``) is replaced whole: afterwards it
    holds exactly the ``files`` under it, or is gone when there are none, never a mix with an earlier run's."""
    mask = _umask()
    folders = [Path(f) for f in folders]
    staged: list[tuple[str, Path]] = []
    backups: list[tuple[str, Path]] = []
    done: list[Path] = []
    fresh: dict[Path, Path] = {}  # folder -> its new contents, staged in a hidden sibling
    moved: list[tuple[Path, str]] = []  # folder -> where its earlier contents wait until the write succeeded
    placed: list[Path] = []
    try:
        for path, data in files.items():
            path = Path(path)
            owner = next((f for f in folders if f in path.parents), None)
            if owner is None:
                staged.append((_stage(path, data, mask), path))
                continue
            if owner not in fresh:
                owner.parent.mkdir(parents=True, exist_ok=True)
                fresh[owner] = Path(tempfile.mkdtemp(prefix=f".{owner.name}.", suffix=".tmp", dir=owner.parent))
                os.chmod(fresh[owner], 0o777 & ~mask)
            inside = fresh[owner] / path.relative_to(owner)
            os.replace(_stage(inside, data, mask), inside)
        for _, path in staged:
            if path.is_file():
                keep = tempfile.mktemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
                os.link(path, keep)
                backups.append((keep, path))
        for folder in folders:
            if os.path.lexists(folder):
                aside = tempfile.mktemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent)
                os.rename(folder, aside)
                moved.append((folder, aside))
            if folder in fresh:
                os.rename(fresh.pop(folder), folder)
                placed.append(folder)
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
        for folder in placed:
            shutil.rmtree(folder, ignore_errors=True)
        for folder, aside in moved:
            os.rename(aside, folder)
        moved.clear()
        raise
    finally:
        for tmp, _ in staged:
            _unlink(tmp)
        for keep, _ in backups:
            _unlink(keep)
        for tmp_dir in fresh.values():
            shutil.rmtree(tmp_dir, ignore_errors=True)
        for _, aside in moved:
            _remove(aside)


def _remove(path: str) -> None:
    """An earlier run's folder (or whatever stood in its place), once the new one is in place."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        _unlink(path)
