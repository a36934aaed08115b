"""Functional tests: build the real sample site and check what a resident gets."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from support import PROJECT, invoke

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.schemas import write_schemas

#: Where the development build is served (SITEURL in pelicanconf.py).
SITE = "http://localhost:8000/"


class Page(HTMLParser):
    """The parts of a page the tests look at: text, links, ids, headings.

    Pages link relatively (``../neighbourhoods/``); ``links`` holds each link resolved
    against the address the page is served at, as a browser follows it, and
    ``raw_links`` the attribute as written.
    """

    def __init__(self, html: str, base: str = SITE) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []
        self.raw_links: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self._heading_text: list[str] = []
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.raw_links.append(values["href"] or "")
            self.links.append(urljoin(self.base, values["href"] or ""))
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag in {"h1", "h2", "h3", "h4"}:
            self._heading, self._heading_text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, " ".join("".join(self._heading_text).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._heading:
            self._heading_text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def page(output: Path, url: str) -> Page:
    path = output / url.strip("/") / "index.html" if not url.endswith(".html") else output / url
    assert path.exists(), f"{url} was not written"
    return Page(path.read_text(encoding="utf-8"), urljoin(SITE, url.lstrip("/")))


@pytest.fixture(scope="module")
def model():
    return load_site(PROJECT)


def test_sample_content_is_valid_and_large_enough(model) -> None:
    assert [str(p) for p in model.errors] == []
    assert len(model.areas) >= 10
    assert len(model.updates) >= 60
    districts = {a.area.district for a in model.areas.values()}
    assert len(districts) >= 4
    categories = Counter(info.meta.category for info in model.updates.values())
    assert len(categories) >= 5, categories


def test_a_to_z_lists_every_area_by_letter_and_district(sample_output: Path, model) -> None:
    az = page(sample_output, "neighbourhoods/")
    assert ("h1", "Neighbourhoods A to Z") in az.headings
    for record in model.areas.values():
        assert az.links.count(f"http://localhost:8000/{record.url}") == 2, record.slug
    for district in {a.area.district for a in model.areas.values()}:
        assert ("h3", district) in az.headings


def test_every_area_page_has_every_section(sample_output: Path, model) -> None:
    for record in model.areas.values():
        area = page(sample_output, record.url)
        a = record.area
        assert area.headings[0] == ("h1", f"{a.district} {a.name} neighbourhood team")
        for section in ("contact", "priorities", "patrols", "events", "updates", "team"):
            assert section in area.ids, (record.slug, section)
        assert f"mailto:{a.contact.email}" in area.links
        for member in a.team:
            assert ("h3", member.name) in area.headings
        for priority in record.priorities:
            assert f"priority-{priority.id}" in area.ids
        for patrol in record.patrols:
            assert f"patrol-{patrol.id}" in area.ids
        for station in a.stations:
            assert station.postcode in area.text
        for council in a.councils:
            assert council.name in area.text
        assert f"http://localhost:8000/{record.url}updates/" in area.links


def test_area_page_shows_only_upcoming_events_and_an_empty_state(
    sample_output: Path, model
) -> None:
    today = model.build_date
    saw_empty = False
    for record in model.areas.values():
        area = page(sample_output, record.url)
        for event in record.events:
            shown = f"event-{event.id}" in area.ids
            assert shown == (event.end.date() >= today), (record.slug, event.id)
        if not any(e.end.date() >= today for e in record.events):
            saw_empty = True
            assert "No meetings or surgeries are planned at the moment" in area.text
            assert f"mailto:{record.area.contact.email}?subject=Meeting%20the%20team" in area.links
    assert saw_empty, "the sample site should show the empty state for events somewhere"


def test_priorities_show_you_said_we_did(sample_output: Path, model) -> None:
    closed = [(r, p) for r in model.areas.values() for p in r.priorities if p.status == "closed"]
    assert closed, "the sample site should have a closed priority with its outcome"
    record, priority = closed[0]
    area = page(sample_output, record.url)
    assert "You said" in area.text and "We did" in area.text and "Outcome" in area.text
    for action in priority.actions:
        assert f"{action.date.day} {action.date:%B %Y}" in area.text


def test_updates_are_attached_to_their_areas(sample_output: Path, model) -> None:
    for source, info in model.updates.items():
        slug = Path(source).stem
        url = f"neighbourhoods/{info.home}/updates/{slug}/" if info.home else f"updates/{slug}/"
        update = page(sample_output, url)
        assert update.headings[0] == ("h1", info.meta.title), source
        for area_slug in info.areas:
            folder = sample_output / "neighbourhoods" / area_slug / "updates"
            listed = any(f"/{url}" in p.read_text(encoding="utf-8") for p in folder.rglob("*.html"))
            assert listed, (source, area_slug)
            assert f"http://localhost:8000/neighbourhoods/{area_slug}/" in update.links


def test_force_wide_updates_appear_in_every_area_and_on_home(sample_output: Path, model) -> None:
    force_wide = [i for i in model.updates.values() if i.force_wide]
    assert any("Charter" in i.meta.title for i in force_wide)
    home = page(sample_output, "index.html")
    newest = max(force_wide, key=lambda i: i.meta.date)
    assert newest.meta.title in home.text
    for record in model.areas.values():
        listing = "".join(
            p.read_text(encoding="utf-8")
            for p in (sample_output / "neighbourhoods" / record.slug / "updates").rglob("*.html")
        )
        for info in force_wide:
            assert f"/updates/{Path(info.source).stem}/" in listing, (record.slug, info.source)


def test_update_page_has_breadcrumbs_and_a_way_to_contact_the_team(
    sample_output: Path, model
) -> None:
    info = next(i for i in model.updates.values() if i.home)
    record = model.areas[info.home]
    update = page(sample_output, f"neighbourhoods/{info.home}/updates/{Path(info.source).stem}/")
    assert "http://localhost:8000/neighbourhoods/" in update.links
    assert f"http://localhost:8000/{record.url}" in update.links
    mailto = next(link for link in update.links if link.startswith("mailto:"))
    assert mailto.startswith(f"mailto:{record.area.contact.email}?subject=")
    assert "999" in update.text and "101" in update.text


def test_area_updates_are_paginated(sample_output: Path, model) -> None:
    own = Counter(slug for info in model.updates.values() for slug in info.areas)
    slug, count = own.most_common(1)[0]
    listing = page(sample_output, f"neighbourhoods/{slug}/updates/")
    total = count + sum(1 for i in model.updates.values() if i.force_wide)
    assert f"{total} updates" in listing.text
    all_updates = page(sample_output, "updates/")
    assert f"{len(model.updates)} updates from every team" in all_updates.text
    if len(model.updates) > 20:
        assert "http://localhost:8000/updates/page/2/" in all_updates.links
        assert (sample_output / "updates/page/2/index.html").exists()


def test_site_pages_exist(sample_output: Path) -> None:
    for slug in ("about", "accessibility-statement", "privacy", "contact"):
        assert page(sample_output, f"{slug}/").headings[0][0] == "h1"
    contact = page(sample_output, "contact/")
    for text in ("999", "101", "Crimestoppers"):
        assert text in contact.text


def test_schemas_are_up_to_date() -> None:
    stale = write_schemas(PROJECT / "schemas", check=True)
    assert stale == [], f"run `.venv/bin/invoke schemas` to refresh: {stale}"


def test_broken_area_yaml_fails_the_build_with_file_and_line(
    mini_copy: Path, tmp_path: Path
) -> None:
    area = mini_copy / "neighbourhoods/beta/area.yaml"
    area.write_text(area.read_text().replace("district:", "distrct:"))
    result = invoke("build", "--content-root", str(mini_copy), "--output", str(tmp_path / "out"))
    assert result.returncode != 0
    assert (
        "neighbourhoods/beta/area.yaml:2: distrct: 'distrct' is not a field we know; "
        "did you mean 'district'?"
    ) in result.stderr
    assert "neighbourhoods/beta/area.yaml:1: district: is required but missing" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / "index.html").exists()


def test_validate_task_exit_codes(mini_copy: Path) -> None:
    ok = invoke("validate", "--content-root", str(mini_copy))
    assert ok.returncode == 0, ok.stderr
    assert "All content is valid: 2 areas, 3 updates." in ok.stderr
    (mini_copy / "neighbourhoods/beta/area.yaml").write_text("name: [unclosed\n")
    bad = invoke("validate", "--content-root", str(mini_copy))
    assert bad.returncode == 2
    assert bad.stderr.startswith("neighbourhoods/beta/area.yaml:2: is not valid YAML")


def test_a_build_lets_go_of_pelicans_pages(mini_copy: Path, tmp_path: Path) -> None:
    """Pelican keeps every page it made in caches of its class; a build lets them go
    before its checks (they were most of a national build's memory), and a live
    preview that builds again and again in one process does not keep every build's."""
    import gc

    from pelican.contents import Content
    from support import build

    build(mini_copy, tmp_path / "out")
    gc.collect()
    root = str(mini_copy)
    left = [o for o in gc.get_objects() if isinstance(o, Content)]
    left = [o for o in left if str(o.source_path).startswith(root)]
    assert left == []
