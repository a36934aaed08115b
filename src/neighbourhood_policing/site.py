"""The site model: what the content says, as every writer, check and tool sees it.

``loading.load_site`` builds it once; nothing else reads the content files. Areas
carry their updates (own and force-wide, newest first) as soon as the model is
loaded, so ``invoke validate``, the tools and the build see the same complete model.
During a build the neighbourhoods plugin links each update to the page Pelican made of
it (``UpdateInfo.article``), the only thing the build adds, and lets it go once
Pelican has finished (before the checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from . import urls
from .models import Area, CrimeFigures, Event, Patrol, Priority, Survey, UpdateMeta
from .problems import Problem


@dataclass(eq=False)
class UpdateInfo:
    """One update file: its validated metadata and where it belongs."""

    source: str  # its path relative to the content root
    meta: UpdateMeta
    home: str | None  # the area whose folder holds it; None for force-wide
    areas: list[str]  # every area it belongs to (empty and force_wide: all areas)
    #: When it was published, as an aware time in the site's time zone.
    date: dt.datetime
    #: Its page, relative to the site root.
    url: str
    home_record: AreaRecord | None = None
    area_records: list[AreaRecord] = field(default_factory=list)
    #: The page Pelican made of it (set during Pelican's run; None before and after it,
    #: and under validate and tools).
    article: Any = None

    @property
    def force_wide(self) -> bool:
        return self.home is None and not self.areas

    @property
    def published(self) -> bool:
        return self.meta.status == "published"


@dataclass(eq=False)
class AreaRecord:
    """One neighbourhood, as every writer sees it."""

    slug: str
    folder: str
    area: Area
    priorities: list[Priority] = field(default_factory=list)
    patrols: list[Patrol] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    boundary: dict[str, Any] | None = None
    shape: BaseGeometry | None = None
    #: The areas sharing a stretch of boundary with this one, by name (geography.py).
    neighbours: list[AreaRecord] = field(default_factory=list)
    #: Its map (maps.AreaMap), drawn during a build by the maps plugin; None otherwise.
    map: Any = None
    #: crime.yaml: monthly crime figures by category, or None.
    crime: CrimeFigures | None = None
    #: Published updates that belong to this area (its own folder and ``areas:``).
    own_updates: list[UpdateInfo] = field(default_factory=list)
    #: Own and force-wide published updates merged, newest first.
    updates: list[UpdateInfo] = field(default_factory=list)
    #: Covering notes for monthly council reports (reports/<yyyy-mm>.md), by month key.
    report_notes: dict[str, Any] = field(default_factory=dict)
    #: The months the area has a council report for, newest first (reports.Month).
    report_months: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.area.name

    @property
    def url(self) -> str:
        return urls.area_url(self.slug)

    def patrol(self, patrol_id: str) -> Patrol | None:
        return next((p for p in self.patrols if p.id == patrol_id), None)

    def priority(self, priority_id: str) -> Priority | None:
        return next((p for p in self.priorities if p.id == priority_id), None)


@dataclass
class Site:
    root: Path
    build_date: dt.date
    areas: dict[str, AreaRecord] = field(default_factory=dict)
    #: Every update file that validated, keyed by its source path.
    updates: dict[str, UpdateInfo] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Published force-wide updates, newest first.
    force_wide_updates: list[UpdateInfo] = field(default_factory=list)
    #: Force-wide surveys from the SURVEYS setting (engagement.force_surveys).
    surveys: list[Survey] = field(default_factory=list)
    #: The postcode lookup (geography.PostcodeIndex), or None without postcodes.csv.
    postcodes: Any = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def areas_by_name(self) -> list[AreaRecord]:
        return sorted(self.areas.values(), key=lambda a: (a.name.casefold(), a.slug))

    def published_updates(self) -> list[UpdateInfo]:
        return [info for info in self.updates.values() if info.published]

    def update_sources(self) -> list[str]:
        """Relative folders Pelican should read updates from."""
        folders = [urls.UPDATES_DIR]
        folders += [f"{urls.AREAS_DIR}/{slug}/updates" for slug in sorted(self.areas)]
        return [f for f in folders if (self.root / f).is_dir()]


def built_pages(updates: Iterable[UpdateInfo]) -> list[Any]:
    """Pelican's pages of these updates, in the same order (during a build)."""
    return [info.article for info in updates if info.article is not None]
