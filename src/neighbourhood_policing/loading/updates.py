"""Updates: the metadata block of every update file, and the index of updates by area."""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from .. import privacy, urls
from ..files import relative
from ..models import UpdateMeta
from ..problems import problems_from_validation
from ..rules import local, newest_first_key, timezone
from ..site import Site, UpdateInfo
from ..yamlfile import LineMap
from . import crosschecks
from .areas import KNOWN_FIELDS
from .context import LoadContext
from .frontmatter import split_front_matter
from .safety import check_references, read_markdown

_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$")


def parse_header(text: str) -> tuple[dict[str, str], LineMap, tuple[int, str] | None]:
    """Read an update's metadata block (``Key: value`` lines up to the first blank line).

    Returns (metadata, lines, error) where error is (line, message) for a block
    that cannot be read at all.
    """
    meta, lines_map, error, _ = split_header(text)
    return meta, lines_map, error


def split_header(
    text: str,
) -> tuple[dict[str, str], LineMap, tuple[int, str] | None, str]:
    """``parse_header``, and the Markdown body after the block (what the reader renders).

    Two forms are read, with the same keys and the same checks: Pelican's ``Key: value``
    lines up to the first blank line, and YAML front matter between two ``---`` lines
    (what a CMS writes). Values come back as the text Pelican's header would hold.
    """
    rows = text.split("\n")
    if rows and rows[0].strip() == "---":
        return split_front_matter(rows)
    lines_map = LineMap()
    meta: dict[str, str] = {}
    last: str | None = None
    end = len(rows)
    for index, row in enumerate(rows):
        number = index + 1
        if not row.strip():
            end = index
            break
        match = _HEADER_LINE.match(row)
        if match:
            key = match.group(1).lower()
            if key in meta:
                message = (
                    f"has '{match.group(1)}:' twice (first on line "
                    f"{lines_map.lines[(key,)]}); keep one"
                )
                return meta, lines_map, (number, message), ""
            meta[key] = match.group(2).strip()
            lines_map.lines[(key,)] = number
            last = key
        elif last and row[:1] in {" ", "\t"}:
            meta[last] = f"{meta[last]} {row.strip()}".strip()
        else:
            end = index
            break
    if not meta:
        message = (
            "has no metadata block; start the file with lines such as 'Title: …', "
            "'Date: 2026-11-20 10:00' and 'Category: Crime update', then a blank line"
        )
        return meta, lines_map, (1, message), ""
    lines_map.lines[()] = 1
    return meta, lines_map, None, "\n".join(rows[end:])


def update_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Every update file, with the area whose folder holds it (None: force-wide)."""
    force_wide = root / urls.UPDATES_DIR
    if force_wide.is_dir():
        for path in sorted(force_wide.rglob("*.md")):
            yield path, None
    areas_dir = root / urls.AREAS_DIR
    if areas_dir.is_dir():
        for path in sorted(areas_dir.glob("*/updates/*.md")):
            yield path, path.parent.parent.name


def privacy_rules(ctx: LoadContext) -> privacy.PrivacyRules:
    contacts = [record.area.contact for record in ctx.site.areas.values()]
    return privacy.PrivacyRules.from_settings(
        ctx.settings,
        team_phones=[c.phone for c in contacts],
        team_emails=[c.email for c in contacts],
    )


def load_updates(ctx: LoadContext) -> None:
    """Read and check every update's metadata into ``site.updates``."""
    seen_urls: dict[str, str] = {}
    rules = privacy_rules(ctx)
    zone = timezone(ctx.settings)
    for path, home in update_files(ctx.root):
        if home is not None and home not in ctx.site.areas:
            continue  # the area folder itself has errors, already reported
        text = read_markdown(ctx, path)
        if text is None:
            continue
        rel = relative(ctx.root, path)
        raw, lines, error = parse_header(text)
        if error:
            ctx.problem(path, error[0], error[1])
            continue
        check_references(ctx, path, text)
        for finding in ctx.memo.privacy(text, rules):
            ctx.problem(path, finding.line, finding.message, severity="warning")
        try:
            meta = UpdateMeta.model_validate(raw)
        except ValidationError as exc:
            ctx.site.problems.extend(
                problems_from_validation(
                    exc, path=rel, data=raw, lines=lines, known_fields=KNOWN_FIELDS
                )
            )
            continue
        areas = crosschecks.update_areas(ctx, path, meta, lines, home)
        crosschecks.check_update_priority(ctx, path, meta, lines, areas)
        url = urls.update_url(home, meta.slug or path.stem)
        if url in seen_urls:
            ctx.problem(
                path,
                lines.line_for(("slug",)) or 1,
                f"has the same web address as {seen_urls[url]}; rename one of the files",
            )
        seen_urls[url] = rel
        ctx.site.updates[rel] = UpdateInfo(
            source=rel,
            meta=meta,
            home=home,
            areas=areas,
            date=local(meta.date, zone),
            url=url,
        )


def index_updates(site: Site) -> None:
    """Give every area its updates, in one pass over the updates and one merge per area.

    Each area gets ``own_updates`` (its folder's and those naming it in ``areas:``) and
    ``updates`` (those and the force-wide ones, newest first); drafts are left out.
    """
    force_wide: list[UpdateInfo] = []
    for info in sorted(site.published_updates(), key=newest_first_key, reverse=True):
        info.area_records = [site.areas[slug] for slug in info.areas]
        info.home_record = site.areas.get(info.home) if info.home else None
        if info.force_wide:
            force_wide.append(info)
        for record in info.area_records:
            record.own_updates.append(info)
    site.force_wide_updates = force_wide
    for record in site.areas.values():
        record.updates = list(
            heapq.merge(record.own_updates, force_wide, key=newest_first_key, reverse=True)
        )
