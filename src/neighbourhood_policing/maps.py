"""Maps without tiles: each area's boundary, patrol places and stations, drawn as SVG.

Geometry is projected to the British National Grid (EPSG:27700, through pyproj), so
shapes keep their proportions at UK latitudes, then scaled into an SVG viewBox with
north up. An area's map is a standalone SVG file shown with <img> (coloured by
presentation attributes, on its own white background, so it reads the same on a light or
dark page and in print). The A to Z's overview is such an image too, with each area's
name as an HTML link placed over it by a small generated stylesheet. No style attribute
or element anywhere, so the Content-Security-Policy holds. Every place on an area's map carries a
number; the page lists the same numbers in words (the text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from markupsafe import escape
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

_TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
AREA_WIDTH = 640.0
OVERVIEW_WIDTH = 800.0
#: The overview's label size in viewBox units (the stylesheet's labels at full width).
LABEL_EM = 9.0
LABEL_HEIGHT = 26.0
MARGIN = 0.08
MARKER_RADIUS = 10.0
#: Draw a close-up when every place fits in this share of the area map's width...
DETAIL_SHARE = 0.2
#: ...framing at least this many metres across, drawn this wide.
DETAIL_MIN_METRES = 800.0
DETAIL_WIDTH = 400.0


def to_grid(geometry: BaseGeometry) -> BaseGeometry:
    """WGS84 longitude/latitude to British National Grid metres."""

    def move(xy: np.ndarray) -> np.ndarray:
        east, north = _TO_GRID.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([east, north])

    return shapely.transform(geometry, move)


@dataclass
class Frame:
    """Grid metres to viewBox units: north up, ``width`` wide."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    width: float

    @classmethod
    def around(cls, bounds: Sequence[float], width: float) -> Frame:
        minx, miny, maxx, maxy = bounds
        pad = MARGIN * max(maxx - minx, maxy - miny, 1.0)
        return cls(minx - pad, miny - pad, maxx + pad, maxy + pad, width)

    @property
    def scale(self) -> float:
        return self.width / (self.maxx - self.minx)

    @property
    def height(self) -> float:
        return round((self.maxy - self.miny) * self.scale, 1)

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return round((x - self.minx) * self.scale, 1), round((self.maxy - y) * self.scale, 1)

    def box(self) -> BaseGeometry:
        return shapely.box(self.minx, self.miny, self.maxx, self.maxy)

    def path(self, geometry: BaseGeometry) -> str:
        """SVG path data of a (multi)polygon, simplified to half a unit."""
        geometry = geometry.simplify(0.5 / self.scale, preserve_topology=True)
        parts = []
        for polygon in getattr(geometry, "geoms", [geometry]):
            if polygon.is_empty:
                continue
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [self.xy(x, y) for x, y in ring.coords[:-1]]
                parts.append("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in points) + "Z")
        return "".join(parts)


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


#: Colours of an area map (a picture of its own, so the same in light and dark pages).
DEFAULT_PALETTE = {
    "bg": "#ffffff",
    "area": "#f3f2f1",
    "brand": "#1d3b6e",
    "brand_text": "#ffffff",
    "station": "#00703c",
    "other": "#6f777b",
    "text": "#0b0c0c",
}

_PAINT = {
    "other": 'fill="none" stroke="{other}" stroke-width="1.5" stroke-dasharray="4 3"',
    "area": 'fill="{area}" stroke="{brand}" stroke-width="2.5" stroke-linejoin="round"',
    "patrol-area": 'fill="none" stroke="{brand}" stroke-width="1.5"',
    "leader": 'stroke="{text}" stroke-width="1"',
    "spot": 'fill="{text}"',
    "patrol": 'fill="{brand}" stroke="{bg}" stroke-width="1.5"',
    "station": 'fill="{station}" stroke="{bg}" stroke-width="1.5"',
    "number": 'fill="{brand_text}" font-family="sans-serif" font-size="12" font-weight="700" '
    'text-anchor="middle"',
}


@dataclass(frozen=True)
class Place:
    """A numbered place on an area's map and where the page describes it."""

    number: int
    kind: str  # "patrol" or "station"
    name: str
    anchor: str


@dataclass
class Drawing:
    """A standalone SVG file (served as an image) and what it shows, in words."""

    svg: bytes
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class Pin:
    """An area's name on the overview: a link, placed at ``left``/``top`` per cent."""

    name: str
    url: str
    left: int
    top: int

    @property
    def classes(self) -> str:
        """The stylesheet's classes that place it (the CSP allows no style attribute)."""
        return f"om-x{self.left} om-y{self.top}"


@dataclass
class Overview:
    image: Drawing
    pins: list[Pin]


@dataclass
class AreaMap:
    whole: Drawing
    places: list[Place]
    #: A close-up of the places when they crowd into a small part of the area.
    detail: Drawing | None = None


def _spread(
    points: Iterable[tuple[float, float]], width: float, height: float
) -> list[tuple[float, float]]:
    """Marker positions that do not cover each other: each moves out from its place until free."""
    placed: list[tuple[float, float]] = []
    gap = 2 * MARKER_RADIUS + 2
    for x, y in points:
        choice = (x, y)
        for ring in range(0, 8):
            candidates = (
                [(x, y)]
                if ring == 0
                else [
                    (
                        x + ring * gap * math.cos(k * math.pi / 4),
                        y + ring * gap * math.sin(k * math.pi / 4),
                    )
                    for k in range(8)
                ]
            )
            free = [
                c
                for c in candidates
                if MARKER_RADIUS <= c[0] <= width - MARKER_RADIUS
                and MARKER_RADIUS <= c[1] <= height - MARKER_RADIUS
                and all(math.dist(c, p) >= gap for p in placed)
            ]
            if free:
                choice = free[0]
                break
        placed.append((round(choice[0], 1), round(choice[1], 1)))
    return placed


class MapMaker:
    """Draws every map of a site model (areas in slug order; boundaries projected once)."""

    def __init__(
        self,
        records: Sequence[Any],
        url: Callable[[Any], str],
        palette: dict[str, str] | None = None,
    ) -> None:
        self.records = [r for r in records if r.shape is not None]
        self.url = url
        colours = {**DEFAULT_PALETTE, **(palette or {})}
        self.paint = {k: v.format(**colours) for k, v in _PAINT.items()}
        self.background = colours["bg"]
        self.grid = {r.slug: to_grid(r.shape) for r in self.records}
        self.tree = shapely.STRtree([self.grid[r.slug] for r in self.records])

    def area(self, record: Any) -> AreaMap | None:
        """The whole area and, when its places crowd together, a close-up of them."""
        grid = self.grid.get(record.slug)
        if grid is None:
            return None
        places = [(p, to_grid(g)) for p, g in self._places(record)]
        frame = Frame.around(grid.bounds, AREA_WIDTH)
        name = record.name
        title = (
            f"Map of the {name} neighbourhood: its boundary"
            f"{', neighbouring areas (dashed)' if record.neighbours else ''}"
            f"{f' and {len(places)} numbered places, listed below' if places else ''}"
        )
        svg = self._draw(record, frame, title, places)
        detail = None
        if places:
            spots = shapely.GeometryCollection([g for _, g in places])
            minx, miny, maxx, maxy = spots.bounds
            size = max(maxx - minx, maxy - miny, DETAIL_MIN_METRES)
            if size < DETAIL_SHARE * max(frame.maxx - frame.minx, frame.maxy - frame.miny):
                cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
                half_x = max(maxx - minx, DETAIL_MIN_METRES) / 2
                half_y = max(maxy - miny, DETAIL_MIN_METRES / 2) / 2
                close = Frame.around(
                    (cx - half_x, cy - half_y, cx + half_x, cy + half_y), DETAIL_WIDTH
                )
                detail = self._draw(
                    record,
                    close,
                    f"Close-up map of the {len(places)} numbered places in the {name} "
                    "neighbourhood, listed below",
                    places,
                )
        return AreaMap(svg, [p for p, _ in places], detail)

    def _draw(
        self,
        record: Any,
        frame: Frame,
        title: str,
        places: list[tuple[Place, BaseGeometry]],
    ) -> Drawing:
        paint = self.paint
        width, height = round(frame.width), round(frame.height)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {_n(frame.width)} {_n(frame.height)}" role="img">'
            f"<title>{escape(title)}</title>"
            f'<rect width="100%" height="100%" fill="{self.background}"/>'
        ]
        view = frame.box()
        for index in self.tree.query(view).tolist():
            other = self.records[index]
            if other.slug != record.slug:
                drawn = self.grid[other.slug].intersection(view.buffer(view.length / 10))
                out.append(f'<path {paint["other"]} d="{frame.path(drawn)}"/>')
        own = self.grid[record.slug].intersection(view.buffer(view.length / 10))
        out.append(f'<path {paint["area"]} d="{frame.path(own)}"/>')
        markers: list[tuple[Place, float, float]] = []
        for place, projected in places:
            if projected.geom_type == "Polygon":
                out.append(f'<path {paint["patrol-area"]} d="{frame.path(projected)}"/>')
                projected = projected.representative_point()
            markers.append((place, *frame.xy(projected.x, projected.y)))
        spread = _spread([(x, y) for _, x, y in markers], frame.width, frame.height)
        for (place, x, y), (mx, my) in zip(markers, spread, strict=True):
            if (mx, my) != (x, y):
                out.append(f'<path {paint["leader"]} d="M{_n(x)} {_n(y)}L{_n(mx)} {_n(my)}"/>')
                out.append(f'<circle {paint["spot"]} cx="{_n(x)}" cy="{_n(y)}" r="2.5"/>')
            if place.kind == "station":
                r = MARKER_RADIUS
                out.append(
                    f'<rect {paint["station"]} x="{_n(mx - r)}" y="{_n(my - r)}" '
                    f'width="{_n(2 * r)}" height="{_n(2 * r)}"/>'
                )
            else:
                out.append(
                    f'<circle {paint["patrol"]} cx="{_n(mx)}" cy="{_n(my)}" '
                    f'r="{_n(MARKER_RADIUS)}"/>'
                )
            out.append(
                f'<text {paint["number"]} x="{_n(mx)}" y="{_n(my)}" dy="0.35em">'
                f"{place.number}</text>"
            )
        out.append("</svg>\n")
        return Drawing("".join(out).encode("utf-8"), title, width, height)

    @staticmethod
    def _places(record: Any) -> list[tuple[Place, BaseGeometry]]:
        found: list[tuple[Place, BaseGeometry]] = []
        for patrol in record.patrols:
            where = patrol.where
            geometry = shape({"type": where.type, "coordinates": where.coordinates})
            found.append(
                (Place(len(found) + 1, "patrol", patrol.name, f"patrol-{patrol.id}"), geometry)
            )
        for index, station in enumerate(record.area.stations, start=1):
            if station.location is None:
                continue
            point = Point(station.location.longitude, station.location.latitude)
            found.append(
                (Place(len(found) + 1, "station", station.name, f"station-{index}"), point)
            )
        return found

    def overview(self) -> Overview | None:
        """Every area on one picture, with each area's name as a link placed over it.

        The picture is an SVG image; the links are ordinary HTML links, placed over it by
        classes of the site's stylesheet (``om-x<N>``/``om-y<N>``: left and top to the
        nearest 2%, so they follow the picture as it scales; on narrow screens the
        stylesheet lists them below it instead). Each links
        to the map on its area's page (``#map``). None for fewer than two areas: one
        area's map is on its own page already.
        """
        if len(self.records) < 2:
            return None
        bounds = shapely.total_bounds(list(self.grid.values()))
        frame = Frame.around(bounds, OVERVIEW_WIDTH)
        width, height = round(frame.width), round(frame.height)
        title = "Map of every neighbourhood; the name of each area on it is a link to its team"
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {_n(frame.width)} {_n(frame.height)}" role="img">'
            f"<title>{escape(title)}</title>"
            f'<rect width="100%" height="100%" fill="{self.background}"/>'
        ]
        pins: list[Pin] = []
        boxes: list[tuple[float, float, float, float]] = []
        for record in sorted(self.records, key=lambda r: (r.name.casefold(), r.slug)):
            grid = self.grid[record.slug]
            out.append(f'<path {self.paint["area"]} d="{frame.path(grid)}"/>')
            label = grid.representative_point()
            x, y = _free_label(frame.xy(label.x, label.y), len(record.name), boxes, frame)
            pins.append(
                Pin(
                    record.name,
                    f"{self.url(record)}#map", _step(x, frame.width), _step(y, frame.height)
                )
            )
        out.append("</svg>\n")
        return Overview(Drawing("".join(out).encode("utf-8"), title, width, height), pins)


def _step(value: float, size: float) -> int:
    """A position as a percentage of ``size``, to the nearest 2 (the stylesheet's steps)."""
    return min(100, max(0, 2 * round(50 * value / size)))


def _free_label(
    at: tuple[float, float],
    length: int,
    boxes: list[tuple[float, float, float, float]],
    frame: Frame,
) -> tuple[float, float]:
    """A label position near ``at`` whose box (estimated from its length) overlaps no other,
    snapped to the stylesheet's 2% steps."""
    half_width, half_height = (length * LABEL_EM + 12) / 2, LABEL_HEIGHT / 2
    for dy in (0, -LABEL_HEIGHT, LABEL_HEIGHT, -2 * LABEL_HEIGHT, 2 * LABEL_HEIGHT):
        x = _step(at[0], frame.width) * frame.width / 100
        y = _step(at[1] + dy, frame.height) * frame.height / 100
        box = (x - half_width, y - half_height, x + half_width, y + half_height)
        if not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes
        ):
            boxes.append(box)
            return x, y
    return at
