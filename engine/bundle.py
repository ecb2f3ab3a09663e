"""Evidence bundles: a folder with a manifest and documents, validated record by record into column tables.

Every problem in a bundle is collected (capped per file) and raised together as ``EvidenceError``; a bundle is
either wholly valid or not used at all.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fastjsonschema
import jsonschema

from . import arrowload, fastload, resources
from .consistency import check_consistency
from .errors import EvidenceError, Problem, ProblemCollector, json_path, schema_problems
from .kinds import derivers
from .perf import paused_gc, stopwatch
from .readers import CsvOptions, read_records, schema_message
from .tables import (RowError, RowLocations, SourceIndex, Table, attach_pauses, build_table, column_kinds,
                     concat_tables, convert_row)
from .timeparse import TimeParseError, parse_date, parse_ts
from .written import WrittenDocument
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


class _FirstSlowThenCompiled:
    """A kind's per-record check: jsonschema's validator for the first records, the schema compiled by
    fastjsonschema (about 40 ms per kind, then ~15x faster per record) once enough records have come to pay for
    it. A small register never pays the compilation. Raises ``fastjsonschema.JsonSchemaException`` either way."""

    COMPILE_AFTER = 50  # records; a record with nested lists can take jsonschema milliseconds

    def __init__(self, schema: dict, slow: jsonschema.Draft202012Validator):
        self._schema, self._slow, self._fast, self._seen = schema, slow, None, 0

    def compile(self) -> None:
        """Compile now (a large document is coming)."""
        if self._fast is None:
            # fastjsonschema rewrites "$ref"s in the dict it is given: compile a copy, keep the schema pristine
            self._fast = fastjsonschema.compile(copy.deepcopy(self._schema))

    def __call__(self, record: Any) -> None:
        if self._fast is not None:
            self._fast(record)
            return
        self._seen += 1
        if self._seen > self.COMPILE_AFTER:
            self.compile()
            self._fast(record)
        elif not self._slow.is_valid(record):
            raise fastjsonschema.JsonSchemaException("does not match the schema")


@lru_cache(maxsize=None)
def _validators(kind: str) -> tuple[Any, jsonschema.Draft202012Validator]:
    schema = document_schema(kind)
    slow = jsonschema.Draft202012Validator(schema)
    return _FirstSlowThenCompiled(schema, slow), slow


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
        raise EvidenceError([Problem(source, said, field=json_path(path)) for e in errors
                             for path, said in schema_problems(e, schema_message)])
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


def _record_problems(rec: Any, label: str, source: str, kind: str, tz: ZoneInfo | None) -> list[Problem]:
    """Why one record is refused: its schema errors with their paths, else the first value that cannot be
    converted. Both loading paths report through here, so their messages are the same."""
    schema = document_schema(kind)
    _, slow = _validators(kind)
    id_field = schema.get("x-record-id", "id")
    errors = sorted(slow.iter_errors(rec), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        rid = rec.get(id_field) if isinstance(rec, dict) else None
        where = f"{label} ({rid})" if isinstance(rid, str) and rid else label  # an empty id names nothing
        return [Problem(source, said, record=where, field=json_path(path)) for e in errors
                for path, said in schema_problems(e, schema_message)]
    derive = derivers().get(kind)
    try:
        convert_row(rec, column_kinds(schema), tz)
        if derive:
            derive(rec, tz)
    except RowError as exc:
        return [Problem(source, exc.message, record=f"{label} ({rec.get(id_field)})", field=f"$.{exc.field}")]
    return []


def _load_slow(raw: bytes, fmt: str, source: str, kind: str, tz: ZoneInfo | None, problems: ProblemCollector,
               csv_opts: CsvOptions) -> tuple[Table, RowLocations, int]:
    """Record by record: for kinds whose schema is outside the bulk plan, or whose derived columns need it."""
    schema = document_schema(kind)
    fast, _ = _validators(kind)
    if len(raw) > 1 << 16:
        fast.compile()
    kinds = column_kinds(schema)
    derive = derivers().get(kind)
    rows, derived, labels = [], [], []
    count = 0
    for loc, rec in read_records(raw, fmt, source, problems, schema, csv_opts):
        count += 1
        try:
            fast(rec)
            row = convert_row(rec, kinds, tz)
            extra = derive(rec, tz) if derive else None
        except (fastjsonschema.JsonSchemaException, RowError):
            for p in _record_problems(rec, loc, source, kind, tz) or [Problem(source, "does not match the schema",
                                                                               record=loc)]:
                problems.add(p)
            continue
        rows.append(row)
        if extra is not None:
            derived.append(extra)
        labels.append(loc)
    table = build_table(kind, rows, kinds, schema.get("x-record-id", "id"), derived or None)
    if derived:
        attach_pauses(table, derived)
    return table, RowLocations.labels(source, labels), count


def _columnar(entry: dict) -> arrowload.ColumnarPlan | None:
    """The document's columnar plan when it takes the columnar path (JSON Lines of a kind with one)."""
    if entry["format"] != "jsonl":
        return None
    schema_json = json.dumps(document_schema(entry["kind"]), sort_keys=True)
    return arrowload.columnar_plan(entry["kind"], schema_json) if fastload.plan_for(entry["kind"], schema_json) else None


