"""Crime figures for the area page: category names and the geometry of the small chart.

The page shows the last ``MONTHS`` months up to the month the data runs to as one row
per category (12 small bars, one a month) in an inline SVG, with the same figures in
a table for screen readers. Everything is computed here so the template only places
what it is given; output depends only on crime.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

#: data.police.uk's category slugs (``/crime-categories``) and the names shown.
CRIME_CATEGORIES: dict[str, str] = {
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
MONTHS = 12
SOURCE_URL = "https://data.police.uk/"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# Chart geometry (SVG user units): each row is the category's name, then its bars
# below it, so the chart is 320 wide and fits a phone without shrinking its text.
LABEL_WIDTH = 0
LABEL_HEIGHT = 20
BAR_STEP = 22
BAR_WIDTH = 16
ROW_HEIGHT = 50
BAR_MAX = 24
TOTAL_WIDTH = 56
AXIS_HEIGHT = 22


def category_name(slug: str) -> str:
    return CRIME_CATEGORIES.get(slug) or slug.replace("-", " ").capitalize()


def month_label(month: str, style: str = "%B %Y") -> str:
    year, number = (int(p) for p in month.split("-"))
    return dt.date(year, number, 1).strftime(style)


@dataclass
class Bar:
    x: int
    y: int
    height: int
    count: int


@dataclass
class Row:
    slug: str
    name: str
    counts: list[int]
    total: int
    y: int
    bars: list[Bar] = field(default_factory=list)

    @property
    def bars_path(self) -> str:
        """The row's bars as one SVG path (a rectangle per month with crimes): a twelfth
        of the bytes of a ``<rect>`` each, which keeps area pages within their budget."""
        return "".join(
            f"M{b.x} {b.y}h{BAR_WIDTH}v{b.height}h-{BAR_WIDTH}z" for b in self.bars if b.height
        )


@dataclass
class CrimeChart:
    months: list[str]
    month_names: list[str]
    month_initials: list[str]
    rows: list[Row]
    totals: list[int]
    runs_to: str
    runs_to_name: str
    source: str
    illustrative: bool
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_step: int = BAR_STEP
    bar_width: int = BAR_WIDTH
    source_url: str = SOURCE_URL
    licence_url: str = LICENCE_URL

    @property
    def total(self) -> int:
        return sum(self.totals)


def _months_to(runs_to: str, count: int) -> list[str]:
    year, month = (int(p) for p in runs_to.split("-"))
    result = []
    for _ in range(count):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def crime_chart(figures: Any, months: int = MONTHS) -> CrimeChart | None:
    """The chart and table for an area's ``crime`` (a CrimeFigures), or None without one."""
    if figures is None:
        return None
    shown = _months_to(figures.runs_to, months)
    counts = {m: figures.months.get(m, {}) for m in shown}
    slugs = {slug for month in counts.values() for slug in month}
    rows = []
    for slug in slugs:
        values = [int(counts[m].get(slug, 0)) for m in shown]
        rows.append(Row(slug=slug, name=category_name(slug), counts=values, total=sum(values), y=0))
    rows.sort(key=lambda r: (-r.total, r.name))
    peak = max([c for r in rows for c in r.counts] or [0]) or 1
    for index, row in enumerate(rows):
        row.y = index * ROW_HEIGHT
        for n, count in enumerate(row.counts):
            height = round(BAR_MAX * count / peak) if count else 0
            if count and height < 2:
                height = 2
            row.bars.append(
                Bar(
                    x=LABEL_WIDTH + n * BAR_STEP,
                    y=row.y + LABEL_HEIGHT + BAR_MAX - height,
                    height=height,
                    count=count,
                )
            )
    return CrimeChart(
        months=shown,
        month_names=[month_label(m) for m in shown],
        month_initials=[month_label(m, "%b") for m in shown],
        rows=rows,
        totals=[sum(r.counts[n] for r in rows) for n in range(len(shown))],
        runs_to=figures.runs_to,
        runs_to_name=month_label(figures.runs_to),
        source=figures.source,
        illustrative=figures.illustrative,
        width=LABEL_WIDTH + len(shown) * BAR_STEP + TOTAL_WIDTH,
        height=len(rows) * ROW_HEIGHT + AXIS_HEIGHT,
    )
