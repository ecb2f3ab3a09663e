"""Synthetic evidence bundles of any size: a year of a large organisation's exports, deterministic for a seed.

One module per family of document kinds (``engine/generate/<family>.py``, each with ``documents(ctx) ->
list[Doc]``), discovered by name. A document whose kind has no schema in this installation is left out of the
manifest (the audit then says NO-DATA for its rules, honestly). Records are written as JSON Lines, chunk by
chunk, into a staging folder that replaces the target only when everything was written.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import pkgutil
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson
import yaml

from ..bundle import known_kinds
from ..errors import InputError, Problem
from ._common import Doc, GenContext


@dataclass(frozen=True)
class Written:
    kind: str
    path: str
    records: int
    bytes: int


def families() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def documents(ctx: GenContext) -> list[Doc]:
    """Every document of every family whose kind has a schema, in a stable order."""
    kinds = set(known_kinds())
    out: list[Doc] = []
    modules = [importlib.import_module(f"{__name__}.{name}") for name in families()]
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 10), m.__name__)):
        out.extend(d for d in module.documents(ctx) if d.kind in kinds)
    return out


def _write_doc(folder: Path, doc: Doc) -> tuple[Written, str]:
    h = hashlib.sha256()
    n = size = 0
    with open(folder / doc.path, "wb") as fh:
        for chunk in doc.chunks():
            data = b"".join(orjson.dumps(rec) + b"\n" for rec in chunk)
            h.update(data)
            fh.write(data)
            n += len(chunk)
            size += len(data)
    return Written(doc.kind, doc.path, n, size), h.hexdigest()


def generate_bundle(out: Path | str, tickets: int, seed: int, *, year: int = 2026, force: bool = False,
                    progress=None) -> list[Written]:
    """Write a bundle with ``tickets`` tickets and every other kind in proportion to ``out``.

    The same ``tickets`` and ``seed`` give byte-identical files. ``out`` must not exist or be empty, unless
    ``force`` (then it is replaced only after the new bundle is complete).
    """
    out = Path(out)
    if tickets < 1:
        raise InputError(Problem("--tickets", f"must be at least 1, not {tickets}"))
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), "exists and is not a folder"))
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(Problem(str(out), "is not empty; choose a new folder or pass --force to replace it"))
    ctx = GenContext(tickets=tickets, seed=seed, year=year)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        written, entries = [], []
        for doc in documents(ctx):
            w, digest = _write_doc(stage, doc)
            written.append(w)
            first, last = doc.covers or (ctx.first, ctx.last)
            entries.append({"kind": doc.kind, "path": doc.path, "format": doc.format, "sha256": digest,
                            "covers": {"from": first.isoformat(), "to": last.isoformat()}})
            if progress:
                progress(w)
        manifest = {
            "contract_id": ctx.contract.contract_id, "organisation": "Stichting ICT Beheer",
            "exported_at": ctx.iso([ctx.exported_at])[0],
            "description": f"Synthetic evidence for {year}: {tickets} tickets, seed {seed} (slacheck sample generate).",
            "documents": entries,
        }
        (stage / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True),
                                             encoding="utf-8")
        os.chmod(stage, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(stage, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return written
