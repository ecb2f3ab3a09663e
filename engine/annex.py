"""The annex's own tables, read from the shipped copy of Bijlage 12a, for traceability.

Every KPI row (sections 4–6) and every service-window row (section 3) is an *annex row*; each must be covered
by exactly one rule file whose quoted name, definition and norm appear verbatim in that row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import resources

_CELL_MARKUP = re.compile(r"^\*+|\*+$")


@dataclass(frozen=True)
class AnnexRow:
    section: str  # e.g. "O1" or "3"
    name: str
    definition: str
    norm: str
    cells: tuple[str, ...]


def annex_path() -> Path:
    return resources.rules_dir() / "annex" / "bijlage-12a.md"


def _clean(cell: str) -> str:
    return _CELL_MARKUP.sub("", cell.strip()).strip()


def annex_rows(text: str | None = None) -> list[AnnexRow]:
    """KPI rows (8 columns, under a goal heading) and service-window rows (4 columns, section 3)."""
    text = text if text is not None else annex_path().read_text(encoding="utf-8")
    rows: list[AnnexRow] = []
    section = ""
    for line in text.splitlines():
        heading = re.match(r"^#{2,4} +(?:(S\d|T\d|O\d) +- |(3)\. )", line)
        if heading:
            section = heading.group(1) or heading.group(2)
            continue
        if not line.startswith("| **") or not section:
            continue
        cells = tuple(_clean(c) for c in line.strip().strip("|").split("|"))
        if section == "3" and len(cells) == 4:
            rows.append(AnnexRow(section, cells[0], cells[1], cells[2], cells))
        elif section != "3" and len(cells) == 8 and cells[0] != "KPI":
            rows.append(AnnexRow(section, cells[0], cells[1], cells[2], cells))
    return rows
