"""Small SVG trend charts, written by hand: no plotting dependency, and the same data always gives the same bytes.

One chart per KPI that was below norm in any sub-period of a year or range audit; one panel per norm clause
(clauses may have different units). Per period: the value (a dot coloured by status, a line between
consecutive values, a gap where there is none) and the threshold in force (dashed, stepped when a register entry
changed it). Input is the serialised trend row (``engine.serialize``), so the chart shows what the JSON says.
"""
from __future__ import annotations

from typing import Any

_COLOUR = {"PASS": "#198754", "FAIL": "#dc3545", "NO-DATA": "#ffc107", "ERROR": "#ffc107", "NOT-APPLICABLE": "#adb5bd"}
_STEP, _LEFT, _RIGHT, _TOP, _PANEL, _GAP, _BOTTOM = 44, 56, 16, 28, 96, 34, 34


def escape(text: str) -> str:
    """XML character data: ``xml.sax.saxutils.escape`` without entities (``&``, then ``>`` and ``<``), written out
    here because importing saxutils imports urllib.request, http.client, email and ssl (12-35 ms per process)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _f(x: float) -> str:
    return f"{x:.1f}"


def _label(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _scale(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.1
    return lo - pad, hi + pad


def trend_svg(row: dict[str, Any], periods: list[str], title: str) -> str:
    """SVG for one trend row: ``row["clauses"]`` = [{id, unit, op, values[], thresholds[]}], ``row["cells"]``
    = [{period, status}] aligned with ``periods``."""
    n = len(periods)
    clauses = row["clauses"]
    width = _LEFT + _RIGHT + _STEP * max(n - 1, 1)
    height = _TOP + len(clauses) * (_PANEL + _GAP) + _BOTTOM - _GAP
    x = [(_LEFT + _STEP * i) for i in range(n)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">',
           f'<title>{escape(title)}</title>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{_LEFT}" y="16" font-size="12" font-weight="bold">{escape(title)}</text>']
    for k, clause in enumerate(clauses):
        top = _TOP + k * (_PANEL + _GAP)
        known = [v for v in clause["values"] + clause["thresholds"] if v is not None]
        lo, hi = _scale(known) if known else (0.0, 1.0)

        def y(v: float) -> float:
            return top + _PANEL - (v - lo) / (hi - lo) * _PANEL  # noqa: B023 - evaluated inside the loop

        out.append(f'<rect x="{_LEFT}" y="{top}" width="{width - _LEFT - _RIGHT}" height="{_PANEL}" '
                   f'fill="none" stroke="#dee2e6"/>')
        unit = clause["unit"]
        out.append(f'<text x="{_LEFT - 4}" y="{_f(top + 8)}" text-anchor="end">{escape(_label(hi))}</text>')
        out.append(f'<text x="{_LEFT - 4}" y="{_f(top + _PANEL)}" text-anchor="end">{escape(_label(lo))}</text>')
        out.append(f'<text x="{_LEFT - 4}" y="{_f(top + _PANEL / 2 + 4)}" text-anchor="end" fill="#6c757d">'
                   f'{escape(clause["id"])}</text>')
        out.append(f'<text x="{width - _RIGHT}" y="{_f(top - 4)}" text-anchor="end" fill="#6c757d">'
                   f'{escape(clause["op"])} {escape(unit)}</text>')
        steps = [(x[i], clause["thresholds"][i]) for i in range(n) if clause["thresholds"][i] is not None]
        if steps:
            pts = []
            for i, (xi, t) in enumerate(steps):
                if i:
                    pts.append(f"{_f(xi - _STEP / 2)},{_f(y(steps[i - 1][1]))} {_f(xi - _STEP / 2)},{_f(y(t))}")
                pts.append(f"{_f(xi - (_STEP / 2 if i else 0))},{_f(y(t))} {_f(xi)},{_f(y(t))}")
            out.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="#6c757d" stroke-dasharray="4 3"/>')
        segment: list[str] = []
        for i in range(n + 1):
            v = clause["values"][i] if i < n else None
            if v is not None:
                segment.append(f"{_f(x[i])},{_f(y(v))}")
            elif segment:
                if len(segment) > 1:
                    out.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="#0d6efd" stroke-width="1.5"/>')
                segment = []
        for i, v in enumerate(clause["values"]):
            status = row["cells"][i]["status"]
            if v is None:
                out.append(f'<text x="{_f(x[i])}" y="{_f(top + _PANEL / 2)}" text-anchor="middle" '
                           f'fill="{_COLOUR.get(status, "#adb5bd")}">–</text>')
            else:
                out.append(f'<circle cx="{_f(x[i])}" cy="{_f(y(v))}" r="3.5" fill="{_COLOUR.get(status, "#adb5bd")}">'
                           f'<title>{escape(periods[i])}: {escape(_label(v))} ({escape(status)})</title></circle>')
    base = height - _BOTTOM + 14
    for i, p in enumerate(periods):
        out.append(f'<text x="{_f(x[i])}" y="{base}" text-anchor="middle">{escape(p)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
