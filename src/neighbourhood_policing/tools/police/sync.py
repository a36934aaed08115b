"""``invoke import-police``: create and refresh area folders from data.police.uk.

Everything for one area is fetched first, merged under the ownership rule
(``ownership.py``), validated against the content models, and only then written,
each file atomically, ``imported.json`` last. A failure while fetching an area
leaves its folder exactly as it was; ``dry_run`` writes nothing at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml as pyyaml
from pydantic import TypeAdapter, ValidationError
from tqdm import tqdm

from ...files import write_atomic
from ...models import FILE_MODELS
from . import importer, ownership
from .arguments import force_problem, option_like
from .client import PoliceAPIError, PoliceClient

AREAS_DIR = "neighbourhoods"
#: Show a progress bar (on a terminal) from this many areas up.
PROGRESS_FROM = 10
SCHEMA_HEADER = "# yaml-language-server: $schema=../../schemas/{name}.schema.json\n"


@dataclass
class AreaResult:
    slug: str
    neighbourhood: str
    created: bool = False
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    error: str | None = None

    def line(self) -> str:
        if self.error:
            return f"{self.slug or '?'} ({self.neighbourhood}): ERROR {self.error}"
        head = "new area" if self.created else ("updated" if self.written else "unchanged")
        files = f" [{', '.join(self.written)}]" if self.written else ""
        notes = f": {'; '.join(self.notes)}" if self.notes else ""
        return f"{self.slug} ({self.neighbourhood}): {head}{files}{notes}"


@dataclass
class ImportSummary:
    results: list[AreaResult] = field(default_factory=list)
    dry_run: bool = False
    requests: int = 0

    @property
    def failed(self) -> list[AreaResult]:
        return [r for r in self.results if r.error]

    def text(self) -> str:
        lines = [r.line() for r in self.results]
        created = sum(r.created for r in self.results if not r.error)
        updated = sum(bool(r.written) and not r.created for r in self.results if not r.error)
        lines.append(
            f"{len(self.results)} areas: {created} new, {updated} updated, "
            f"{len(self.results) - created - updated - len(self.failed)} unchanged, "
            f"{len(self.failed)} failed; {self.requests} requests to data.police.uk"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        )
        return "\n".join(lines)


def known_areas(root: Path) -> dict[tuple[str, str], str]:
    """(force, neighbourhood id) -> folder slug, from area.yaml or imported.json."""
    found: dict[tuple[str, str], str] = {}
    for folder in sorted((root / AREAS_DIR).glob("*/")):
        manifest = ownership.load_manifest(_read(folder / ownership.MANIFEST))
        if manifest.get("force") and manifest.get("neighbourhood"):
            found[(manifest["force"], str(manifest["neighbourhood"]))] = folder.name
            continue
        try:
            data = pyyaml.safe_load(_read(folder / "area.yaml") or "") or {}
        except pyyaml.YAMLError:
            continue
        ids = data.get("police_uk") if isinstance(data, dict) else None
        if isinstance(ids, dict) and ids.get("force") and ids.get("neighbourhood"):
            found[(str(ids["force"]), str(ids["neighbourhood"]))] = folder.name
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None


def new_slug(name: str, hood_id: str, taken: set[str]) -> str:
    """A folder name from the area's name; ids are unique only within a force, so they
    are a tie-breaker, never the address."""
    slug = importer.slugify(name)
    if slug in taken:
        slug = f"{slug}-{importer.slugify(hood_id)}"
    base, n = slug, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate(name: str, data: Any) -> str | None:
    try:
        TypeAdapter(FILE_MODELS[name][0]).validate_python(ownership.plain(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{name} would not be valid ({where}: {first['msg']}); nothing was written"
    return None


def plan_area(
    root: Path,
    slug: str,
    force: dict[str, Any],
    fetched: dict[str, Any],
    fallback_email: str,
    result: AreaResult,
) -> dict[Path, str]:
    """The new text of every file that changes in one area (nothing is written here)."""
    folder = root / AREAS_DIR / slug
    hood = fetched["hood"]
    manifest = ownership.load_manifest(_read(folder / ownership.MANIFEST))
    last: dict[str, dict[str, str]] = manifest.get("imported") or {}
    owned: dict[str, dict[str, str]] = {}
    files: dict[Path, str] = {}

    fields, notes = importer.area_fields(force, hood, fetched["people"])
    result.notes += notes
    area_text = _read(folder / "area.yaml")
    if area_text is None:
        result.created = True
        start = importer.new_area_fields(force, hood, fallback_email)
        if "contact" not in fields:
            fields["contact"] = start["contact"]
            result.notes.append(
                "no team email on data.police.uk: used the force's address; add the team's"
            )
        current = ownership.yaml_value(
            {
                "name": fields.get("name", slug),
                "district": start["district"],
                "summary": start["summary"],
                **fields,
            }
        )
        header = SCHEMA_HEADER.format(name="area")
    else:
        current = ownership.load_yaml(area_text)
        header = ""
    merge = ownership.merge_fields(current, fields, last.get("area.yaml", {}))
    owned["area.yaml"] = merge.owned
    if not result.created:
        result.notes += merge.notes
    if merge.changed or area_text is None:
        files[folder / "area.yaml"] = ownership.dump_yaml(current, header)
        problem = _validate("area.yaml", current)
        if problem:
            raise ValueError(problem)

    for name, (items, item_notes) in (
        ("priorities.yaml", importer.priorities(fetched["priorities"])),
        ("events.yaml", importer.events(fetched["events"])),
    ):
        result.notes += item_notes
        text = _read(folder / name)
        if text is None and not items:
            continue
        data = ownership.load_yaml(text) if text else None
        if data is None:
            data = ownership.yaml_value([])
        merge = ownership.merge_items(data, items, last.get(name, {}))
        owned[name] = merge.owned
        if merge.notes:
            result.notes.append(f"{name.split('.')[0]}: {', '.join(merge.notes)}")
        if merge.changed:
            header = "" if text else SCHEMA_HEADER.format(name=name.split(".")[0])
            files[folder / name] = ownership.dump_yaml(data, header)
            problem = _validate(name, data)
            if problem:
                raise ValueError(problem)

    shape = importer.boundary(fetched["boundary"], fields.get("name", slug))
    if shape is None:
        result.notes.append("no usable boundary on data.police.uk")
    else:
        text = _read(folder / "boundary.geojson")
        mine = ownership.fingerprint(shape["geometry"])
        theirs = None
        if text is not None:
            try:
                theirs = ownership.fingerprint(json.loads(text).get("geometry"))
            except (json.JSONDecodeError, AttributeError):
                theirs = "unreadable"
        previous = last.get("boundary.geojson", {}).get("geometry")
        if text is None or (theirs == previous and theirs != mine):
            files[folder / "boundary.geojson"] = json.dumps(shape, indent=2) + "\n"
            owned["boundary.geojson"] = {"geometry": mine}
            if text is not None:
                result.notes.append("updated boundary")
        elif theirs == mine:
            owned["boundary.geojson"] = {"geometry": mine}
        else:
            result.notes.append("kept boundary.geojson (drawn or edited by hand)")

    manifest_text = ownership.dump_manifest(force["id"], str(hood["id"]), owned)
    if files or manifest_text != _read(folder / ownership.MANIFEST):
        files[folder / ownership.MANIFEST] = manifest_text
    result.written = [p.name for p in files]
    return files


def fetch_area(client: PoliceClient, force: str, hood_id: str) -> dict[str, Any]:
    return {
        "hood": client.neighbourhood(force, hood_id),
        "people": client.people(force, hood_id),
        "priorities": client.priorities(force, hood_id),
        "events": client.events(force, hood_id),
        "boundary": client.boundary(force, hood_id),
    }


def import_police(
    root: Path,
    force: str,
    *,
    client: PoliceClient,
    neighbourhoods: list[str] | None = None,
    dry_run: bool = False,
    fallback_email: str = "",
    echo: Callable[[str], None] = print,
) -> ImportSummary:
    """Create and refresh ``root/neighbourhoods/<slug>/`` from data.police.uk."""
    summary = ImportSummary(dry_run=dry_run)
    force_info = client.force(force)
    ids = neighbourhoods or [str(h["id"]) for h in client.neighbourhoods(force)]
    known = known_areas(root)
    taken = (
        {p.name for p in (root / AREAS_DIR).glob("*/")} if (root / AREAS_DIR).is_dir() else set()
    )
    bar = tqdm(ids, unit="area", disable=None if len(ids) >= PROGRESS_FROM else True)
    for hood_id in bar:
        result = AreaResult(slug=known.get((force, hood_id), ""), neighbourhood=hood_id)
        summary.results.append(result)
        try:
            fetched = fetch_area(client, force, hood_id)
        except PoliceAPIError as exc:
            result.error = str(exc)
            continue
        if not result.slug:
            result.slug = new_slug(
                importer.plain_text(fetched["hood"].get("name")) or hood_id, hood_id, taken
            )
            taken.add(result.slug)
        try:
            files = plan_area(root, result.slug, force_info, fetched, fallback_email, result)
        except ValueError as exc:
            result.error = str(exc)
            continue
        if not dry_run:
            # imported.json goes last: if anything fails before it, the next run
            # still sees the old fingerprints and nothing is mistaken for an edit.
            for path in sorted(files, key=lambda p: p.name == ownership.MANIFEST):
                write_atomic(path, files[path])
    bar.close()
    summary.requests = client.requests_sent
    return summary


def run_import_police(
    root: Path,
    force: str,
    neighbourhoods: list[str],
    dry_run: bool,
    base_url: str,
    fallback_email: str,
    client: PoliceClient | None = None,
) -> int:
    """The task's body: import, print the summary; 1 if any area failed, 2 if none could."""
    problem = force_problem(force) or option_like(
        "import-police", "neighbourhood", neighbourhoods, "NC01"
    )
    if problem:
        print(f"import-police: {problem}")
        return 2
    client = client or PoliceClient(base_url)
    try:
        summary = import_police(
            root,
            force,
            client=client,
            neighbourhoods=neighbourhoods or None,
            dry_run=dry_run,
            fallback_email=fallback_email,
        )
    except PoliceAPIError as exc:
        print(f"import-police: {exc}")
        return 2
    print(summary.text())
    return 1 if summary.failed else 0
