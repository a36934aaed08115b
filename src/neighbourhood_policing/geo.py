"""Boundary and patrol geometry checks, with shapely doing the geometry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from .models import UK_LATITUDE, UK_LONGITUDE
from .yamlfile import ContentFileError, read_text


class GeometryProblem(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _rings(geometry: dict[str, Any]) -> list[list[Any]]:
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        return list(coords or [])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in coords or [] for ring in polygon]
    return []


def _check_position(position: Any) -> None:
    if (
        not isinstance(position, list | tuple)
        or len(position) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
    ):
        raise GeometryProblem(
            f"the position {json.dumps(position)} is not a [longitude, latitude] pair of numbers"
        )
    lon, lat = position[0], position[1]
    if not (UK_LONGITUDE[0] <= lon <= UK_LONGITUDE[1] and UK_LATITUDE[0] <= lat <= UK_LATITUDE[1]):
        swapped = (
            UK_LONGITUDE[0] <= lat <= UK_LONGITUDE[1] and UK_LATITUDE[0] <= lon <= UK_LATITUDE[1]
        )
        hint = (
            "; longitude and latitude look swapped (GeoJSON puts longitude first)"
            if swapped
            else ""
        )
        raise GeometryProblem(f"the point [{lon}, {lat}] is outside the UK{hint}")


def polygon_from_geojson(data: Any) -> BaseGeometry:
    """Check a GeoJSON boundary and return it as a shapely (Multi)Polygon."""
    geometry = data
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise GeometryProblem(
                f"a FeatureCollection here must hold exactly one feature, not {len(features)}"
            )
        geometry = features[0]
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        found = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise GeometryProblem(f"must be a Polygon or MultiPolygon, not {found}")
    rings = _rings(geometry)
    if not rings:
        raise GeometryProblem("the polygon has no coordinates")
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise GeometryProblem(
                "a ring needs at least four positions (three corners and the first one again)"
            )
        for position in ring:
            _check_position(position)
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise GeometryProblem(
                f"the ring is not closed: its last position {json.dumps(ring[-1])} must repeat "
                f"its first {json.dumps(ring[0])}"
            )
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise GeometryProblem(f"is not a valid polygon: {exc}") from exc
    if not polygon.is_valid:
        reason = explain_validity(polygon)
        if "Self-intersection" in reason:
            raise GeometryProblem(
                f"the boundary crosses itself ({reason}); redraw it so its edges do not cross"
            )
        raise GeometryProblem(f"is not a valid polygon ({reason})")
    return polygon


def load_boundary(path: Path) -> tuple[dict[str, Any], BaseGeometry]:
    """Read boundary.geojson; raises ContentFileError or GeometryProblem."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentFileError(f"is not valid JSON: {exc.msg}", exc.lineno) from exc
    try:
        polygon = polygon_from_geojson(data)
    except GeometryProblem as exc:
        line = _line_of(text, '"coordinates"')
        raise GeometryProblem(exc.message, line) from exc
    return data, polygon


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def patrol_shape(where: Any) -> BaseGeometry:
    return shape({"type": where.type, "coordinates": where.coordinates})
