"""Postcode lookup: which area each postcode centroid falls in, and the shards the site serves.

``neighbourhoods/postcodes.csv`` (``postcode,latitude,longitude``: the part of the ONS
Postcode Directory that the force covers) is read once, every point is matched against
every area's boundary in one vectorised pass through a shapely STRtree (in chunks, so
memory stays flat at national scale), and the result is split by outward code into
small JSON shards: ``lookup/<OUTWARD>.json`` (the paths are in ``urls.py``).

The rule for a point that more than one area covers (documented in docs/maps.md):

- a point inside exactly one area belongs to it;
- a point on a boundary shared by two areas (inside neither) belongs to the one whose
  slug sorts first, so it is found, and found once;
- a point inside two areas (they overlap: a mistake in the boundaries) also goes to the
  first by slug, and is counted as a warning.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

#: The outward code (area + district) and the inward code (sector + unit) of a postcode.
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
#: A postcode already written the standard way (upper case, one space).
CANONICAL_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}\Z")
CHUNK = 200_000
HEADER = ["postcode", "latitude", "longitude"]
UK_LATITUDE = (49.8, 60.9)
UK_LONGITUDE = (-8.7, 1.8)
#: How many bad rows are reported one by one before the rest are summed up.
MAX_ROW_PROBLEMS = 20


def normalise_postcode(text: str) -> str | None:
    """'sy81ru', ' SY8  1RU ' -> 'SY8 1RU'; None when it is not shaped like a postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = POSTCODE_RE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


@dataclass
class RowProblem:
    line: int
    message: str
    severity: str = "error"


@dataclass
class Postcodes:
    """Postcode centroids as parallel arrays (one row of the CSV each)."""

    codes: list[str]
    longitudes: np.ndarray
    latitudes: np.ndarray
    lines: list[int]
    problems: list[RowProblem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.codes)


def read_postcodes(path: Path) -> Postcodes:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return parse_postcodes(stream)


def parse_postcodes(stream: Iterable[str] | io.TextIOBase) -> Postcodes:
    """Read ``postcode,latitude,longitude`` rows; bad rows become problems with their line."""
    codes: list[str] = []
    lons: list[float] = []
    lats: list[float] = []
    problems: list[RowProblem] = []
    bad = 0
    seen: dict[str, int] = {}
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:3]] != HEADER:
        problems.append(
            RowProblem(1, "the first line must be the header 'postcode,latitude,longitude'")
        )
        return Postcodes([], np.empty(0), np.empty(0), [], problems)

    def complain(line: int, message: str, severity: str = "error") -> None:
        nonlocal bad
        bad += 1
        if bad <= MAX_ROW_PROBLEMS:
            problems.append(RowProblem(line, message, severity))

    canonical = CANONICAL_RE.match
    for row in reader:
        # The fast path: a row as the ONS directory writes it ("SY8 1RU,52.3668,-2.7152").
        if len(row) == 3 and canonical(row[0]):
            code = row[0]
            try:
                lat, lon = float(row[1]), float(row[2])
            except ValueError:
                lat = lon = float("nan")
            if (
                UK_LATITUDE[0] <= lat <= UK_LATITUDE[1]
                and UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1]
                and code not in seen
            ):
                seen[code] = reader.line_num
                codes.append(code)
                lats.append(lat)
                lons.append(lon)
                continue
        line = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            complain(line, "needs three values: postcode,latitude,longitude")
            continue
        code = normalise_postcode(row[0])
        if code is None:
            complain(line, f"'{row[0]}' is not a postcode (for example SY8 1RU)")
            continue
        try:
            lat, lon = float(row[1]), float(row[2])
        except ValueError:
            complain(line, f"{code}: latitude and longitude must be numbers, e.g. 52.3668,-2.7152")
            continue
        if not (
            UK_LATITUDE[0] <= lat <= UK_LATITUDE[1] and UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1]
        ):
            complain(line, f"{code}: the point {lat},{lon} is outside the UK (latitude first)")
            continue
        if code in seen:
            complain(
                line, f"{code} is listed twice (first on line {seen[code]}); delete one", "warning"
            )
            continue
        seen[code] = line
        codes.append(code)
        lats.append(lat)
        lons.append(lon)
    if bad > MAX_ROW_PROBLEMS:
        problems.append(
            RowProblem(
                reader.line_num,
                f"{bad - MAX_ROW_PROBLEMS} more rows have problems like the ones above",
            )
        )
    lines = [seen[code] for code in codes]
    return Postcodes(
        codes, np.asarray(lons, dtype=float), np.asarray(lats, dtype=float), lines, problems
    )


@dataclass
class Assignment:
    """For each postcode the index of its area (-1: none) and whether two areas claim it."""

    owner: np.ndarray
    overlapped: np.ndarray

    @property
    def unassigned(self) -> int:
        return int((self.owner < 0).sum())

    @property
    def overlaps(self) -> int:
        return int(self.overlapped.sum())


