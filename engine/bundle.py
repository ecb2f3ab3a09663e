"""Evidence bundles: a folder with a manifest and documents, validated record by record into column tables.

Every problem in a bundle is collected (capped per file) and raised together as ``EvidenceError``; a bundle is
either wholly valid or not used at all.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fastjsonschema
import jsonschema

from . import resources
from .errors import EvidenceError, Problem, ProblemCollector, json_path
from .consistency import check_consistency
from .readers import CsvOptions, read_records, schema_message
from .tables import RowError, Table, attach_pauses, build_table, column_kinds, convert_row, derivers
from .timeparse import TimeParseError, parse_date, parse_ts
from .yamlio import load_yaml

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")


@dataclass(frozen=True)
class DocumentInfo:
    kind: str
    path: str  # relative to the bundle
    format: str
    sha256: str
    records: int
    covers: tuple[date, date]


@dataclass
class Bundle:
    root: Path
    contract_id: str
    organisation: str
    exported_at: int
    default_timezone: str | None
    documents: list[DocumentInfo]
    tables: dict[str, Table] = field(default_factory=dict)

    def table(self, kind: str) -> Table | None:
        return self.tables.get(kind)


@lru_cache(maxsize=None)
def document_schema(kind: str) -> dict | None:
    path = resources.schema_path(f"documents/{kind}.schema.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@lru_cache(maxsize=None)
def _validators(kind: str) -> tuple[Any, jsonschema.Draft202012Validator]:
    schema = document_schema(kind)
    return fastjsonschema.compile(schema), jsonschema.Draft202012Validator(schema)


def known_kinds() -> list[str]:
    folder = resources.schema_path("documents")
    return sorted(p.name.removesuffix(".schema.json") for p in folder.glob("*.schema.json"))


def _manifest(root: Path) -> tuple[dict, str]:
    for name in MANIFEST_NAMES:
        if (root / name).is_file():
            return load_yaml(root / name, f"{root.name}/{name}"), f"{root.name}/{name}"
    raise EvidenceError(Problem(str(root), f"no manifest ({' or '.join(MANIFEST_NAMES)}) in the bundle folder"))


def load_manifest(root: Path) -> tuple[dict, str, ZoneInfo | None]:
    root = Path(root)
    if not root.is_dir():
        raise EvidenceError(Problem(str(root), "is not a folder (an evidence bundle is a folder with a manifest)"))
    doc, source = _manifest(root)
    schema = json.loads(resources.schema_path("manifest.schema.json").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if errors:
        raise EvidenceError([Problem(source, schema_message(e), field=json_path(e.absolute_path)) for e in errors])
    problems: list[Problem] = []
    tz = None
    if doc.get("default_timezone"):
        try:
            tz = ZoneInfo(doc["default_timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(source, f"unknown time zone {doc['default_timezone']!r}", field="$.default_timezone"))
    try:
        parse_ts(doc["exported_at"], tz)
    except TimeParseError as exc:
        problems.append(Problem(source, str(exc), field="$.exported_at"))
    kinds = known_kinds()
    resolved_root = root.resolve()
    for i, d in enumerate(doc["documents"]):
        where = f"$.documents[{i}]"
        if d["kind"] not in kinds:
            near = difflib.get_close_matches(d["kind"], kinds, n=1)
            known = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(kinds)}"
            problems.append(Problem(source, f"unknown document kind {d['kind']!r} ({known})", field=where + ".kind"))
        try:
            target = (root / d["path"]).resolve()
            inside, is_dir, is_file = target.is_relative_to(resolved_root), target.is_dir(), target.is_file()
        except (OSError, ValueError, RuntimeError) as exc:  # NUL byte, name too long, symlink loop
            problems.append(Problem(source, f"path {d['path']!r} cannot be used: {exc}", field=where + ".path"))
            continue
        if not inside:
            problems.append(Problem(source, f"path {d['path']!r} leaves the bundle folder; refused", field=where + ".path"))
        elif is_dir:
            problems.append(Problem(source, f"document {d['path']!r} is a folder, expected a file", field=where + ".path"))
        elif not is_file:
            problems.append(Problem(source, f"document {d['path']!r} does not exist", field=where + ".path"))
        try:
            if parse_date(d["covers"]["from"]) > parse_date(d["covers"]["to"]):
                problems.append(Problem(source, "covers.from is after covers.to", field=where + ".covers"))
        except TimeParseError as exc:
            problems.append(Problem(source, str(exc), field=where + ".covers"))
    if problems:
        raise EvidenceError(problems)
    return doc, source, tz


def _load_document(root: Path, entry: dict, tz: ZoneInfo | None, problems: ProblemCollector
                   ) -> tuple[list[dict], list[dict], list[str], DocumentInfo]:
    kind, rel, fmt = entry["kind"], entry["path"], entry["format"]
    source = f"{root.name}/{rel}"
    covers = (parse_date(entry["covers"]["from"]), parse_date(entry["covers"]["to"]))
    try:
        raw = (root / rel).read_bytes()
    except OSError as exc:
        problems.add(Problem(source, f"cannot be read: {exc.strerror or exc}"))
        return [], [], [], DocumentInfo(kind, rel, fmt, "", 0, covers)
    digest = hashlib.sha256(raw).hexdigest()
    if entry.get("sha256") and entry["sha256"] != digest:
        problems.add(Problem(source, f"SHA-256 mismatch: the manifest says {entry['sha256']}, the file is {digest}"))
    schema = document_schema(kind)
    fast, slow = _validators(kind)
    kinds = column_kinds(schema)
    derive = derivers().get(kind)
    id_field = schema.get("x-record-id", "id")
    csv_opts = CsvOptions(**(entry.get("csv") or {}))
    rows, derived, locations = [], [], []
    count = 0
    for loc, rec in read_records(raw, fmt, source, problems, schema, csv_opts):
        count += 1
        try:
            fast(rec)
        except fastjsonschema.JsonSchemaException:
            errors = sorted(slow.iter_errors(rec), key=lambda e: list(map(str, e.absolute_path)))
            label = loc if not isinstance(rec, dict) or not isinstance(rec.get(id_field), str) else f"{loc} ({rec[id_field]})"
            for e in errors or [None]:
                problems.add(Problem(source, schema_message(e) if e else "does not match the schema", record=label,
                                     field=json_path(e.absolute_path) if e else None))
            continue
        try:
            row = convert_row(rec, kinds, tz)
            extra = derive(rec, tz) if derive else None
        except RowError as exc:
            problems.add(Problem(source, exc.message, record=f"{loc} ({rec.get(id_field)})", field=f"$.{exc.field}"))
            continue
        rows.append(row)
        if extra is not None:
            derived.append(extra)
        locations.append(f"{source}: {loc}")
    info = DocumentInfo(kind, rel, fmt, digest, count, covers)
    return rows, derived, locations, info


def load_bundle(root: Path | str) -> Bundle:
    """Load and validate a bundle; raise ``EvidenceError`` with every problem found."""
    root = Path(root)
    manifest, source, tz = load_manifest(root)
    problems = ProblemCollector()
    per_kind: dict[str, tuple[list, list, list, list]] = {}
    documents = []
    for entry in manifest["documents"]:
        rows, derived, locs, info = _load_document(root, entry, tz, problems)
        documents.append(info)
        acc = per_kind.setdefault(entry["kind"], ([], [], [], []))
        acc[0].extend(rows)
        acc[1].extend(derived)
        acc[2].extend(locs)
        acc[3].append(info.covers)
    tables: dict[str, Table] = {}
    for kind, (rows, derived, locs, covers) in sorted(per_kind.items()):
        schema = document_schema(kind)
        id_field = schema.get("x-record-id", "id")
        table = build_table(kind, rows, column_kinds(schema), id_field, derived or None)
        table.coverage = tuple(sorted(covers))
        table.sources = dict(zip((str(i) for i in table.ids), locs))
        if derived:
            attach_pauses(table, derived)
        tables[kind] = table
    check_consistency(tables, {k: v[2] for k, v in per_kind.items()}, document_schema, problems, tz)
    problems.raise_if_any(EvidenceError)
    return Bundle(root=root, contract_id=manifest["contract_id"], organisation=manifest["organisation"],
                  exported_at=parse_ts(manifest["exported_at"], tz), default_timezone=manifest.get("default_timezone"),
                  documents=documents, tables=tables)
