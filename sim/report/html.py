"""HTML building blocks of the report page: escaped text, tables, embedded figures, the page.

Everything the page shows passes through :func:`html.escape`; figures are embedded
as base64 PNG (``data:`` URIs), and the style sheet is inline, so the page needs no
network, no script and no file beside it.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The page's whole style sheet (no web fonts, no external resources).
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 70em; padding: 0 1.5em; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid
#ccc; padding-bottom: 0.2em; } h3 { margin-top: 1.2em; }
.lead { font-size: 1.1em; } .answer { background: #f3f7fb; border-left: 4px solid #2b6cb0;
        padding: 0.6em 1em; } .warning { background: #fff4e5; border-left: 4px solid #dd6b20;
        padding: 0.6em 1em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.88em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.55em; text-align: left;
         vertical-align: top; } th { background: #f0f0f0; } td.num { text-align: right;
         font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; } code { font-size: 0.92em; }
.small { font-size: 0.85em; color: #555; } nav a { margin-right: 1em; }
"""


def esc(text: object) -> str:
    """Text as HTML (quotes included)."""
    return html.escape(str(text), quote=True)


def paragraph(text: str, css_class: str | None = None) -> str:
    """One escaped paragraph."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{esc(text)}</p>"


def bullets(items: Iterable[str]) -> str:
    """An escaped bullet list."""
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


def number(value: Any, digits: int = 2) -> str:
    """A number for a table cell: empty for missing, thousands separated for large values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:g}"
    return f"{value:.{digits}f}" if abs(value) >= 0.01 else f"{value:.3g}"


def interval(mean: Any, low: Any, high: Any, digits: int = 2) -> str:
    """``mean [low, high]``, or ``-`` when the mean is missing."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "-"
    return f"{number(mean, digits)} [{number(low, digits)}, {number(high, digits)}]"


def with_ci(row: Any, name: str, digits: int = 2) -> str:
    """``mean [low, high]`` of field ``name`` in a summary row (a mapping or Series)."""
    return interval(row.get(f"{name}_mean"), row.get(f"{name}_ci95_low"),
                    row.get(f"{name}_ci95_high"), digits)


@dataclass(frozen=True)
class Column:
    """A table column: its header and how to show a row's cell (numbers right-aligned)."""

    header: str
    cell: Callable[[Any], str]
    numeric: bool = True
    raw: bool = False  # the cell is HTML already (escaped by whoever built it)


def table(rows: Iterable[Any], columns: Sequence[Column]) -> str:
    """An HTML table of ``rows`` (each passed to every column's ``cell``)."""
    head = "".join(f"<th>{esc(c.header)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{_content(c, row)}</td>' if c.numeric else
                        f"<td>{_content(c, row)}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _content(column: Column, row: Any) -> str:
    """A cell's HTML: escaped text, or the column's own HTML."""
    value = column.cell(row)
    return value if column.raw else esc(value)


def details(summary: str, text: str) -> str:
    """Text folded under a summary line (HTML ``details``: no script needed)."""
    return f"<details><summary>{esc(summary)}</summary><code>{esc(text)}</code></details>"


def pairs_table(pairs: Iterable[tuple[str, object]]) -> str:
    """A two-column table of (name, value) pairs."""
    return table(list(pairs), [Column("", lambda p: str(p[0]), numeric=False),
                               Column("", lambda p: str(p[1]), numeric=False)])


def figure(path: Path, caption: str) -> str:
    """A PNG embedded as a ``data:`` URI, with its caption as figure caption and alt text."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


@dataclass(frozen=True)
class Section:
    """A section of the page: its anchor, its heading and its (already escaped) HTML body."""

    anchor: str
    heading: str
    body: str


def page(title: str, sections: Sequence[Section]) -> str:
    """The whole self-contained page: title, a table of contents and the sections."""
    nav = "".join(f'<a href="#{esc(s.anchor)}">{esc(s.heading)}</a>' for s in sections)
    parts = "".join(f'<section id="{esc(s.anchor)}"><h2>{esc(s.heading)}</h2>{s.body}</section>'
                    for s in sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
            f"<body><h1>{esc(title)}</h1><nav>{nav}</nav>{parts}</body></html>\n")
