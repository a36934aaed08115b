"""``invoke import-crime``: monthly street-level crime counts by category per area.

For each area with a boundary, the months up to the one data.police.uk says its
data runs to (``/crime-last-updated``) are fetched with
``/crimes-street/all-crime?poly=…&date=YYYY-MM``. The polygon is simplified (shapely)
to at most ``MAX_POINTS`` corners so the URL stays short; when the API refuses a
polygon for holding more than 10,000 crimes, it is split in two along its longer
side, again and again, and the parts' crimes are counted once each (by crime id).
Months already in ``crime.yaml`` are not fetched again unless ``refresh``; the
file is owned by the importer and written atomically, only when it changes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml as pyyaml
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from ...files import write_atomic
from ...models import CrimeFigures
from .arguments import option_like
from .client import PoliceAPIError, PoliceClient, TooManyResults

AREAS_DIR = "neighbourhoods"
CRIME_FILE = "crime.yaml"
MONTHS_SHOWN = 12
MAX_POINTS = 60
MAX_SPLIT_DEPTH = 8
HEADER = (
    "# yaml-language-server: $schema=../../schemas/crime.schema.json\n"
    "# Written by invoke import-crime from data.police.uk (Open Government Licence v3.0).\n"
    "# Street-level crime and anti-social behaviour counts by month and category.\n"
)


def last_months(runs_to: str, count: int = MONTHS_SHOWN) -> list[str]:
    """The ``count`` months ending with ``runs_to`` (YYYY-MM), oldest first."""
    year, month = (int(part) for part in runs_to.split("-"))
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def simplified(geometry: BaseGeometry, max_points: int = MAX_POINTS) -> list[Polygon]:
    """The polygon(s) of a boundary with at most ``max_points`` corners each."""
    parts = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    result = []
    for part in parts:
        polygon = Polygon(part.exterior)
        tolerance = 0.0002
        while len(polygon.exterior.coords) - 1 > max_points:
            polygon = Polygon(part.exterior).simplify(tolerance, preserve_topology=True)
            tolerance *= 2
        result.append(polygon)
    return result


def poly_param(polygon: Polygon) -> str:
    """The API's ``lat,lng:lat,lng:…`` form (it closes the ring itself)."""
    coords = list(polygon.exterior.coords)[:-1]
    return ":".join(f"{lat:.5f},{lng:.5f}" for lng, lat in coords)


def halves(polygon: BaseGeometry) -> list[Polygon]:
    minx, miny, maxx, maxy = polygon.bounds
    if maxx - minx >= maxy - miny:
        mid = (minx + maxx) / 2
        boxes = [box(minx, miny, mid, maxy), box(mid, miny, maxx, maxy)]
    else:
        mid = (miny + maxy) / 2
        boxes = [box(minx, miny, maxx, mid), box(minx, mid, maxx, maxy)]
    pieces: list[Polygon] = []
    for piece in (polygon.intersection(b) for b in boxes):
        if isinstance(piece, Polygon) and not piece.is_empty:
            pieces.append(piece)
        elif isinstance(piece, MultiPolygon):
            pieces.extend(p for p in piece.geoms if not p.is_empty)
    return pieces


def crimes_in(
    client: PoliceClient, polygon: Polygon, month: str, label: str, depth: int = 0
) -> dict[str, str]:
    """crime id -> category for every crime in the polygon in that month."""
    try:
        crimes = client.street_crimes(poly_param(polygon), month, what=f"{label} {month}")
    except TooManyResults:
        if depth >= MAX_SPLIT_DEPTH:
            raise PoliceAPIError(
                f"{label} {month}: still more than 10,000 crimes after splitting the area "
                f"{MAX_SPLIT_DEPTH} times"
            ) from None
        found: dict[str, str] = {}
        for piece in halves(polygon):
            for part in simplified(piece):
                found.update(crimes_in(client, part, month, label, depth + 1))
        return found
    found = {}
    for crime in crimes or []:
        ident = str(
            crime.get("id") or crime.get("persistent_id") or json.dumps(crime, sort_keys=True)
        )
        found[ident] = str(crime.get("category") or "other-crime")
    return found


def count_month(
    client: PoliceClient, geometry: BaseGeometry, month: str, label: str
) -> dict[str, int]:
    crimes: dict[str, str] = {}
    for polygon in simplified(geometry):
        crimes.update(crimes_in(client, polygon, month, label))
    return dict(sorted(Counter(crimes.values()).items()))


