"""Helpers of the change-control tests: merge case data, write requests, look up condition results."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from engine.settings import Contract

CASES = Path(__file__).parent


def merge(base: dict, over: dict | None) -> dict:
    """``over`` merged into ``base``; a key set to None in ``over`` is removed."""
    out = dict(base)
    for k, v in (over or {}).items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("clauses", "price_claim", "justification"):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def with_settings(contract: Contract, over: dict | None) -> Contract:
    return replace(contract, data=merge(dict(contract.data), over)) if over else contract


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def pick(results, key: str):
    """Results for "condition" or "condition@subject"."""
    cond, _, subject = key.partition("@")
    found = [r for r in results if r.condition == cond and (not subject or r.subject == subject)]
    assert found, f"no result for {key!r}: {[(r.condition, r.subject) for r in results]}"
    return found
