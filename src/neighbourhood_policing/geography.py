"""Checks and facts that need every area's boundary at once.

``check_site`` runs once in ``load_site`` after every area is read, so ``invoke
validate`` and every build see the same problems:

- a police station outside its own area (a warning with its line in area.yaml; patrol
  places are checked as each area loads);
- two areas that overlap (a warning naming both);
- each area's neighbours: the areas it shares a stretch of boundary with;
- the postcode lookup: each postcode in ``neighbourhoods/postcodes.csv`` matched to its
  area (``lookup.assign``); rows that cannot be read are errors with their line, and
  postcodes in no area or in two areas are warnings with counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import Point

from . import lookup
from .files import relative
from .problems import Problem
from .yamlfile import ContentFileError, load_yaml_file

if TYPE_CHECKING:
    from .site import AreaRecord, Site

POSTCODES_FILE = "neighbourhoods/postcodes.csv"
#: How far (in degrees, about 200 m) a station may sit outside the line and still count.
TOLERANCE = 0.002
#: Overlaps smaller than this share of the smaller area are drawing noise, not overlaps.
OVERLAP_SHARE = 1e-6


@dataclass
class PostcodeIndex:
    """The postcodes and the area each belongs to (``slugs[owner[i]]``; -1 for none)."""

    codes: list[str]
    owner: np.ndarray
    slugs: list[str]
    _positions: dict[str, int] | None = field(default=None, repr=False)

    def area_of(self, postcode: str) -> str | None:
        """The slug of the area a postcode is in (however it is typed), or None."""
        code = lookup.normalise_postcode(postcode)
        if code is None:
            return None
        if self._positions is None:
            self._positions = {c: n for n, c in enumerate(self.codes)}
        position = self._positions.get(code)
        if position is None or self.owner[position] < 0:
            return None
        return self.slugs[int(self.owner[position])]


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _boundary_line(site: Site, record: AreaRecord) -> int | None:
    path = site.root / record.folder / "boundary.geojson"
    try:
        return _line_of(path.read_text(encoding="utf-8"), '"coordinates"')
    except OSError:
        return None


def check_stations(site: Site, record: AreaRecord) -> None:
    if record.shape is None:
        return
    near = record.shape.buffer(TOLERANCE)
    path = site.root / record.folder / "area.yaml"
    lines: Any = None
    for index, station in enumerate(record.area.stations):
        if station.location is None:
            continue
        point = Point(station.location.longitude, station.location.latitude)
        if near.contains(point):
            continue
        if lines is None:
            try:
                lines = load_yaml_file(path)[1]
            except ContentFileError:
                lines = False
        line = lines.line_for(("stations", index, "location")) if lines else None
        site.problems.append(
            Problem(
                relative(site.root, path),
                line,
                f"stations.{index}.location",
                f"'{station.name}' is outside the area's boundary; check its latitude and "
                "longitude, or the boundary in boundary.geojson",
                "warning",
            )
        )


def sorted_areas(site: Site) -> list[AreaRecord]:
    """Areas with a boundary, in slug order (the order that settles ties)."""
    return [site.areas[s] for s in sorted(site.areas) if site.areas[s].shape is not None]


def check_overlaps_and_neighbours(site: Site, records: list[AreaRecord]) -> None:
    shapes = np.asarray([r.shape for r in records], dtype=object)
    if not len(shapes):
        return
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    neighbours: dict[str, list[AreaRecord]] = {r.slug: [] for r in records}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = records[i], records[j]
        shared = a.shape.intersection(b.shape)
        smaller = min(a.shape.area, b.shape.area)
        if shared.area > OVERLAP_SHARE * smaller:
            site.problems.append(
                Problem(
                    f"{a.folder}/boundary.geojson",
                    _boundary_line(site, a),
                    None,
                    f"overlaps {b.folder}/boundary.geojson ({b.name}) by about "
                    f"{shared.area / smaller:.0%} of the smaller area; a place must belong to "
                    "one team, so move the shared edge in both files to the same line",
                    "warning",
                )
            )
        if a.shape.boundary.intersection(b.shape.boundary).length > 0:
            neighbours[a.slug].append(b)
            neighbours[b.slug].append(a)
    for record in records:
        found = sorted(neighbours[record.slug], key=lambda r: (r.name.casefold(), r.slug))
        record.neighbours = found


def check_postcodes(site: Site, records: list[AreaRecord]) -> None:
    path: Path = site.root / POSTCODES_FILE
    if not path.is_file():
        return
    try:
        postcodes = lookup.read_postcodes(path)
    except (UnicodeDecodeError, OSError) as exc:
        site.problems.append(Problem(POSTCODES_FILE, None, None, f"cannot be read: {exc}"))
        return
    for problem in postcodes.problems:
        site.problems.append(
            Problem(POSTCODES_FILE, problem.line, None, problem.message, problem.severity)  # type: ignore[arg-type]
        )
    result = lookup.assign(postcodes.longitudes, postcodes.latitudes, [r.shape for r in records])
    site.postcodes = PostcodeIndex(postcodes.codes, result.owner, [r.slug for r in records])
    if result.unassigned:
        first = int(np.flatnonzero(result.owner < 0)[0])
        site.problems.append(
            Problem(
                POSTCODES_FILE,
                postcodes.lines[first],
                None,
                f"{result.unassigned} of {len(postcodes)} postcodes are in no area's boundary "
                f"(the first is {postcodes.codes[first]}); the postcode search will not find "
                "them: check the boundaries, or the coordinates (latitude first)",
                "warning",
            )
        )
    if result.overlaps:
        first = int(np.flatnonzero(result.overlapped)[0])
        site.problems.append(
            Problem(
                POSTCODES_FILE,
                postcodes.lines[first],
                None,
                f"{result.overlaps} postcodes are inside two overlapping areas (the first is "
                f"{postcodes.codes[first]}); each goes to the area whose folder name sorts "
                "first until the boundaries are fixed",
                "warning",
            )
        )


def check_site(site: Site) -> None:
    """Stations, overlaps, neighbours and the postcode lookup (see the module docstring)."""
    records = sorted_areas(site)
    for record in records:
        check_stations(site, record)
    check_overlaps_and_neighbours(site, records)
    check_postcodes(site, records)