@dataclass(frozen=True)
class _Digest:
    """A SHA-256 already computed (by the prefetching reader), in the shape of a hasher."""

    value: str

    def hexdigest(self) -> str:
        return self.value


def _size(path: Path) -> int | None:
    """The file's bytes, or None when it cannot be told (reading it will then say why)."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def _load_document(root: Path, entry: dict, tz: ZoneInfo | None, problems: ProblemCollector,
                   prefetched: tuple[arrowload.Prefetch, int] | None = None
                   ) -> tuple[Table | None, RowLocations | None, DocumentInfo]:
    """Load one document; a columnar one comes from ``prefetched`` (the bundle's reader and its job number). Its
    SHA-256 is compared by the caller, after telling whether any of its records was refused."""
    kind, rel, fmt = entry["kind"], entry["path"], entry["format"]
    source = f"{root.name}/{rel}"
    covers = (parse_date(entry["covers"]["from"]), parse_date(entry["covers"]["to"]))
    schema = document_schema(kind)
    csv_opts = CsvOptions(**(entry.get("csv") or {}))
    schema_json = json.dumps(schema, sort_keys=True)
    plan = fastload.plan_for(kind, schema_json)
    columnar = _columnar(entry)
    hasher = hashlib.sha256()
    try:
        if columnar is not None:  # by blocks, parsed on every core; a large export is never in memory whole
            reader, job = prefetched if prefetched else (None, 0)
            if reader is None:
                with (root / rel).open("rb") as fh:
                    table, where, count = arrowload.load(
                        arrowload.read_ahead(fh, hasher, columnar), source, kind, schema, plan, columnar, tz, problems,
                        lambda rec, label: _record_problems(rec, label, source, kind, tz), _size(root / rel))
            else:
                table, where, count = arrowload.load(
                    reader.document(job), source, kind, schema, plan, columnar, tz, problems,
                    lambda rec, label: _record_problems(rec, label, source, kind, tz), _size(root / rel))
                hasher = _Digest(reader.digests[job])
        elif plan is not None and fmt == "jsonl":  # streamed: a large export is never in memory whole
            with (root / rel).open("rb") as fh:
                table, where, count = fastload.load(
                    fastload.stream_lines(fh, hasher), fmt, source, kind, schema, plan, tz, problems, csv_opts,
                    lambda rec, label: _record_problems(rec, label, source, kind, tz))
        else:
            raw = (root / rel).read_bytes()
            hasher.update(raw)
            if plan is not None:
                table, where, count = fastload.load(
                    raw, fmt, source, kind, schema, plan, tz, problems, csv_opts,
                    lambda rec, label: _record_problems(rec, label, source, kind, tz))
            else:
                table, where, count = _load_slow(raw, fmt, source, kind, tz, problems, csv_opts)
    except OSError as exc:
        problems.add(Problem(source, f"cannot be read: {exc.strerror or exc}"))
        return None, None, DocumentInfo(kind, rel, fmt, "", 0, covers)
    return table, where, DocumentInfo(kind, rel, fmt, hasher.hexdigest(), count, covers)


def load_bundle(root: Path | str, parsers: int | None = None, timings: dict[str, float] | None = None) -> Bundle:
    """Load and validate a bundle; raise ``EvidenceError`` with every problem found. ``parsers``: the threads that
    parse its JSON Lines (default: one per usable core; a batch gives each of its audits a share). ``timings``,
    when given, receives the seconds spent reading, parsing and checking the records (one pass: each block is
    checked as it is converted) and on the checks across records and documents, for benchmarks."""
    with paused_gc():
        return _load_bundle(Path(root), parsers, stopwatch(timings))


def _load_bundle(root: Path, parsers: int | None, mark: Callable[[str], None]) -> Bundle:
    manifest, source, tz = load_manifest(root)
    problems = ProblemCollector()
    per_kind: dict[str, list[tuple[Table, RowLocations, tuple[date, date]]]] = {}
    documents = []
    columnar = [(i, _columnar(e)) for i, e in enumerate(manifest["documents"])]
    jobs = {i: n for n, (i, plan) in enumerate((i, p) for i, p in columnar if p is not None)}
    with arrowload.Prefetch([(root / manifest["documents"][i]["path"], p) for i, p in columnar if p is not None],
                            parsers=parsers) as reader:
        refused: set[str] = set()  # kinds with a record refused or a document unreadable: see check_consistency
        sources: dict[str, list[str]] = {}  # each kind's document files
        for i, entry in enumerate(manifest["documents"]):
            table, where, info = _load_document(root, entry, tz, problems, (reader, jobs[i]) if i in jobs else None)
            file = f"{root.name}/{info.path}"
            sources.setdefault(info.kind, []).append(file)
            if problems.has(file):
                refused.add(info.kind)
            if entry.get("sha256") and entry["sha256"] != info.sha256 and info.sha256:
                problems.add(Problem(file, f"SHA-256 mismatch: the manifest says {entry['sha256']}, "
                                             f"the file is {info.sha256}"))
            documents.append(info)
            per_kind.setdefault(entry["kind"], []).append((table, where, info.covers))
    tables: dict[str, Table] = {}
    locations: dict[str, RowLocations] = {}
    for kind, parts in sorted(per_kind.items()):
        loaded = [(t, w) for t, w, _ in parts if t is not None]
        if not loaded:
            continue
        table = concat_tables(kind, [t for t, _ in loaded])
        locations[kind] = RowLocations.join([w for _, w in loaded])
        table.coverage = tuple(sorted(c for _, _, c in parts))
        table.sources = SourceIndex(table.ids, locations[kind])
        tables[kind] = table
    arrowload.release_memory()
    mark("records")
    written = {f"{root.name}/{e['path']}": WrittenDocument(root / e["path"], e["format"], document_schema(e["kind"]),
                                                            CsvOptions(**(e.get("csv") or {})))
               for e in manifest["documents"]}  # read again only for a value a message quotes
    check_consistency(tables, locations, document_schema, problems, tz, refused=refused, sources=sources,
                      written=written)
    mark("cross-record")
    problems.raise_if_any(EvidenceError)
    return Bundle(root=root, contract_id=manifest["contract_id"], organisation=manifest["organisation"],
                  exported_at=parse_ts(manifest["exported_at"], tz), default_timezone=manifest.get("default_timezone"),
                  documents=documents, tables=tables)
