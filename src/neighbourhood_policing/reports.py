"""Monthly written reports to parish and town councils: which months, which items.

Pure logic, no Pelican signals, working from the site model alone: the loader
(``loading/reports.py``) reads and checks the editors' covering notes
(``neighbourhoods/<slug>/reports/<yyyy-mm>.md``) with ``load_report_notes`` and gives
each area its ``report_months``; the reports plugin asks ``area_reports`` for each
area's reports and ``councils`` for the councils pages. URLs are in ``urls.py``.

A month's report holds only that month's items:

* priority actions dated in the month (and priorities agreed in it);
* the area's own updates dated in the month (force-wide ones are not the team's report);
* crime figures for the month, where imported data exists (``record.crime``);
* events in the following month ("coming up");
* the covering note for the month, if an editor wrote one.

A month "has content" when it has any of these except events; months after the
build's month are not reported yet. Each area's own updates and events are bucketed by
month in one pass, so the work grows with the content, never with areas x updates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .crimechart import category_name
from .files import relative
from .models import Action, Area, Event, Patrol, Priority, Status
from .privacy import PrivacyRules, scan
from .problems import Problem
from .references import markdown_references
from .yamlfile import ContentFileError, read_text

if TYPE_CHECKING:
    from .site import AreaRecord, Site, UpdateInfo

REPORTS_DIR = urls.REPORTS_DIR
MAX_NOTE_BYTES = 100_000
_NOTE_NAME = re.compile(r"^(\d{4})-(\d{2})\.md$")
_PLACEHOLDER = re.compile(r"^(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)")

ASB = "anti-social-behaviour"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ``str(month)`` is its key, ``2026-11``."""

    year: int
    month: int

    @classmethod
    def of(cls, value: dt.date | dt.datetime) -> Month:
        return cls(value.year, value.month)

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """``2026-11`` as a Month; None for anything else (``2026-13``, ``26-11``)."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def key(self) -> str:
        return str(self)

    @property
    def title(self) -> str:
        """November 2026."""
        return f"{self.first_day:%B} {self.year}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)


def council_slug(name: str) -> str:
    """Ludlow Town Council -> ludlow-town-council."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold().replace("&", " and ")).strip("-")


# -- Covering notes ------------------------------------------------------------------------


@dataclass(frozen=True)
class CoveringNote:
    """An editor's short note shown at the top of one month's report."""

    month: Month
    source: str  # relative to the content root
    text: str  # Markdown


