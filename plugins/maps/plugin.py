"""Signal receivers, the ``maps`` Jinja global and the generator of the lookup files."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from neighbourhoods import lookup
from neighbourhoods.files import absolute_url, write_atomic
from neighbourhoods.maps import AreaMap, MapMaker, Overview

logger = logging.getLogger(__name__)


class SiteMaps:
    """The Jinja global ``maps``; drawn on first use, once per build."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self._maker: MapMaker | None = None
        self._areas: dict[str, AreaMap | None] = {}
        self._overview: Overview | bool | None = False

    @property
    def site(self) -> Any:
        return self.settings["SITE_MODEL"]

    @property
    def siteurl(self) -> str:
        return self.settings.get("SITEURL", "")

    @property
    def maker(self) -> MapMaker:
        if self._maker is None:
            records = [self.site.areas[s] for s in sorted(self.site.areas)]
            colours = self.settings.get("THEME_COLOURS") or {}
            palette = {k: colours[k] for k in ("brand", "brand_text") if colours.get(k)}
            self._maker = MapMaker(
                records, lambda r: absolute_url(self.siteurl, r.url), palette=palette
            )
        return self._maker

    def area(self, record: Any) -> AreaMap | None:
        if record.slug not in self._areas:
            self._areas[record.slug] = self.maker.area(record)
        return self._areas[record.slug]

    def map_url(self, record: Any, detail: bool = False) -> str:
        return absolute_url(self.siteurl, map_path(record, detail))

    def overview(self) -> Overview | None:
        if self._overview is False:
            self._overview = self.maker.overview()
        return self._overview  # type: ignore[return-value]

    def overview_url(self) -> str:
        return absolute_url(self.siteurl, OVERVIEW_IMAGE)

    def neighbours(self, record: Any) -> list[Any]:
        return [self.site.areas[s] for s in record.neighbours if s in self.site.areas]

    @property
    def lookup_url(self) -> str:
        return absolute_url(self.siteurl, f"{lookup.LOOKUP_DIR}/")

    @property
    def enabled(self) -> bool:
        return self.site.postcodes is not None


OVERVIEW_IMAGE = "neighbourhoods/overview.svg"


def map_path(record: Any, detail: bool = False) -> str:
    """Where an area's map (or its close-up) is written, beside the area's page."""
    return f"{record.url}{'map-detail' if detail else 'map'}.svg"


def on_initialized(pelican: Any) -> None:
    pelican.settings.setdefault("JINJA_GLOBALS", {})["maps"] = SiteMaps(pelican.settings)


def get_generators(pelican: Any) -> type[Generator]:
    return LookupGenerator


class LookupGenerator(Generator):
    """Writes each area's map, the postcode shards, the simplified boundaries and the
    district pages."""

    def generate_context(self) -> None:
        """Nothing to add: everything comes from the site model."""

    def _write(self, relative: str, data: bytes) -> None:
        path = Path(self.output_path) / relative
        write_atomic(path, data)
        signals.content_written.send(str(path), context=self.context)

    def generate_output(self, writer: Any) -> None:
        site = self.settings["SITE_MODEL"]
        maps: SiteMaps = self.settings["JINJA_GLOBALS"]["maps"]
        for record in site.areas.values():
            drawn = maps.area(record)
            if drawn is None:
                continue
            self._write(map_path(record), drawn.whole.svg)
            if drawn.detail is not None:
                self._write(map_path(record, detail=True), drawn.detail.svg)
        overview = maps.overview()
        if overview is not None:
            self._write(OVERVIEW_IMAGE, overview.image.svg)
        self.write_lookup(writer, site)

    def write_lookup(self, writer: Any, site: Any) -> None:
        index = site.postcodes
        if index is None:
            return
        refs = [lookup.AreaRef(s, site.areas[s].name) for s in index.slugs]
        shards = lookup.build_shards(index.codes, index.owner, refs)
        for outward, shard in shards.items():
            self._write(lookup.shard_path(outward), lookup.shard_bytes(shard))
        boundaries = lookup.simplified_boundaries(refs, [site.areas[s].shape for s in index.slugs])
        self._write(lookup.BOUNDARIES_FILE, boundaries)
        districts = [
            (outward, [(site.areas[a["slug"]], n) for a, n in lookup.district_counts(shard)])
            for outward, shard in shards.items()
        ]
        relative_urls = self.settings["RELATIVE_URLS"]
        writer.write_file(
            f"{lookup.LOOKUP_DIR}/index.html",
            self.get_template("lookup"),
            self.context,
            relative_urls=relative_urls,
            url=f"{lookup.LOOKUP_DIR}/",
            page_name=f"{lookup.LOOKUP_DIR}/index",
            districts=districts,
        )
        template = self.get_template("lookup_district")
        for outward, areas in districts:
            writer.write_file(
                f"{lookup.district_url(outward)}index.html",
                template,
                self.context,
                relative_urls=relative_urls,
                url=lookup.district_url(outward),
                page_name=f"{lookup.district_url(outward)}index",
                outward=outward,
                district_areas=areas,
            )
        logger.info(
            "Wrote %d postcode shards and %s (%d bytes)",
            len(shards),
            lookup.BOUNDARIES_FILE,
            len(boundaries),
        )
