"""Monthly written reports to parish and town councils: which months, which items.

Pure logic, no Pelican signals: the loader calls ``load_report_notes`` to read and
check the editors' covering notes (``neighbourhoods/<slug>/reports/<yyyy-mm>.md``),
and the reports plugin builds a ``ReportIndex`` once per build and asks it for each
area's months and each month's report.

A month's report holds only that month's items:

* priority actions dated in the month (and priorities agreed in it);
* the area's own updates dated in the month (force-wide ones are not the team's report);
* crime figures for the month, where imported data exists (``record.crime``);
* events in the following month ("coming up");
* the covering note for the month, if an editor wrote one.

A month "has content" when it has any of these except events; months after the
build's month are not reported yet. Updates are indexed in one pass, bucketed by
(area, month), so the work grows with the number of updates, never areas x updates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import relative
from .models import Action, Event, Priority, Status
from .privacy import PrivacyRules, scan
from .problems import Problem
from .references import markdown_references
from .yamlfile import ContentFileError, read_text

REPORTS_DIR = "reports"
COUNCILS_DIR = "councils"
MAX_NOTE_BYTES = 100_000
_NOTE_NAME = re.compile(r"^(\d{4})-(\d{2})\.md$")
_PLACEHOLDER = re.compile(r"^(?:\{(?:static|attach|filename)\}|\|(?:static|attach|filename)\|)")

#: data.police.uk's category slugs and the names shown for them.
CRIME_CATEGORY_NAMES = {
    "all-crime": "All crime",
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
}
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


# -- URLs and output paths: the one place they are made ----------------------------------


def reports_url(slug: str) -> str:
    """An area's list of reports."""
    return f"neighbourhoods/{slug}/{REPORTS_DIR}/"


def report_url(slug: str, month: Month) -> str:
    return f"{reports_url(slug)}{month}/"


def report_pdf_url(slug: str, month: Month) -> str:
    """The PDF beside the report page, named so that a saved copy says what it is."""
    return f"{report_url(slug, month)}{slug}-{month}.pdf"


def reports_feed_paths(slug: str) -> tuple[str, str]:
    """(RSS, Atom) of an area's reports."""
    base = reports_url(slug)
    return f"{base}feed.rss", f"{base}feed.atom"


def councils_url() -> str:
    return f"{COUNCILS_DIR}/"