def load_report_notes(
    root: Path,
    folder: Path,
    rules: PrivacyRules | None = None,
    build_date: dt.date | None = None,
) -> tuple[dict[str, CoveringNote], list[Problem]]:
    """Read ``<area folder>/reports/*.md``: the notes by month key, and every problem found.

    Anything else in ``reports/`` is reported (nothing an editor puts there is ignored
    silently); a note is checked for images and file links, which a report cannot
    carry, and for personal data like an update.
    """
    notes: dict[str, CoveringNote] = {}
    problems: list[Problem] = []
    reports = folder / REPORTS_DIR
    if not reports.is_dir():
        return notes, problems

    def problem(path: Path, line: int | None, message: str, severity: str = "error") -> None:
        problems.append(Problem(relative(root, path), line, None, message, severity))  # type: ignore[arg-type]

    for entry in sorted(reports.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            problem(
                entry,
                None,
                "is a folder, but reports/ holds only covering notes named by their month, "
                "e.g. reports/2026-11.md; move its files up or delete it",
            )
            continue
        match = _NOTE_NAME.match(entry.name)
        month = Month.parse(f"{match.group(1)}-{match.group(2)}") if match else None
        if month is None:
            hint = "" if entry.suffix == ".md" else " (a Markdown file ending in .md)"
            problem(
                entry,
                None,
                "is not used: a covering note is named by the month it covers, as YYYY-MM.md"
                f"{hint}, e.g. reports/2026-11.md for November 2026; rename it",
            )
            continue
        if not entry.is_file():
            continue
        if build_date is not None and month > Month.of(build_date):
            problem(
                entry,
                None,
                f"is the covering note for {month.title}, which has not started yet; it will "
                "be published with that month's report (check the file name if that is wrong)",
                "warning",
            )
        try:
            text = read_text(entry, max_bytes=MAX_NOTE_BYTES)
        except ContentFileError as exc:
            problem(entry, exc.line, exc.message)
            continue
        if not text.strip():
            problem(
                entry,
                1,
                f"is empty; write the covering note for {month.title} or delete the file",
            )
            continue
        for line, target, image in markdown_references(text):
            if image:
                problem(
                    entry,
                    line,
                    f"shows an image ({target[:60]}); covering notes are text only, so that "
                    "the report prints and reads well: remove the image or describe it",
                )
            elif _PLACEHOLDER.match(target.strip()):
                problem(
                    entry,
                    line,
                    f"links to '{target}'; a covering note can only link to web pages: "
                    "write the page's full address (https://…)",
                )
        if rules is not None:
            for finding in scan(text, rules):
                problem(entry, finding.line, finding.message, "warning")
        notes[month.key] = CoveringNote(month, relative(root, entry), text)
    return notes, problems


# -- What one month's report holds ---------------------------------------------------------
# Every value below is a dataclass of plain data, pydantic models and the site model's
# own objects, so the page cache can digest a report page's context.


@dataclass
class PriorityInMonth:
    priority: Priority
    actions: list[Action]  # taken in the month, oldest first
    agreed_this_month: bool


@dataclass
class CrimeRow:
    slug: str
    name: str
    count: int


@dataclass
class CrimeInMonth:
    rows: list[CrimeRow]  # most first, then by name
    total: int
    asb: int | None
    source: str
    illustrative: bool


@dataclass
class MonthReport:
    """Everything one area's report for one month shows, and nothing else.

    It holds the area's own parts (its ``area.yaml`` and patrols), not the whole
    ``AreaRecord``, so that a report page's cache key does not change with the area's
    updates of other months.
    """

    slug: str
    name: str
    area: Area
    patrols: list[Patrol]
    month: Month
    is_current: bool  # the build's own month: the report so far
    note: CoveringNote | None
    priorities: list[PriorityInMonth]
    updates: list[UpdateInfo]  # the area's own, newest first
    events: list[Event]  # in the following month, soonest first
    crime: CrimeInMonth | None

    @property
    def url(self) -> str:
        return urls.report_url(self.slug, self.month)

    @property
    def pdf_url(self) -> str:
        return urls.report_pdf_url(self.slug, self.month)

    @property
    def area_url(self) -> str:
        return urls.area_url(self.slug)

    @property
    def next_month(self) -> Month:
        return self.month.next()

    @property
    def actions_count(self) -> int:
        return sum(len(p.actions) for p in self.priorities)

    def content_date(self) -> dt.date:
        """The newest date of anything the report shows (never the clock).

        Used for the PDF's creation date, the feed entry's date and the sitemap, so all
        of them change only when the month's content does.
        """
        dates = [self.month.first_day]
        dates += [u.date.date() for u in self.updates]
        for item in self.priorities:
            dates += [a.date for a in item.actions]
            if item.agreed_this_month:
                dates.append(item.priority.agreed)
        return max(d for d in dates if d <= self.month.last_day)

    def summary(self) -> str:
        """One plain sentence saying what the report covers (for feeds and lists)."""
        parts = []
        if self.updates:
            n = len(self.updates)
            parts.append(f"{n} update{'s' if n != 1 else ''}")
        if self.actions_count:
            n = self.actions_count
            parts.append(f"{n} action{'s' if n != 1 else ''} on local priorities")
        if self.crime is not None:
            parts.append("crime and anti-social behaviour figures")
        if self.events:
            n = len(self.events)
            parts.append(f"{n} event{'s' if n != 1 else ''} in {self.next_month.title}")
        if not parts:
            return f"The {self.name} team's covering note for {self.month.title}."
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"The {self.name} team's report for {self.month.title}: {listed}."


def crime_in_month(record: AreaRecord, month: Month) -> CrimeInMonth | None:
    """The imported crime figures (the area's crime.yaml) for the month, or None."""
    figures = record.crime
    if figures is None:
        return None
    counts = (getattr(figures, "months", None) or {}).get(month.key) or {}
    if not counts:
        return None
    rows = [
        CrimeRow(slug, category_name(slug), n)
        for slug, n in counts.items()
        if slug != "all-crime"
    ]
    rows.sort(key=lambda r: (-r.count, r.name))
    return CrimeInMonth(
        rows=rows,
        total=sum(r.count for r in rows if r.slug != ASB),
        asb=counts.get(ASB),
        source=str(getattr(figures, "source", None) or "data.police.uk"),
        illustrative=bool(getattr(figures, "illustrative", False)),
    )


def report_months(record: AreaRecord, build_date: dt.date) -> list[Month]:
    """The months an area has a report for, newest first (none after the build's month).

    A month has a report when it has any of: the area's own updates, priority actions or
    agreements, crime figures or a covering note. Events alone do not make a report.
    """
    months: set[Month] = {Month.of(info.date) for info in record.own_updates}
    for priority in record.priorities:
        months.add(Month.of(priority.agreed))
        months.update(Month.of(action.date) for action in priority.actions)
    crime = record.crime
    for key in (getattr(crime, "months", None) or {}) if crime is not None else ():
        month = Month.parse(str(key))
        if month is not None:
            months.add(month)
    for key in getattr(record, "report_notes", None) or {}:
        month = Month.parse(key)
        if month is not None:
            months.add(month)
    latest = Month.of(build_date)
    return sorted((m for m in months if m <= latest), reverse=True)


def area_reports(record: AreaRecord, build_date: dt.date) -> list[MonthReport]:
    """Every report of one area, newest first.

    One pass over the area's own updates and one over its events, bucketed by month, so
    the work grows with the area's own content, never with areas x updates.
    """
    months = getattr(record, "report_months", None) or report_months(record, build_date)
    if not months:
        return []
    wanted = set(months)
    updates: dict[Month, list[UpdateInfo]] = defaultdict(list)
    for info in record.own_updates:  # newest first, in the site's one order
        month = Month.of(info.date)
        if month in wanted:
            updates[month].append(info)
    events: dict[Month, list[Event]] = defaultdict(list)
    for event in record.events:
        month = Month.of(event.start).previous()  # reported in the month before
        if month in wanted:
            events[month].append(event)
    for bucket in events.values():
        bucket.sort(key=lambda e: (e.start, e.id))
    build_month = Month.of(build_date)
    ordered = _priorities_in_order(record.priorities)
    notes = getattr(record, "report_notes", None) or {}
    reports = []
    for month in months:
        priorities = []
        for priority in ordered:
            actions = sorted(
                (a for a in priority.actions if Month.of(a.date) == month), key=lambda a: a.date
            )
            agreed_now = Month.of(priority.agreed) == month
            if _active_in(priority, month) or actions or agreed_now:
                priorities.append(PriorityInMonth(priority, actions, agreed_now))
        reports.append(
            MonthReport(
                slug=record.slug,
                name=record.name,
                area=record.area,
                patrols=list(record.patrols),
                month=month,
                is_current=month == build_month,
                note=notes.get(month.key),
                priorities=priorities,
                updates=updates.get(month, []),
                events=events.get(month, []),
                crime=crime_in_month(record, month),
            )
        )
    return reports


@dataclass
class Council:
    """A parish or town council named by one or more areas."""

    slug: str
    name: str
    url: str | None
    areas: list[AreaRecord] = field(default_factory=list)  # by name

    @property
    def page_url(self) -> str:
        return urls.council_url(self.slug)


def councils(site: Site) -> list[Council]:
    """Every council any area names, by name; areas that name the same one are merged."""
    found: dict[str, Council] = {}
    for record in site.areas_by_name():
        for council in record.area.councils:
            slug = council_slug(council.name)
            if not slug:
                continue
            entry = found.get(slug)
            if entry is None:
                url = str(council.url) if council.url else None
                entry = found[slug] = Council(slug, council.name, url)
            elif entry.url is None and council.url:
                entry.url = str(council.url)
            if record not in entry.areas:
                entry.areas.append(record)
    return sorted(found.values(), key=lambda c: (c.name.casefold(), c.slug))


_STATUS_ORDER = {Status.in_progress: 0, Status.open: 1, Status.closed: 2}


def _priorities_in_order(priorities: Iterable[Priority]) -> list[Priority]:
    return sorted(priorities, key=lambda p: (_STATUS_ORDER[p.status], p.agreed, p.id))


def _active_in(priority: Priority, month: Month) -> bool:
    """Whether a priority was being worked on during the month.

    Agreed by the month's end, and, once closed, not before the month began: a closed
    priority counts as closed after its last action (the content has no closing date).
    """
    if priority.agreed > month.last_day:
        return False
    if priority.status is not Status.closed:
        return True
    last = max([priority.agreed, *(a.date for a in priority.actions)])
    return last >= month.first_day
