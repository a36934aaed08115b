"""Signal receivers, the Jinja globals ``maps`` and ``maps_overview``, and the generator
of the map images and the lookup files.

Everything a page shows of the maps is plain data the page cache can digest: each
area's drawing is ``record.map`` (an ``AreaMap``, so an area page's key covers its own
map and its neighbours by their content), the overview is the global
``maps_overview`` (read only by the A to Z), and ``maps`` holds just whether the
lookup is on and the site's address.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import shapely
from pelican import Pelican, signals
from pelican.generators import Generator
from pelican.writers import Writer

from neighbourhood_policing import lookup, urls
from neighbourhood_policing.files import absolute_url, write_outputs
from neighbourhood_policing.incremental import unchanged
from neighbourhood_policing.loading.memo import LoadMemo
from neighbourhood_policing.maps import MapMaker, Overview
from neighbourhood_policing.site import AreaRecord, Site

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteMaps:
    """The Jinja global ``maps``: where the map images and the lookup are."""

    siteurl: str
    #: Whether the postcode lookup is built (``neighbourhoods/postcodes.csv`` exists).
    enabled: bool

    def map_url(self, record: AreaRecord, detail: bool = False) -> str:
        return absolute_url(self.siteurl, urls.area_map_path(record, detail))

    def overview_url(self) -> str:
        return absolute_url(self.siteurl, urls.OVERVIEW_MAP)

    @property
    def lookup_url(self) -> str:
        return absolute_url(self.siteurl, urls.LOOKUP_URL)


def on_initialized(pelican: Pelican) -> None:
    """Draw every map once, before any page is written (the model is loaded by now).

    A drawing is a pure function of what it shows, so it is remembered between builds
    by that (``maps.pickle`` in the build cache, stamped with the build's fingerprint):
    a rebuild draws again only the maps whose inputs changed. An area's map shows the
    areas around it, so a changed boundary or name anywhere draws every map again.
    """
    settings = pelican.settings
    site: Site | None = settings.get("SITE_MODEL")
    if site is None:
        return
    siteurl = str(settings.get("SITEURL", ""))
    colours = settings.get("THEME_COLOURS") or {}
    palette = {k: colours[k] for k in ("brand", "brand_text") if colours.get(k)}
    records = [site.areas[s] for s in sorted(site.areas)]
    # Made only when a map must be drawn: it projects every boundary and indexes them.
    maker = functools.cache(
        lambda: MapMaker(records, lambda record: absolute_url(siteurl, record.url), palette=palette)
    )
    memo = LoadMemo.for_build(settings, MAPS_MEMO)
    every = _every_area(records, siteurl, palette)
    for record in records:
        record.map = memo.remember(
            "map", every + _own_places(record), lambda r=record: maker().area(r)
        )
    overview: Overview | None = memo.remember("overview", every, lambda: maker().overview())
    memo.save()
    settings.setdefault("JINJA_GLOBALS", {}).update(
        {"maps": SiteMaps(siteurl, site.postcodes is not None), "maps_overview": overview}
    )


#: The build cache's memory of drawn maps (see on_initialized).
MAPS_MEMO = "maps.pickle"


def _every_area(records: list[AreaRecord], siteurl: str, palette: dict[str, str]) -> str:
    """What every map may show of every area: its name, address and boundary."""
    rows = [repr(sorted(palette.items())), siteurl]  # hashed once: a national site's is 10 MB
    for record in records:
        wkb = "" if record.shape is None else shapely.to_wkb(record.shape, hex=True)
        rows.append(f"{record.slug}\t{record.name}\t{record.url}\t{wkb}")
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


def _own_places(record: AreaRecord) -> str:
    """What only the area's own map shows: which area it is, whether it has neighbours,
    and its patrol places and stations."""
    return "\n".join(
        [
            f"\n{record.slug}\t{bool(record.neighbours)}",
            *(patrol.model_dump_json() for patrol in record.patrols),
            *(station.model_dump_json() for station in record.area.stations),
        ]
    )


def _simplified_boundaries(
    settings: dict[str, Any], refs: list[lookup.AreaRef], site: Site
) -> bytes:
    """The lookup's boundaries file, a pure function of the areas' names and boundaries:
    remembered between builds by them (``lookup.pickle``), since simplifying a national
    site's boundaries together took 4 s of every rebuild."""
    shapes = [site.areas[ref.slug].shape for ref in refs]
    rows = [f"{ref.slug}\t{ref.name}" for ref in refs]
    rows += ["" if shape is None else shapely.to_wkb(shape, hex=True) for shape in shapes]
    memo = LoadMemo.for_build(settings, LOOKUP_MEMO)
    made = memo.remember(
        "boundaries", "\n".join(rows), lambda: lookup.simplified_boundaries(refs, shapes)
    )
    memo.save()
    return made


#: The build cache's memory of the lookup's simplified boundaries.
LOOKUP_MEMO = "lookup.pickle"


def get_generators(pelican: Pelican) -> type[Generator]:
    return LookupGenerator


class LookupGenerator(Generator):
    """Writes each area's map, the postcode shards, the simplified boundaries and the
    district pages."""

    def generate_context(self) -> None:
        """Nothing to add: everything comes from the site model."""

    def announce(self, path: str) -> None:
        signals.content_written.send(path, context=self.context)

    def images(self, site: Site) -> Iterator[tuple[str, bytes]]:
        for record in site.areas.values():
            drawn = record.map
            if drawn is None:
                continue
            yield urls.area_map_path(record), drawn.whole.svg
            if drawn.detail is not None:
                yield urls.area_map_path(record, detail=True), drawn.detail.svg
        overview = self.settings["JINJA_GLOBALS"].get("maps_overview")
        if overview is not None:
            yield urls.OVERVIEW_MAP, overview.image.svg

    def generate_output(self, writer: Writer) -> None:
        site: Site = self.settings["SITE_MODEL"]
        images = unchanged(self.settings, self.images(site))
        count = write_outputs(self.output_path, images, self.announce)
        logger.info("Wrote %d maps", count)
        self.write_lookup(writer, site)

    def write_lookup(self, writer: Writer, site: Site) -> None:
        index = site.postcodes
        if index is None:
            return
        refs = [lookup.AreaRef(s, site.areas[s].name) for s in index.slugs]
        # One pass over the postcodes, grouped by outward code; everything below is per
        # shard or per area, never per area and postcode.
        shards = lookup.build_shards(index.codes, index.owner, refs)
        boundaries = _simplified_boundaries(self.settings, refs, site)
        files = [(urls.shard_path(o), lookup.shard_bytes(shard)) for o, shard in shards.items()]
        files.append((urls.LOOKUP_BOUNDARIES, boundaries))
        write_outputs(self.output_path, unchanged(self.settings, files), self.announce)
        districts = [
            (outward, [(site.areas[a["slug"]], n) for a, n in lookup.district_counts(shard)])
            for outward, shard in shards.items()
        ]
        relative_urls = self.settings["RELATIVE_URLS"]
        writer.write_file(
            urls.page_path(urls.LOOKUP_URL),
            self.get_template("lookup"),
            self.context,
            relative_urls=relative_urls,
            url=urls.LOOKUP_URL,
            page_name=urls.page_path(urls.LOOKUP_URL).removesuffix(".html"),
            districts=districts,
        )
        template = self.get_template("lookup_district")
        for outward, areas in districts:
            url = urls.district_url(outward)
            writer.write_file(
                urls.page_path(url),
                template,
                self.context,
                relative_urls=relative_urls,
                url=url,
                page_name=urls.page_path(url).removesuffix(".html"),
                outward=outward,
                district_areas=areas,
            )
        logger.info(
            "Wrote %d postcode shards and %s (%d bytes)",
            len(shards),
            urls.LOOKUP_BOUNDARIES,
            len(boundaries),
        )