def dump_crime(figures: CrimeFigures) -> str:
    """crime.yaml's text: one line per month, months and categories sorted."""
    lines = [
        f"source: {json.dumps(figures.source, ensure_ascii=False)}",
        f"illustrative: {'true' if figures.illustrative else 'false'}",
        f'runs_to: "{figures.runs_to}"',
        "months:" if figures.months else "months: {}",
    ]
    for month in sorted(figures.months):
        counts = figures.months[month]
        inner = ", ".join(f"{slug}: {counts[slug]}" for slug in sorted(counts))
        lines.append(f'  "{month}": {{{inner}}}')
    return HEADER + "\n".join(lines) + "\n"


def read_crime(path: Path) -> CrimeFigures | None:
    try:
        data = pyyaml.safe_load(path.read_text("utf-8"))
        return CrimeFigures.model_validate(data)
    except (OSError, pyyaml.YAMLError, ValueError):
        return None


@dataclass
class CrimeResult:
    slug: str
    fetched: list[str] = field(default_factory=list)
    written: bool = False
    note: str = ""
    error: str | None = None

    def line(self) -> str:
        if self.error:
            return f"{self.slug}: ERROR {self.error}"
        if self.note:
            return f"{self.slug}: {self.note}"
        got = (
            f"fetched {len(self.fetched)} months ({', '.join(self.fetched)})"
            if self.fetched
            else "nothing new"
        )
        return f"{self.slug}: {got}; crime.yaml {'written' if self.written else 'unchanged'}"


def import_crime(
    root: Path,
    *,
    client: PoliceClient,
    areas: list[str] | None = None,
    refresh: bool = False,
    dry_run: bool = False,
    months: int = MONTHS_SHOWN,
    echo: Callable[[str], None] = print,
) -> list[CrimeResult]:
    """Bring every area's crime.yaml up to the month data.police.uk has published."""
    runs_to = client.crime_last_updated()
    wanted = last_months(runs_to, months)
    folders = sorted(p for p in (root / AREAS_DIR).glob("*/") if (p / "area.yaml").exists())
    if areas:
        folders = [p for p in folders if p.name in set(areas)]
        missing = sorted(set(areas) - {p.name for p in folders})
        if missing:
            raise PoliceAPIError(f"no area folder named {', '.join(missing)} in {AREAS_DIR}/")
    results = []
    for folder in tqdm(folders, unit="area", disable=None if len(folders) >= 10 else True):
        result = CrimeResult(slug=folder.name)
        results.append(result)
        try:
            geometry = shape(
                json.loads((folder / "boundary.geojson").read_text("utf-8")).get("geometry") or {}
            )
        except (OSError, ValueError, AttributeError):
            result.note = "skipped: no boundary.geojson to count crimes in"
            continue
        stored = read_crime(folder / CRIME_FILE)
        old = {} if stored is None or stored.illustrative else dict(stored.months)
        todo = [m for m in wanted if refresh or m not in old]
        counts = dict(old)
        try:
            for month in todo:
                counts[month] = count_month(client, geometry, month, f"crime in {folder.name}")
        except PoliceAPIError as exc:
            result.error = f"{exc}; crime.yaml left as it was"
            continue
        result.fetched = todo
        figures = CrimeFigures(
            source="data.police.uk", illustrative=False, runs_to=runs_to, months=counts
        )
        text = dump_crime(figures)
        path = folder / CRIME_FILE
        current = path.read_text("utf-8") if path.exists() else None
        if text != current:
            result.written = True
            if not dry_run:
                write_atomic(path, text)
    return results


def run_import_crime(
    root: Path,
    areas: list[str],
    refresh: bool,
    dry_run: bool,
    base_url: str,
    client: PoliceClient | None = None,
) -> int:
    """The task's body: import, print one line per area; 1 if any area failed."""
    problem = option_like("import-crime", "area", areas, "ludlow")
    if problem:
        print(f"import-crime: {problem}")
        return 2
    client = client or PoliceClient(base_url)
    try:
        results = import_crime(
            root, client=client, areas=areas or None, refresh=refresh, dry_run=dry_run
        )
    except PoliceAPIError as exc:
        print(f"import-crime: {exc}")
        return 2
    for result in results:
        print(result.line())
    failed = [r for r in results if r.error]
    print(
        f"{len(results)} areas, {sum(r.written for r in results)} crime.yaml files changed, "
        f"{len(failed)} failed; {client.requests_sent} requests to data.police.uk"
        + (" (dry run: nothing was written)" if dry_run else "")
    )
    return 1 if failed else 0