def council_slug(name: str) -> str:
    """Ludlow Town Council -> ludlow-town-council."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold().replace("&", " and ")).strip("-")


def council_url(slug: str) -> str:
    return f"{COUNCILS_DIR}/{slug}/"


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
    """Everything one area's report for one month shows."""

    record: Any  # AreaRecord
    month: Month
    is_current: bool  # the build's own month: the report so far
    note: CoveringNote | None
    priorities: list[PriorityInMonth]
    updates: list[Any]  # Pelican articles, newest first
    events: list[Event]  # in the following month, soonest first
    crime: CrimeInMonth | None

    @property
    def slug(self) -> str:
        return self.record.slug

    @property
    def url(self) -> str:
        return report_url(self.slug, self.month)

    @property
    def pdf_url(self) -> str:
        return report_pdf_url(self.slug, self.month)

    @property
    def next_month(self) -> Month:
        return self.month.next()

    @property
    def actions_count(self) -> int:
        return sum(len(p.actions) for p in self.priorities)

    def content_date(self) -> dt.date:
        """The newest date of anything the report shows (never the clock).

        Used for the PDF's creation date and the feed entry's date, so both change only
        when the month's content does.
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
            return f"The {self.record.name} team's covering note for {self.month.title}."
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"The {self.record.name} team's report for {self.month.title}: {listed}."


def crime_in_month(record: Any, month: Month) -> CrimeInMonth | None:
    """The imported crime figures for the month, or None when there are none.

    Reads ``record.crime`` (set by the crime importer's loader) by attribute only, so it
    works whatever the model's class.
    """
    figures = getattr(record, "crime", None)
    if figures is None:
        return None
    counts = (getattr(figures, "months", None) or {}).get(month.key) or {}
    if not counts:
        return None
    rows = [
        CrimeRow(slug, CRIME_CATEGORY_NAMES.get(slug, slug.replace("-", " ").capitalize()), n)
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


@dataclass
class Council:
    """A parish or town council named by one or more areas."""

    slug: str
    name: str
    url: str | None
    areas: list[Any] = field(default_factory=list)  # AreaRecords, by name

    @property
    def page_url(self) -> str:
        return council_url(self.slug)


class ReportIndex:
    """Which months each area reports on, and what each month's report holds.

    Built once per build: one pass over the updates, one over each area's own
    priorities, events and notes. ``report()`` then only looks things up.
    """

    def __init__(self, site: Any, articles: Iterable[Any], build_date: dt.date) -> None:
        self.site = site
        self.build_month = Month.of(build_date)
        self._updates: dict[tuple[str, Month], list[Any]] = defaultdict(list)
        for article in articles:
            info = getattr(article, "update_info", None)
            if info is None:
                continue
            month = Month.of(article.date)
            for slug in info.areas:
                self._updates[(slug, month)].append(article)
        for bucket in self._updates.values():
            bucket.sort(key=lambda a: (a.date, a.url), reverse=True)
        self._months: dict[str, list[Month]] = {}
        self._events: dict[tuple[str, Month], list[Event]] = defaultdict(list)
        self._actions: dict[tuple[str, Month], set[str]] = defaultdict(set)
        update_months: dict[str, set[Month]] = defaultdict(set)
        for slug, month in self._updates:
            update_months[slug].add(month)
        for record in site.areas.values():
            months = set(update_months.get(record.slug, ()))
            for priority in record.priorities:
                months.add(Month.of(priority.agreed))
                for action in priority.actions:
                    months.add(Month.of(action.date))
            for event in record.events:
                self._events[(record.slug, Month.of(event.start))].append(event)
            crime = getattr(record, "crime", None)
            for key in (getattr(crime, "months", None) or {}) if crime is not None else ():
                month = Month.parse(str(key))
                if month is not None:
                    months.add(month)
            for key in getattr(record, "report_notes", {}) or {}:
                months.add(Month.parse(key))  # type: ignore[arg-type]
            self._months[record.slug] = sorted(
                (m for m in months if m is not None and m <= self.build_month), reverse=True
            )
        for events in self._events.values():
            events.sort(key=lambda e: (e.start, e.id))

    def months(self, record: Any) -> list[Month]:
        """The months an area has a report for, newest first."""
        return self._months.get(record.slug, [])

    def latest(self, record: Any) -> Month | None:
        months = self.months(record)
        return months[0] if months else None

    def count(self) -> int:
        return sum(len(m) for m in self._months.values())

    def report(self, record: Any, month: Month) -> MonthReport:
        priorities = []
        for priority in _priorities_in_order(record.priorities):
            actions = sorted(
                (a for a in priority.actions if Month.of(a.date) == month), key=lambda a: a.date
            )
            agreed_now = Month.of(priority.agreed) == month
            if _active_in(priority, month) or actions or agreed_now:
                priorities.append(PriorityInMonth(priority, actions, agreed_now))
        return MonthReport(
            record=record,
            month=month,
            is_current=month == self.build_month,
            note=(getattr(record, "report_notes", {}) or {}).get(month.key),
            priorities=priorities,
            updates=list(self._updates.get((record.slug, month), [])),
            events=list(self._events.get((record.slug, month.next()), [])),
            crime=crime_in_month(record, month),
        )

    def councils(self) -> list[Council]:
        """Every council any area names, by name; areas that name the same one are merged."""
        found: dict[str, Council] = {}
        for record in self.site.areas_by_name():
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
