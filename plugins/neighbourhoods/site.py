"""Load and validate all neighbourhood content into one site model.

``load_site(root)`` reads every ``neighbourhoods/<slug>/`` folder and the
metadata of every update, checks it all, and returns the model together with
every problem found (it never stops at the first). It is used by ``invoke
validate`` and by every build, so both report the same problems.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from shapely.geometry.base import BaseGeometry

from . import geo, privacy
from .files import inside, relative
from .models import (
    FILE_MODELS,
    Area,
    CrimeFigures,
    Event,
    Patrol,
    Priority,
    Status,
    UpdateMeta,
)
from .problems import Problem, known_field_names, problems_from_validation
from .references import markdown_references, reference_problem
from .yamlfile import ContentFileError, LineMap, load_yaml_file, read_text

AREAS_DIR = "neighbourhoods"
UPDATES_DIR = "content/updates"
PAGES_DIR = "content/pages"
AREA_FILES = {"area.yaml", "priorities.yaml", "patrols.yaml", "events.yaml", "boundary.geojson"}
AREA_FILES |= {"crime.yaml", "imported.json"}  # written by invoke import-crime / import-police
AREA_SUBFOLDERS = {"updates", "photos", "images"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}
ROOT_FILES = {"postcodes.csv", "README.md"}
MAX_UPDATE_BYTES = 1_000_000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_KNOWN_FIELDS = known_field_names([Area, Priority, Patrol, Event, UpdateMeta, CrimeFigures])
_ADAPTERS = {name: TypeAdapter(model) for name, (model, _) in FILE_MODELS.items()}


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
    #: crime.yaml: monthly crime figures by category, or None.
    crime: CrimeFigures | None = None
    #: Updates that belong to this area (its own folder and ``areas:``), newest first.
    own_updates: list[Any] = field(default_factory=list)
    #: Own and force-wide updates merged, newest first (set when updates are attached).
    updates: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.area.name

    @property
    def url(self) -> str:
        return f"{AREAS_DIR}/{self.slug}/"

    def patrol(self, patrol_id: str) -> Patrol | None:
        return next((p for p in self.patrols if p.id == patrol_id), None)

    def priority(self, priority_id: str) -> Priority | None:
        return next((p for p in self.priorities if p.id == priority_id), None)


@dataclass
class UpdateInfo:
    """The validated metadata of one update file."""

    source: str
    meta: UpdateMeta
    home: str | None  # the area whose folder holds it; None for force-wide
    areas: list[str]  # every area it belongs to (empty and force_wide: all areas)

    @property
    def force_wide(self) -> bool:
        return self.home is None and not self.areas


@dataclass
class Site:
    root: Path
    build_date: dt.date
    areas: dict[str, AreaRecord] = field(default_factory=dict)
    updates: dict[str, UpdateInfo] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    force_wide_updates: list[Any] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def areas_by_name(self) -> list[AreaRecord]:
        return sorted(self.areas.values(), key=lambda a: (a.name.casefold(), a.slug))

    def update_sources(self) -> list[str]:
        """Relative folders Pelican should read updates from."""
        folders = [UPDATES_DIR]
        folders += [f"{AREAS_DIR}/{slug}/updates" for slug in sorted(self.areas)]
        return [f for f in folders if (self.root / f).is_dir()]


def build_date_from_env() -> dt.date:
    """The date the build treats as today: SOURCE_DATE_EPOCH when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def _suggest(name: str, choices: list[str], n: int = 1) -> str:
    close = difflib.get_close_matches(name, choices, n=n, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


class _Loader:
    def __init__(
        self, root: Path, build_date: dt.date, settings: dict[str, Any] | None = None
    ) -> None:
        self.root = root
        self.site = Site(root=root, build_date=build_date)
        self.settings = settings or {}
        self.outside_links: set[Path] = set()
        #: (area slug, file name) pairs that could not be loaded; their errors are
        #: reported once, and references into them are not reported again.
        self.broken: set[tuple[str, str]] = set()

    # -- reporting -------------------------------------------------------
    def problem(
        self,
        path: Path | str,
        line: int | None,
        message: str,
        field: str | None = None,
        severity: str = "error",
    ) -> None:
        rel = path if isinstance(path, str) else relative(self.root, path)
        self.site.problems.append(Problem(rel, line, field, message, severity))  # type: ignore[arg-type]

    # -- files -----------------------------------------------------------
    def safe_path(self, path: Path) -> bool:
        """False (reported once) for a file that is, or sits behind, a link out of the repo."""
        if inside(self.root, path):
            return True
        if path.is_symlink():
            self.report_outside_link(path)
        return False

    def report_outside_link(self, path: Path) -> None:
        if path in self.outside_links:
            return
        self.outside_links.add(path)
        self.problem(
            path,
            None,
            "is a symbolic link to a place outside the repository; replace it with the file "
            "itself",
        )

    def check_symlinks(self) -> None:
        """Every symbolic link under the content folders must stay inside the repository.

        Pelican copies static files and reads pages by following links, so a link to
        /etc/passwd or a home folder would otherwise be published.
        """
        for top in (self.root / AREAS_DIR, self.root / "content"):
            if not top.is_dir():
                continue
            for folder, dirs, files in os.walk(top):
                for name in sorted([*dirs, *files]):
                    entry = Path(folder) / name
                    if entry.is_symlink() and not inside(self.root, entry):
                        self.report_outside_link(entry)

    def check_references(self, path: Path, text: str) -> None:
        """Images and links in Markdown that point at files must point at files that exist."""
        for line, target, image in markdown_references(text):
            message = reference_problem(self.root, path, target, image)
            if message:
                self.problem(path, line, message)

    def load_pages(self) -> None:
        """Pages are read by Pelican; check first that each one can be read at all."""
        folder = self.root / PAGES_DIR
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*.md")):
            if not self.safe_path(path):
                continue
            try:
                text = read_text(path, max_bytes=MAX_UPDATE_BYTES)
            except ContentFileError as exc:
                self.problem(path, exc.line, exc.message)
                continue
            self.check_references(path, text)

    def load_model(self, path: Path, name: str) -> tuple[Any, Any, LineMap] | None:
        """Parse and validate one YAML file: (model, raw data, lines) or None."""
        if not self.safe_path(path):
            return None
        try:
            data, lines = load_yaml_file(path)
        except ContentFileError as exc:
            self.problem(path, exc.line, exc.message)
            return None
        if data is None:
            if name == "area.yaml":
                self.problem(path, 1, "is empty; it needs name, district, summary and contact")
                return None
            data = []
        try:
            model = _ADAPTERS[name].validate_python(data)
        except ValidationError as exc:
            self.site.problems.extend(
                problems_from_validation(
                    exc,
                    path=relative(self.root, path),
                    data=data,
                    lines=lines,
                    known_fields=_KNOWN_FIELDS,
                )
            )
            return None
        return model, data, lines

    # -- areas -----------------------------------------------------------
    def load_areas(self) -> None:
        folder = self.root / AREAS_DIR
        if not folder.is_dir():
            self.problem(AREAS_DIR, None, "folder is missing; create it with one folder per area")
            return
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_file():
                if entry.name not in ROOT_FILES and not entry.name.endswith(".json"):
                    self.problem(
                        entry,
                        None,
                        "is not used: each area needs its own folder, e.g. "
                        "neighbourhoods/ludlow/area.yaml",
                    )
                continue
            if not self.safe_path(entry):
                continue
            self.load_area(entry)

    def load_area(self, folder: Path) -> None:
        slug = folder.name
        if not SLUG_RE.match(slug):
            self.problem(
                folder,
                None,
                f"the folder name '{slug}' becomes the web address; use lower-case letters, "
                "numbers and hyphens only, e.g. church-stretton",
            )
            return
        area_file = folder / "area.yaml"
        if not area_file.exists():
            self.problem(
                folder,
                None,
                "has no area.yaml; every neighbourhood folder needs one (copy one from another "
                "area and change it)",
            )
            return
        self.check_folder_contents(folder)
        loaded = self.load_model(area_file, "area.yaml")
        if loaded is None:
            self.broken.add((slug, "area.yaml"))
            return
        record = AreaRecord(slug=slug, folder=relative(self.root, folder), area=loaded[0])
        self.check_photos(record, loaded[2], area_file)
        lines: dict[str, LineMap] = {}
        for name, attr in (
            ("priorities.yaml", "priorities"),
            ("patrols.yaml", "patrols"),
            ("events.yaml", "events"),
        ):
            path = folder / name
            if path.exists():
                result = self.load_model(path, name)
                if result is None:
                    self.broken.add((slug, name))
                else:
                    setattr(record, attr, list(result[0]))
                    lines[name] = result[2]
                    self.check_unique_ids(path, result[0], result[2])
        if (folder / "crime.yaml").exists():
            crime = self.load_model(folder / "crime.yaml", "crime.yaml")
            record.crime = crime[0] if crime else None
        boundary = folder / "boundary.geojson"
        if boundary.exists() and self.safe_path(boundary):
            try:
                record.boundary, record.shape = geo.load_boundary(boundary)
            except (ContentFileError, geo.GeometryProblem) as exc:
                self.problem(boundary, exc.line, exc.message)
            except (RecursionError, TypeError, ValueError, IndexError, AttributeError):
                self.problem(
                    boundary,
                    None,
                    "is not a GeoJSON Polygon we can read; it needs "
                    '{"type": "Polygon", "coordinates": [[[longitude, latitude], …]]}',
                )
        self.check_area_links(record, lines)
        self.site.areas[slug] = record

    def check_folder_contents(self, folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir():
                if name not in AREA_SUBFOLDERS:
                    self.problem(
                        entry,
                        None,
                        f"folder '{name}' is not used{_suggest(name, sorted(AREA_SUBFOLDERS))} "
                        "(updates go in updates/, photos in photos/)",
                    )
                elif name == "updates":
                    for item in sorted(entry.iterdir()):
                        if item.name.startswith("."):
                            continue
                        if item.suffix != ".md" and item.suffix.lower() not in IMAGE_SUFFIXES:
                            self.problem(
                                item,
                                None,
                                "is not used: updates must be Markdown files ending in .md",
                            )
                continue
            if name not in AREA_FILES:
                self.problem(
                    entry,
                    None,
                    f"is not a file we use{_suggest(name, sorted(AREA_FILES))}"
                    + ("; updates go in the updates/ folder" if name.endswith(".md") else ""),
                )

    def check_photos(self, record: AreaRecord, lines: LineMap, path: Path) -> None:
        for index, member in enumerate(record.area.team):
            if member.photo:
                photo = self.root / record.folder / member.photo
                if not photo.is_file() or not inside(self.root / record.folder, photo):
                    self.problem(
                        path,
                        lines.line_for(("team", index, "photo")),
                        f"the photo '{member.photo}' does not exist in {record.folder}/; add the "
                        "file or remove the line",
                        f"team[{index + 1}].photo",
                    )

    def check_unique_ids(self, path: Path, items: list[Any], lines: LineMap) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            line = lines.line_for((index, "id"))
            if item.id in seen:
                self.problem(
                    path,
                    line,
                    f"the id '{item.id}' is used twice (first as item {seen[item.id] + 1}); "
                    "give each one a different id",
                    f"{item.id}.id",
                )
            else:
                seen[item.id] = index

    def check_area_links(self, record: AreaRecord, line_maps: dict[str, LineMap]) -> None:
        folder = self.root / record.folder
        patrol_ids = [p.id for p in record.patrols]
        patrols_unreadable = (record.slug, "patrols.yaml") in self.broken
        if record.priorities:
            lines = line_maps["priorities.yaml"]
            for index, priority in enumerate(record.priorities):
                for n, patrol_id in enumerate(priority.patrols):
                    if patrol_id not in patrol_ids and not patrols_unreadable:
                        self.problem(
                            folder / "priorities.yaml",
                            lines.line_for((index, "patrols", n)),
                            f"no patrol has the id '{patrol_id}' in patrols.yaml"
                            + _suggest(patrol_id, patrol_ids),
                            f"{priority.id}.patrols",
                        )
                if priority.status is not Status.closed and priority.review < self.site.build_date:
                    self.problem(
                        folder / "priorities.yaml",
                        lines.line_for((index, "review")),
                        f"was due for review on {priority.review.isoformat()}; review it with "
                        "residents and set the next review date",
                        f"{priority.id}.review",
                        "warning",
                    )
        if record.patrols:
            lines = line_maps["patrols.yaml"]
            for index, patrol in enumerate(record.patrols):
                try:
                    place = self.patrol_geometry(patrol)
                except geo.GeometryProblem as exc:
                    self.problem(
                        folder / "patrols.yaml",
                        lines.line_for((index, "where")),
                        exc.message,
                        f"{patrol.id}.where",
                    )
                    continue
                if record.shape is not None and not record.shape.buffer(0.002).contains(place):
                    self.problem(
                        folder / "patrols.yaml",
                        lines.line_for((index, "where")),
                        f"'{patrol.name}' is outside the area's boundary; check the coordinates "
                        "(longitude first) or the boundary",
                        f"{patrol.id}.where",
                        "warning",
                    )

    @staticmethod
    def patrol_geometry(patrol: Patrol) -> BaseGeometry:
        where = patrol.where
        if where.type == "Point":
            geo._check_position(list(where.coordinates))
            return geo.patrol_shape(where)
        return geo.polygon_from_geojson(
            {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in where.coordinates]}
        )

    # -- updates ---------------------------------------------------------
    def update_files(self) -> Iterator[tuple[Path, str | None]]:
        force_wide = self.root / UPDATES_DIR
        if force_wide.is_dir():
            for path in sorted(force_wide.rglob("*.md")):
                yield path, None
        areas_dir = self.root / AREAS_DIR
        if areas_dir.is_dir():
            for path in sorted(areas_dir.glob("*/updates/*.md")):
                yield path, path.parent.parent.name

    def privacy_rules(self) -> privacy.PrivacyRules:
        contacts = [record.area.contact for record in self.site.areas.values()]
        return privacy.PrivacyRules.from_settings(
            self.settings,
            team_phones=[c.phone for c in contacts],
            team_emails=[c.email for c in contacts],
        )

    def load_updates(self) -> None:
        area_slugs = sorted(self.site.areas)
        urls: dict[str, str] = {}
        rules = self.privacy_rules()
        for path, home in self.update_files():
            if home is not None and home not in self.site.areas:
                continue  # the area folder itself has errors, already reported
            if not self.safe_path(path):
                continue
            rel = relative(self.root, path)
            try:
                text = read_text(path, max_bytes=MAX_UPDATE_BYTES)
            except ContentFileError as exc:
                self.problem(path, exc.line, exc.message)
                continue
            raw, lines, error = parse_header(text)
            if error:
                self.problem(path, error[0], error[1])
                continue
            self.check_references(path, text)
            for finding in privacy.scan(text, rules):
                self.problem(path, finding.line, finding.message, severity="warning")
            try:
                meta = UpdateMeta.model_validate(raw)
            except ValidationError as exc:
                self.site.problems.extend(
                    problems_from_validation(
                        exc, path=rel, data=raw, lines=lines, known_fields=_KNOWN_FIELDS
                    )
                )
                continue
            areas = [home] if home else []
            for slug in meta.areas:
                if (slug, "area.yaml") in self.broken:
                    continue
                if slug not in self.site.areas:
                    self.problem(
                        path,
                        lines.line_for(("areas",)),
                        f"there is no area '{slug}'{_suggest(slug, area_slugs, 3)}",
                        "areas",
                    )
                elif slug not in areas:
                    areas.append(slug)
            unreadable = any((a, "priorities.yaml") in self.broken for a in areas)
            if meta.priority and not unreadable:
                known = [p.id for a in areas for p in self.site.areas[a].priorities if a]
                if meta.priority not in known:
                    where = f"the priorities of {', '.join(areas)}" if areas else "any area"
                    self.problem(
                        path,
                        lines.line_for(("priority",)),
                        f"there is no priority '{meta.priority}' in {where}"
                        + _suggest(meta.priority, known),
                        "priority",
                    )
            slug = meta.slug or path.stem
            url = update_url(home, slug)
            if url in urls:
                self.problem(
                    path,
                    lines.line_for(("slug",)) or 1,
                    f"has the same web address as {urls[url]}; rename one of the files",
                )
            urls[url] = rel
            self.site.updates[rel] = UpdateInfo(source=rel, meta=meta, home=home, areas=areas)


def update_url(home: str | None, slug: str) -> str:
    """The URL (relative to the site root) of an update page."""
    if home:
        return f"{AREAS_DIR}/{home}/updates/{slug}/"
    return f"updates/{slug}/"


_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$")


def parse_header(text: str) -> tuple[dict[str, str], LineMap, tuple[int, str] | None]:
    """Read an update's metadata block (``Key: value`` lines up to the first blank line).

    Returns (metadata, lines, error) where error is (line, message) for a block
    that cannot be read at all.
    """
    lines_map = LineMap()
    meta: dict[str, str] = {}
    rows = text.split("\n")
    start = 0
    if rows and rows[0].strip() == "---":
        start = 1
    last: str | None = None
    for number, row in enumerate(rows[start:], start=start + 1):
        if not row.strip() or row.strip() in {"---", "..."}:
            break
        match = _HEADER_LINE.match(row)
        if match:
            key = match.group(1).lower()
            if key in meta:
                return (
                    meta,
                    lines_map,
                    (
                        number,
                        f"has '{match.group(1)}:' twice (first on line "
                        f"{lines_map.lines[(key,)]}); keep one",
                    ),
                )
            meta[key] = match.group(2).strip()
            lines_map.lines[(key,)] = number
            last = key
        elif last and row[:1] in {" ", "\t"}:
            meta[last] = f"{meta[last]} {row.strip()}".strip()
        else:
            break
    if not meta:
        return (
            meta,
            lines_map,
            (
                1,
                "has no metadata block; start the file with lines such as 'Title: …', "
                "'Date: 2026-11-20 10:00' and 'Category: Crime update', then a blank line",
            ),
        )
    lines_map.lines[()] = start + 1
    return meta, lines_map, None


def load_site(
    root: Path | str,
    build_date: dt.date | None = None,
    settings: dict[str, Any] | None = None,
) -> Site:
    """Read and check all content below ``root``; problems are in ``site.problems``.

    ``settings`` (Pelican's) supplies FORCE_DOMAINS and PRIVACY_ALLOWED_PHONES for the
    personal data guard.
    """
    loader = _Loader(Path(root), build_date or build_date_from_env(), settings)
    loader.check_symlinks()
    loader.load_areas()
    loader.load_updates()
    loader.load_pages()
    site = loader.site
    site.areas = {a.slug: a for a in site.areas_by_name()}
    return site
