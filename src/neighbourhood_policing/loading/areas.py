"""Areas: each ``neighbourhoods/<slug>/`` folder and its YAML and GeoJSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import geo, urls
from ..engagement import check_endpoint
from ..files import SettingsError, inside, relative
from ..models import FILE_MODELS, Area, CrimeFigures, Event, Patrol, Priority, UpdateMeta
from ..problems import known_field_names, problems_from_validation
from ..rules import SLUG_RE
from ..site import AreaRecord
from ..yamlfile import ContentFileError, LineMap, read_text
from . import crosschecks
from .context import LoadContext, suggest
from .safety import safe_path

AREA_FILES = {"area.yaml", "priorities.yaml", "patrols.yaml", "events.yaml", "boundary.geojson"}
AREA_FILES |= {"crime.yaml", "imported.json"}  # written by invoke import-crime / import-police
AREA_SUBFOLDERS = {"updates", "photos", "images", "reports"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}
ROOT_FILES = {"postcodes.csv", "README.md"}
#: The area's lists, as (file, AreaRecord attribute).
LIST_FILES = (
    ("priorities.yaml", "priorities"),
    ("patrols.yaml", "patrols"),
    ("events.yaml", "events"),
)

KNOWN_FIELDS = known_field_names([Area, Priority, Patrol, Event, UpdateMeta, CrimeFigures])
_ADAPTERS = {name: TypeAdapter(model) for name, (model, _) in FILE_MODELS.items()}


def load_model(ctx: LoadContext, path: Path, name: str) -> tuple[Any, Any, LineMap] | None:
    """Parse and validate one YAML file: (model, raw data, lines) or None (reported)."""
    if not safe_path(ctx, path):
        return None
    try:
        data, lines = ctx.memo.yaml(read_text(path))
    except ContentFileError as exc:
        ctx.problem(path, exc.line, exc.message)
        return None
    if data is None:
        if name == "area.yaml":
            ctx.problem(path, 1, "is empty; it needs name, district, summary and contact")
            return None
        data = []
    try:
        model = _ADAPTERS[name].validate_python(data)
    except ValidationError as exc:
        ctx.site.problems.extend(
            problems_from_validation(
                exc,
                path=relative(ctx.root, path),
                data=data,
                lines=lines,
                known_fields=KNOWN_FIELDS,
            )
        )
        return None
    return model, data, lines


def load_areas(ctx: LoadContext) -> None:
    folder = ctx.root / urls.AREAS_DIR
    if not folder.is_dir():
        ctx.problem(urls.AREAS_DIR, None, "folder is missing; create it with one folder per area")
        return
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            if entry.name not in ROOT_FILES and not entry.name.endswith(".json"):
                ctx.problem(
                    entry,
                    None,
                    "is not used: each area needs its own folder, e.g. "
                    "neighbourhoods/ludlow/area.yaml",
                )
            continue
        if not safe_path(ctx, entry):
            continue
        load_area(ctx, entry)


def load_area(ctx: LoadContext, folder: Path) -> None:
    slug = folder.name
    if not SLUG_RE.match(slug):
        ctx.problem(
            folder,
            None,
            f"the folder name '{slug}' becomes the web address; use lower-case letters, "
            "numbers and hyphens only, e.g. church-stretton",
        )
        return
    area_file = folder / "area.yaml"
    if not area_file.exists():
        ctx.problem(
            folder,
            None,
            "has no area.yaml; every neighbourhood folder needs one (copy one from another "
            "area and change it)",
        )
        return
    check_folder_contents(ctx, folder)
    loaded = load_model(ctx, area_file, "area.yaml")
    if loaded is None:
        ctx.broken.add((slug, "area.yaml"))
        return
    record = AreaRecord(slug=slug, folder=relative(ctx.root, folder), area=loaded[0])
    check_photos(ctx, record, loaded[2], area_file)
    check_feedback_endpoint(ctx, record, loaded[2], area_file)
    lines: dict[str, LineMap] = {}
    for name, attr in LIST_FILES:
        path = folder / name
        if path.exists():
            result = load_model(ctx, path, name)
            if result is None:
                ctx.broken.add((slug, name))
            else:
                setattr(record, attr, list(result[0]))
                lines[name] = result[2]
                check_unique_ids(ctx, path, result[0], result[2])
    if (folder / "crime.yaml").exists():
        crime = load_model(ctx, folder / "crime.yaml", "crime.yaml")
        record.crime = crime[0] if crime else None
    load_boundary(ctx, record, folder / "boundary.geojson")
    crosschecks.check_area(ctx, record, lines)
    ctx.site.areas[slug] = record


def load_boundary(ctx: LoadContext, record: AreaRecord, boundary: Path) -> None:
    if not boundary.exists() or not safe_path(ctx, boundary):
        return
    try:
        record.boundary, record.shape = geo.load_boundary(boundary)
    except (ContentFileError, geo.GeometryProblem) as exc:
        ctx.problem(boundary, exc.line, exc.message)
    except (RecursionError, TypeError, ValueError, IndexError, AttributeError):
        ctx.problem(
            boundary,
            None,
            "is not a GeoJSON Polygon we can read; it needs "
            '{"type": "Polygon", "coordinates": [[[longitude, latitude], …]]}',
        )


def check_folder_contents(ctx: LoadContext, folder: Path) -> None:
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_dir():
            if name not in AREA_SUBFOLDERS:
                ctx.problem(
                    entry,
                    None,
                    f"folder '{name}' is not used{suggest(name, sorted(AREA_SUBFOLDERS))} "
                    "(updates go in updates/, photos in photos/)",
                )
            elif name == "updates":
                for item in sorted(entry.iterdir()):
                    if item.name.startswith("."):
                        continue
                    if item.suffix != ".md" and item.suffix.lower() not in IMAGE_SUFFIXES:
                        ctx.problem(
                            item,
                            None,
                            "is not used: updates must be Markdown files ending in .md",
                        )
            continue
        if name not in AREA_FILES:
            ctx.problem(
                entry,
                None,
                f"is not a file we use{suggest(name, sorted(AREA_FILES))}"
                + ("; updates go in the updates/ folder" if name.endswith(".md") else ""),
            )


def check_photos(ctx: LoadContext, record: AreaRecord, lines: LineMap, path: Path) -> None:
    for index, member in enumerate(record.area.team):
        if member.photo:
            photo = ctx.root / record.folder / member.photo
            if not photo.is_file() or not inside(ctx.root / record.folder, photo):
                ctx.problem(
                    path,
                    lines.line_for(("team", index, "photo")),
                    f"the photo '{member.photo}' does not exist in {record.folder}/; add the "
                    "file or remove the line",
                    f"team[{index + 1}].photo",
                )


def check_feedback_endpoint(
    ctx: LoadContext, record: AreaRecord, lines: LineMap, path: Path
) -> None:
    """An http:// test endpoint (the model allows only 127.0.0.1 and localhost) needs the
    FEEDBACK_ALLOW_INSECURE_LOCALHOST setting; name its line otherwise."""
    endpoint = record.area.feedback_endpoint
    if endpoint is None:
        return
    allow = bool(ctx.settings.get("FEEDBACK_ALLOW_INSECURE_LOCALHOST"))
    try:
        check_endpoint(endpoint, "the address", allow_insecure_localhost=allow)
    except SettingsError as exc:
        ctx.problem(path, lines.line_for(("feedback_endpoint",)), str(exc), "feedback_endpoint")


def check_unique_ids(ctx: LoadContext, path: Path, items: list[Any], lines: LineMap) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = lines.line_for((index, "id"))
        if item.id in seen:
            ctx.problem(
                path,
                line,
                f"the id '{item.id}' is used twice (first as item {seen[item.id] + 1}); "
                "give each one a different id",
                f"{item.id}.id",
            )
        else:
            seen[item.id] = index
