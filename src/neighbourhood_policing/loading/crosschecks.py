"""Cross-checks: what one file says about another must hold.

A priority's patrols exist, a review is not overdue, a patrol place is inside its area,
an update's areas and priority exist.
"""

from __future__ import annotations

from pathlib import Path

from shapely.geometry.base import BaseGeometry

from .. import geo
from ..models import Patrol, UpdateMeta
from ..rules import review_overdue
from ..site import AreaRecord
from ..yamlfile import LineMap
from .context import LoadContext, suggest

#: How far (in degrees, about 150 m) a patrol place may stray over its area's boundary.
BOUNDARY_TOLERANCE = 0.002


def check_area(ctx: LoadContext, record: AreaRecord, line_maps: dict[str, LineMap]) -> None:
    """An area's priorities and patrols against each other and its boundary."""
    folder = ctx.root / record.folder
    patrol_ids = [p.id for p in record.patrols]
    patrols_unreadable = (record.slug, "patrols.yaml") in ctx.broken
    if record.priorities:
        lines = line_maps["priorities.yaml"]
        for index, priority in enumerate(record.priorities):
            for n, patrol_id in enumerate(priority.patrols):
                if patrol_id not in patrol_ids and not patrols_unreadable:
                    ctx.problem(
                        folder / "priorities.yaml",
                        lines.line_for((index, "patrols", n)),
                        f"no patrol has the id '{patrol_id}' in patrols.yaml"
                        + suggest(patrol_id, patrol_ids),
                        f"{priority.id}.patrols",
                    )
            if review_overdue(priority, ctx.build_date):
                ctx.problem(
                    folder / "priorities.yaml",
                    lines.line_for((index, "review")),
                    f"was due for review on {priority.review.isoformat()}; review it with "
                    "residents and set the next review date",
                    f"{priority.id}.review",
                    "warning",
                )
    if record.patrols:
        lines = line_maps["patrols.yaml"]
        # Widened once per area, not once per patrol: widening a boundary of a hundred
        # points is most of this check's time.
        near = record.shape.buffer(BOUNDARY_TOLERANCE) if record.shape is not None else None
        for index, patrol in enumerate(record.patrols):
            try:
                place = patrol_geometry(patrol)
            except geo.GeometryProblem as exc:
                ctx.problem(
                    folder / "patrols.yaml",
                    lines.line_for((index, "where")),
                    exc.message,
                    f"{patrol.id}.where",
                )
                continue
            if near is not None and not near.contains(place):
                ctx.problem(
                    folder / "patrols.yaml",
                    lines.line_for((index, "where")),
                    f"'{patrol.name}' is outside the area's boundary; check the coordinates "
                    "(longitude first) or the boundary",
                    f"{patrol.id}.where",
                    "warning",
                )


def patrol_geometry(patrol: Patrol) -> BaseGeometry:
    where = patrol.where
    if where.type == "Point":
        geo._check_position(list(where.coordinates))
        return geo.patrol_shape(where)
    return geo.polygon_from_geojson(
        {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in where.coordinates]}
    )


def update_areas(
    ctx: LoadContext, path: Path, meta: UpdateMeta, lines: LineMap, home: str | None
) -> list[str]:
    """The areas an update belongs to (its folder's, then ``areas:``); unknown ones reported."""
    areas = [home] if home else []
    for slug in meta.areas:
        if (slug, "area.yaml") in ctx.broken:
            continue
        if slug not in ctx.site.areas:
            ctx.problem(
                path,
                lines.line_for(("areas",)),
                f"there is no area '{slug}'{suggest(slug, sorted(ctx.site.areas), 3)}",
                "areas",
            )
        elif slug not in areas:
            areas.append(slug)
    return areas


def check_update_priority(
    ctx: LoadContext, path: Path, meta: UpdateMeta, lines: LineMap, areas: list[str]
) -> None:
    """An update's ``priority:`` must be one of its areas' priorities."""
    unreadable = any((a, "priorities.yaml") in ctx.broken for a in areas)
    if not meta.priority or unreadable:
        return
    known = [p.id for a in areas for p in ctx.site.areas[a].priorities if a]
    if meta.priority not in known:
        where = f"the priorities of {', '.join(areas)}" if areas else "any area"
        ctx.problem(
            path,
            lines.line_for(("priority",)),
            f"there is no priority '{meta.priority}' in {where}" + suggest(meta.priority, known),
            "priority",
        )