def assign(
    longitudes: np.ndarray, latitudes: np.ndarray, shapes: Sequence[BaseGeometry]
) -> Assignment:
    """Point in polygon for every point at once (see the module's rule for ties).

    ``shapes`` must be in slug order: the first one wins a tie.
    """
    n, count = len(longitudes), len(shapes)
    owner = np.full(n, -1, dtype=np.int64)
    overlapped = np.zeros(n, dtype=bool)
    if not n or not count:
        return Assignment(owner, overlapped)
    geoms = np.asarray(shapes, dtype=object)
    tree = shapely.STRtree(geoms)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        points = shapely.points(longitudes[start:stop], latitudes[start:stop])
        point_index, area_index = tree.query(points, predicate="intersects")
        if not len(point_index):
            continue
        hits = np.bincount(point_index, minlength=stop - start)
        key = area_index.astype(np.int64)
        many = hits[point_index] > 1
        if many.any():
            inside = shapely.contains(geoms[area_index[many]], points[point_index[many]])
            # Areas that hold the point inside beat areas it only touches; then slug order.
            key[many] = np.where(inside, key[many], key[many] + count)
            inside_hits = np.bincount(point_index[many][inside], minlength=stop - start)
            overlapped[start:stop] = inside_hits > 1
        best = np.full(stop - start, 2 * count, dtype=np.int64)
        np.minimum.at(best, point_index, key)
        found = best < 2 * count
        owner[start:stop][found] = best[found] % count
    return Assignment(owner, overlapped)


@dataclass(frozen=True)
class AreaRef:
    slug: str
    name: str


def build_shards(
    codes: Sequence[str], owner: np.ndarray, areas: Sequence[AreaRef]
) -> dict[str, dict[str, object]]:
    """One shard per outward code: its areas and each inward code's index into them.

    ``{"outward": "SY8", "areas": [{"slug": "ludlow", "name": "Ludlow"}],
    "postcodes": {"1RU": 0, ...}}``; postcodes in no area are left out (the script then
    says it cannot find them), as are outward codes with no postcode in any area.
    """
    grouped: dict[str, list[tuple[str, int]]] = {}
    for code, index in zip(codes, owner.tolist(), strict=True):
        if index < 0:
            continue
        out, inward = code[:-4], code[-3:]  # normalised: "SY8 1RU"
        grouped.setdefault(out, []).append((inward, index))
    shards: dict[str, dict[str, object]] = {}
    for out in sorted(grouped):
        members = sorted({index for _, index in grouped[out]}, key=lambda i: areas[i].slug)
        position = {index: n for n, index in enumerate(members)}
        shards[out] = {
            "outward": out,
            "areas": [{"slug": areas[i].slug, "name": areas[i].name} for i in members],
            "postcodes": {inward: position[i] for inward, i in sorted(grouped[out])},
        }
    return shards


def shard_bytes(shard: dict[str, object]) -> bytes:
    """A shard as compact, deterministic JSON."""
    return json.dumps(shard, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def district_counts(shard: dict[str, object]) -> list[tuple[dict[str, str], int]]:
    """Each area of a shard with how many of the district's postcodes it holds."""
    areas: list[dict[str, str]] = shard["areas"]  # type: ignore[assignment]
    counts = [0] * len(areas)
    for index in shard["postcodes"].values():  # type: ignore[attr-defined]
        counts[index] += 1
    return list(zip(areas, counts, strict=True))


def simplified_boundaries(
    areas: Sequence[AreaRef], shapes: Sequence[BaseGeometry], tolerance: float = 0.0005
) -> bytes:
    """Every boundary, simplified (shared edges stay shared) and rounded, as one JSON file.

    ``{"areas": [{"slug", "name", "rings": [[[lon, lat], ...], ...]}]}``: every ring of the
    area (outer rings and holes of all its parts), so an even-odd test over them all is a
    point-in-polygon test that handles holes and multipolygons. 4 decimals is about 10 m.
    """
    geoms = np.asarray(shapes, dtype=object)
    if len(geoms) and shapely.coverage_is_valid(geoms):
        simple = shapely.coverage_simplify(geoms, tolerance)
    else:  # overlapping areas (already a warning): simplify each on its own
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    out = []
    for ref, geometry in zip(areas, simple, strict=True):
        polygons = getattr(geometry, "geoms", [geometry])
        rings = []
        for polygon in polygons:
            for ring in [polygon.exterior, *polygon.interiors]:
                rings.append([[round(x, 4), round(y, 4)] for x, y in ring.coords])
        out.append({"slug": ref.slug, "name": ref.name, "rings": rings})
    return json.dumps({"areas": out}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
