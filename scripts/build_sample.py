"""Rebuild the embedded sample bundle (evidence/sample/bundle) deterministically.

The sample is curated: a realistic 2026 for one organisation in which some KPIs pass and some fail. Each module
in ``scripts/sample_parts/`` contributes documents; run ``python scripts/build_sample.py`` after changing one and
commit the result (tests pin figures from it).
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "evidence" / "sample" / "bundle"
COVERS = {"from": "2026-01-01", "to": "2026-09-30"}


def main() -> None:
    sys.path.insert(0, str(HERE))
    import sample_parts

    OUT.mkdir(parents=True, exist_ok=True)
    docs = []
    for info in sorted(pkgutil.iter_modules(sample_parts.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"sample_parts.{info.name}")
        docs.extend(module.documents())
    entries = []
    for doc in docs:
        path = OUT / doc["path"]
        if doc["format"] == "jsonl":
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in doc["records"])
        elif doc["format"] == "json":
            text = json.dumps(doc["records"], ensure_ascii=False, indent=2) + "\n"
        elif doc["format"] == "csv":
            text = doc["records"]  # a CSV part returns its text as written by Excel
        else:
            text = yaml.safe_dump(doc["records"], sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8", newline="")
        entry = {"kind": doc["kind"], "path": doc["path"], "format": doc["format"], "covers": doc.get("covers", COVERS)}
        entry.update({k: doc[k] for k in ("csv",) if k in doc})
        entries.append(entry)
    manifest = {
        "contract_id": "SIB-ICT-BEHEER-2026", "organisation": "Stichting ICT Beheer",
        "exported_at": "2026-10-05T07:00:00+02:00",
        "description": "Curated sample evidence for January-September 2026 (export of 5 October 2026).",
        "documents": entries,
    }
    (OUT / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")


if __name__ == "__main__":
    main()
