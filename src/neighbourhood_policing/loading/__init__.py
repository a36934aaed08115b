"""Load and validate all neighbourhood content into one site model.

``load_site(root)`` reads every ``neighbourhoods/<slug>/`` folder and the metadata of
every update, checks it all, and returns the model together with every problem found
(it never stops at the first). ``invoke validate``, the tools and every build use it,
so all of them report the same problems and see the same model. The work is split by
job: ``safety`` (links out of the repository, unreadable files, references),
``areas`` (area folders and their files), ``updates`` (update metadata and the index of
updates by area) and ``crosschecks`` (what one file says about another); once every
area is read, ``geography.check_site`` checks what needs all the boundaries at once
(stations, overlaps, neighbours, the postcode lookup).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .. import collector
from ..engagement import force_surveys
from ..files import SettingsError
from ..geography import check_site
from ..rules import build_date_from_env
from ..site import Site
from .areas import load_areas
from .context import LoadContext
from .memo import LoadMemo
from .reports import load_reports
from .safety import check_pages, check_symlinks
from .updates import index_updates, load_updates, parse_header, split_header

__all__ = ["load_site", "parse_header", "split_header"]


def load_site(
    root: Path | str,
    build_date: dt.date | None = None,
    settings: dict[str, Any] | None = None,
) -> Site:
    """Read and check all content below ``root``; problems are in ``site.problems``.

    ``settings`` (Pelican's) supplies TIMEZONE, FORCE_DOMAINS, PRIVACY_ALLOWED_PHONES and
    the force-wide SURVEYS.
    """
    ctx = LoadContext(Path(root), build_date or build_date_from_env(), dict(settings or {}))
    ctx.memo = LoadMemo.for_build(ctx.settings)
    collector.long_lived()  # in a build, the code and the last build's memory
    check_symlinks(ctx)
    load_areas(ctx)
    check_site(ctx.site)  # what needs every boundary at once
    collector.long_lived()  # in a build, the areas
    load_updates(ctx)
    check_pages(ctx)
    site = ctx.site
    try:
        site.surveys = force_surveys(ctx.settings)
    except SettingsError as exc:
        ctx.problem("pelicanconf.py", None, str(exc))
    site.areas = {a.slug: a for a in site.areas_by_name()}
    index_updates(site)
    load_reports(ctx)
    ctx.memo.save()
    return site
