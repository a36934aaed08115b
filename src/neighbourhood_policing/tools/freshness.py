"""The freshness report: per area, the last update, overdue reviews, past events still
listed and empty sections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..engagement import closing_soon
from ..rules import past_events, review_overdue, upcoming_events
from ..site import Site


@dataclass
class AreaFreshness:
    """What in one area needs looking at."""

    slug: str
    name: str
    last_update: dt.date | None
    overdue_reviews: list[tuple[str, dt.date]] = field(default_factory=list)
    past_events: list[tuple[str, dt.date]] = field(default_factory=list)
    empty_sections: list[str] = field(default_factory=list)
    #: The area's own surveys closing within two weeks: (title, closing date).
    surveys_closing: list[tuple[str, dt.date]] = field(default_factory=list)

    def days_since_update(self, today: dt.date) -> int | None:
        return (today - self.last_update).days if self.last_update else None


def freshness(site: Site) -> list[AreaFreshness]:
    """Per area (A to Z): last update, overdue reviews, past events, empty sections."""
    today = site.build_date
    rows = []
    for slug, record in site.areas.items():
        newest = record.own_updates[0].meta.date.date() if record.own_updates else None
        row = AreaFreshness(slug=slug, name=record.name, last_update=newest)
        row.overdue_reviews = [
            (p.id, p.review)
            for p in record.priorities
            if review_overdue(p, today)
        ]
        row.past_events = [(e.id, e.end.date()) for e in past_events(record.events, today)]
        sections = {
            "team": bool(record.area.team),
            "priorities": bool(record.priorities),
            "patrols": bool(record.patrols),
            "upcoming events": bool(upcoming_events(record.events, today)),
            "updates": bool(record.own_updates),
        }
        row.empty_sections = [name for name, present in sections.items() if not present]
        row.surveys_closing = [
            (s.title, s.closes) for s in closing_soon(record.area.surveys, today)
        ]
        rows.append(row)
    return rows


REPORT_COLUMNS = ("Area", "Last update", "Reviews overdue", "Past events still listed", "Empty")


def _cells(row: AreaFreshness, today: dt.date) -> list[str]:
    days = row.days_since_update(today)
    ago = {0: "today", 1: "yesterday"}.get(days or 0, f"{days} days ago")
    last = f"{row.last_update.isoformat()} ({ago})" if row.last_update else "never"
    return [
        f"{row.name} ({row.slug})",
        last,
        ", ".join(f"{pid} (due {day.isoformat()})" for pid, day in row.overdue_reviews) or "-",
        ", ".join(f"{eid} ({day.isoformat()})" for eid, day in row.past_events) or "-",
        ", ".join(row.empty_sections) or "-",
    ]


def _summary(site: Site, rows: list[AreaFreshness]) -> list[str]:
    overdue = sum(len(r.overdue_reviews) for r in rows)
    past = sum(len(r.past_events) for r in rows)
    lines = [
        f"{len(rows)} areas on {site.build_date:%-d %B %Y}: {overdue} priority review(s) "
        f"overdue, {past} past event(s) still listed."
    ]
    closing = [
        f"{t} ({r.name}, closes {d.isoformat()})" for r in rows for t, d in r.surveys_closing
    ]
    closing += [
        f"{s.title} (all areas, closes {s.closes.isoformat()})"
        for s in closing_soon(site.surveys, site.build_date)
    ]
    if closing:
        lines.append(f"Surveys closing within two weeks: {'; '.join(closing)}.")
    if site.errors:
        lines.append(
            f"The content also has {len(site.errors)} error(s); areas with errors in their "
            "files are missing from this report (run: invoke validate)."
        )
    return lines


def report_table(site: Site, rows: list[AreaFreshness] | None = None) -> str:
    """The freshness report as an aligned plain-text table for the terminal."""
    rows = freshness(site) if rows is None else rows
    table = [list(REPORT_COLUMNS)] + [_cells(row, site.build_date) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(REPORT_COLUMNS))]
    out = [f"Content freshness report, {site.build_date:%-d %B %Y}", ""]
    for number, line in enumerate(table):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join([*out, "", *_summary(site, rows)]) + "\n"


def _md(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("|", "\\|")


def report_markdown(site: Site, rows: list[AreaFreshness] | None = None) -> str:
    """The freshness report as Markdown, ready to paste into a weekly issue."""
    rows = freshness(site) if rows is None else rows
    out = [f"## Content freshness report, {site.build_date:%-d %B %Y}", ""]
    out += _summary(site, rows)
    out += ["", "| " + " | ".join(REPORT_COLUMNS) + " |"]
    out.append("|" + "|".join(" --- " for _ in REPORT_COLUMNS) + "|")
    for row in rows:
        out.append("| " + " | ".join(_md(c) for c in _cells(row, site.build_date)) + " |")
    return "\n".join(out) + "\n"
