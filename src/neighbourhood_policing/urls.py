"""Every address and output path the site has, each in exactly one place.

URLs here are relative to the site root and end in ``/`` for pages; ``*_path``
functions give the file a URL is saved as. Plugins, templates (through the Jinja
globals ``feed_links`` and ``calendar_links``), checks and tools all ask this module.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

AREAS_DIR = "neighbourhoods"
UPDATES_DIR = "content/updates"
PAGES_DIR = "content/pages"

#: The A to Z of areas.
AREAS_URL = f"{AREAS_DIR}/"
#: The list of every update (paginated), and the home of the force-wide feeds.
ALL_UPDATES_URL = "updates/"
#: Every area's events in one calendar.
SITE_CALENDAR = "events.ics"
#: Have your say for the whole force (choose your area) and where its forms return to.
HAVE_YOUR_SAY_URL = "have-your-say/"
HAVE_YOUR_SAY_THANKS_URL = f"{HAVE_YOUR_SAY_URL}thank-you/"


class _Area(Protocol):
    @property
    def slug(self) -> str: ...


class _Event(Protocol):
    @property
    def id(self) -> str: ...


def area_url(slug: str) -> str:
    """An area's page."""
    return f"{AREAS_DIR}/{slug}/"


def area_updates_url(slug: str) -> str:
    """An area's paginated list of updates."""
    return f"{area_url(slug)}updates/"


def have_your_say_url(slug: str | None = None) -> str:
    """An area's have-your-say page (concerns, priorities, surveys); None: the force's."""
    return f"{area_url(slug)}have-your-say/" if slug else HAVE_YOUR_SAY_URL


def have_your_say_thanks_url(slug: str | None = None) -> str:
    """Where a form service sends residents back to after sending; None: the force's."""
    return f"{have_your_say_url(slug)}thank-you/" if slug else HAVE_YOUR_SAY_THANKS_URL


def update_url(home: str | None, slug: str) -> str:
    """An update's page: under its area for a team's update, under /updates/ otherwise."""
    if home:
        return f"{area_updates_url(home)}{slug}/"
    return f"{ALL_UPDATES_URL}{slug}/"


def page_path(url: str) -> str:
    """The file a page URL is saved as: ``a/b/`` -> ``a/b/index.html``."""
    if not url or url.endswith("/"):
        return f"{url}index.html"
    return url


class FeedPaths(NamedTuple):
    rss: str
    atom: str


def feed_paths(base: str) -> FeedPaths:
    """The two feeds that sit next to the page at ``base`` (a URL ending in /)."""
    return FeedPaths(f"{base}feed.rss", f"{base}feed.atom")


def area_feeds(area: _Area) -> FeedPaths:
    return feed_paths(area_url(area.slug))


def site_feeds() -> FeedPaths:
    return feed_paths(ALL_UPDATES_URL)


def area_calendar_path(area: _Area) -> str:
    return f"{area_url(area.slug)}events.ics"


def event_calendar_path(area: _Area, event: _Event) -> str:
    return f"{area_url(area.slug)}events/{event.id}.ics"


# -- Maps and the postcode lookup (docs/maps.md) -----------------------------------------
#: The overview map of every area, shown on the A to Z.
OVERVIEW_MAP = f"{AREAS_DIR}/overview.svg"
#: Where the postcode lookup lives: the list of districts, one page and one shard each.
LOOKUP_DIR = "lookup"
LOOKUP_URL = f"{LOOKUP_DIR}/"
#: Every area's simplified boundary, for "Use my location".
LOOKUP_BOUNDARIES = f"{LOOKUP_DIR}/areas.json"


def area_map_path(area: _Area, detail: bool = False) -> str:
    """An area's map (or its close-up), an SVG image beside the area's page."""
    return f"{area_url(area.slug)}{'map-detail' if detail else 'map'}.svg"


def shard_path(outward: str) -> str:
    """One outward code's postcodes and their areas (``lookup/SY8.json``)."""
    return f"{LOOKUP_DIR}/{outward}.json"


def district_url(outward: str) -> str:
    """The page listing one outward code's areas, for residents without JavaScript."""
    return f"{LOOKUP_DIR}/{outward}/"
