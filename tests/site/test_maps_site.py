"""Maps, neighbours, boundary checks and lookup files: the sample site and mini copies."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest
from lxml import etree as lxml_etree
from lxml import html as lxml_html
from shapely.geometry import shape
from support import PROJECT, build

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.problems import ContentError

TODAY = dt.date(2026, 11, 24)
ALPHA = "neighbourhoods/alpha"


@pytest.fixture(scope="module")
def sample_site():
    return load_site(PROJECT, build_date=TODAY)


def messages(root: Path, severity: str | None = None) -> list[str]:
    site = load_site(root, build_date=TODAY)
    return [str(p) for p in site.problems if severity is None or p.severity == severity]


# -- the sample data ------------------------------------------------------------------


def test_sample_geography_has_no_problems(sample_site):
    assert [str(p) for p in sample_site.problems] == []


def slugs(records) -> list[str]:
    return [r.slug for r in records]


def test_sample_neighbours_share_edges_exactly(sample_site):
    shapes = {slug: r.shape for slug, r in sample_site.areas.items()}
    pairs = set()
    for a, first in shapes.items():
        for b, second in shapes.items():
            if a < b and first.intersects(second):
                assert first.intersection(second).area == 0, (a, b)  # no overlap
                assert first.boundary.intersection(second.boundary).length > 0, (a, b)
                # no sliver: the union has no hole where they meet
                assert len(first.union(second).interiors) == 0, (a, b)
                pairs.add((a, b))
    assert ("ludlow", "leominster") in {(b, a) for a, b in pairs} | pairs
    assert slugs(sample_site.areas["telford-town-centre"].neighbours) == [
        "bridgnorth",
        "wellington",
    ]
    assert slugs(sample_site.areas["ludlow"].neighbours) == [
        "church-stretton-and-craven-arms",
        "leominster",
    ]
    assert sample_site.areas["oswestry"].neighbours == []
    for record in sample_site.areas.values():
        for other in record.neighbours:
            assert record in other.neighbours


def test_every_sample_postcode_is_in_an_area_of_its_town(sample_site):
    index = sample_site.postcodes
    assert len(index.codes) > 100
    assert (index.owner >= 0).all()
    expected = {
        "SY8": {"ludlow"},
        "HR6": {"leominster"},
        "WR14": {"malvern"},
        "WR11": {"evesham"},
        "TF3": {"telford-town-centre"},
        "SY11": {"oswestry"},
        "HR9": {"ross-on-wye"},
    }
    for code, owner in zip(index.codes, index.owner.tolist(), strict=True):
        outward = code.split()[0]
        if outward in expected:
            assert index.slugs[owner] in expected[outward], code
    assert index.area_of("sy81ru") == "ludlow"


def test_sample_patrols_and_stations_are_inside_their_areas(sample_site):
    from shapely.geometry import Point

    for record in sample_site.areas.values():
        for patrol in record.patrols:
            where = shape({"type": patrol.where.type, "coordinates": patrol.where.coordinates})
            assert record.shape.contains(where), (record.slug, patrol.id)
        for station in record.area.stations:
            if station.location:
                point = Point(station.location.longitude, station.location.latitude)
                assert record.shape.contains(point), (record.slug, station.name)


# -- boundary checks at build time (mini copies) ----------------------------------------


def _write_boundary(root: Path, folder: str, geometry: dict) -> None:
    text = json.dumps({"type": "Feature", "properties": {}, "geometry": geometry}, indent=2)
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / "boundary.geojson").write_text(text)


def _copy_area(root: Path, slug: str, name: str) -> None:
    text = (root / ALPHA / "area.yaml").read_text().replace("name: Alpha", f"name: {name}", 1)
    (root / f"neighbourhoods/{slug}").mkdir()
    (root / f"neighbourhoods/{slug}/area.yaml").write_text(text)


def test_an_unclosed_ring_in_a_multipolygon_is_an_error_with_its_line(mini_copy):
    ok = [[-2.76, 52.34], [-2.68, 52.34], [-2.68, 52.40], [-2.76, 52.40], [-2.76, 52.34]]
    open_ring = [[-2.5, 52.3], [-2.4, 52.3], [-2.4, 52.4], [-2.5, 52.4]]
    _write_boundary(mini_copy, ALPHA, {"type": "MultiPolygon", "coordinates": [[ok], [open_ring]]})
    errors = messages(mini_copy, "error")
    assert len(errors) == 1
    assert errors[0].startswith("neighbourhoods/alpha/boundary.geojson:6: the ring is not closed")


def test_a_station_outside_its_area_is_a_warning_with_its_line(mini_copy):
    path = mini_copy / ALPHA / "area.yaml"
    text = path.read_text()
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "front_counter: true" in line)
    lines[at + 1 : at + 1] = ["    location: {latitude: 52.9, longitude: -3.0}"]
    path.write_text("\n".join(lines) + "\n")
    warnings = messages(mini_copy, "warning")
    assert warnings == [
        f"neighbourhoods/alpha/area.yaml:{at + 2}: warning: stations.0.location: "
        "'Alpha Police Station' is outside the area's boundary; check its latitude and "
        "longitude, or the boundary in boundary.geojson"
    ]


def test_overlapping_areas_are_a_warning_naming_both(mini_copy):
    _copy_area(mini_copy, "gamma", "Gamma")
    ring = [[-2.70, 52.34], [-2.60, 52.34], [-2.60, 52.40], [-2.70, 52.40], [-2.70, 52.34]]
    _write_boundary(mini_copy, "neighbourhoods/gamma", {"type": "Polygon", "coordinates": [ring]})
    warnings = [w for w in messages(mini_copy, "warning") if "overlaps" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith("neighbourhoods/alpha/boundary.geojson:1: warning: overlaps ")
    assert "neighbourhoods/gamma/boundary.geojson (Gamma Town)" in warnings[0]


def test_areas_sharing_an_edge_are_neighbours_not_overlaps(mini_copy):
    _copy_area(mini_copy, "gamma", "Gamma")
    ring = [[-2.68, 52.34], [-2.60, 52.34], [-2.60, 52.40], [-2.68, 52.40], [-2.68, 52.34]]
    _write_boundary(mini_copy, "neighbourhoods/gamma", {"type": "Polygon", "coordinates": [ring]})
    site = load_site(mini_copy, build_date=TODAY)
    assert [str(p) for p in site.problems if "overlap" in p.message] == []
    assert slugs(site.areas["alpha"].neighbours) == ["gamma"]
    assert slugs(site.areas["gamma"].neighbours) == ["alpha"]


def test_postcode_problems_are_reported_with_counts(mini_copy):
    (mini_copy / "neighbourhoods/postcodes.csv").write_text(
        "postcode,latitude,longitude\n"
        "SY8 1AA,52.36,-2.72\n"
        "SY8 1AB,52.10,-2.72\n"
        "SY8 1AD,52.11,-2.72\n"
        "SY8 1A,52.36,-2.72\n"
    )
    site = load_site(mini_copy, build_date=TODAY)
    found = [str(p) for p in site.problems if p.path == "neighbourhoods/postcodes.csv"]
    assert found[0] == (
        "neighbourhoods/postcodes.csv:5: 'SY8 1A' is not a postcode (for example SY8 1RU)"
    )
    assert found[1].startswith(
        "neighbourhoods/postcodes.csv:3: warning: 2 of 3 postcodes are in no area's boundary "
        "(the first is SY8 1AB)"
    )
    assert site.postcodes.area_of("SY8 1AA") == "alpha"


# -- what a resident gets ---------------------------------------------------------------


def _page(output: Path, rel: str):
    return lxml_html.fromstring((output / rel).read_bytes())


def test_area_page_map_and_its_text_alternative(sample_output):
    page = _page(sample_output, "neighbourhoods/ludlow/index.html")
    images = page.xpath('//section[@id="map"]//img')
    assert images[0].get("src").endswith("/neighbourhoods/ludlow/map.svg")
    assert images[0].get("alt").startswith("Map of the Ludlow neighbourhood: its boundary")
    assert int(images[0].get("width")) == 640 and int(images[0].get("height")) > 100
    assert page.xpath("//@style") == []  # the CSP forbids inline styles
    key = page.xpath('//ol[@class="area-map__places"]/li')
    names = [li.xpath("./a")[0].text_content() for li in key]
    assert names[0] == "Castle Square and the Market"
    assert "Ludlow Police Station" in names
    for li in key:  # every place links to where the page describes it
        target = li.xpath("./a/@href")[0]
        assert target.startswith("#")
        assert page.xpath(f'//*[@id="{target[1:]}"]'), target
    neighbours = page.xpath('//section[@id="neighbours"]//li/a')
    assert [a.text_content() for a in neighbours] == [
        "Church Stretton and Craven Arms",
        "Leominster",
    ]
    assert neighbours[1].get("href").endswith("/neighbourhoods/leominster/")
    # The image: projected, with the neighbours faint, every number on it, nothing active.
    svg = (sample_output / "neighbourhoods/ludlow/map.svg").read_text()
    tree = lxml_etree.fromstring(svg.encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert tree.get("role") == "img"
    assert tree.xpath("s:title", namespaces=ns)[0].text == images[0].get("alt")
    assert len(tree.xpath("//s:path[@stroke-dasharray]", namespaces=ns)) >= 2
    numbers = [t.text for t in tree.xpath("//s:text", namespaces=ns)]
    assert sorted(numbers, key=int) == [str(n) for n in range(1, len(key) + 1)]
    assert not re.search(r"<script|<style|style=|\bon[a-z]+=|href=", svg)


def test_crowded_places_get_a_close_up(sample_output):
    page = _page(sample_output, "neighbourhoods/telford-town-centre/index.html")
    images = page.xpath('//section[@id="map"]//img')
    assert [i.get("src").rsplit("/", 1)[1] for i in images] == ["map.svg", "map-detail.svg"]
    assert images[1].get("alt").startswith("Close-up map of the")
    assert (sample_output / "neighbourhoods/telford-town-centre/map-detail.svg").is_file()


def test_the_map_keeps_shapes_right_on_the_national_grid(sample_site):
    from neighbourhood_policing.maps import to_grid

    # Ludlow is about 0.15 degrees of longitude wide and 0.1 of latitude tall; at 52.4N a
    # degree of longitude is ~61% of one of latitude: the grid must show that, not 1.5:1.
    box_shape = shape(
        {
            "type": "Polygon",
            "coordinates": [[[-2.8, 52.3], [-2.6, 52.3], [-2.6, 52.5], [-2.8, 52.5], [-2.8, 52.3]]],
        }
    )
    minx, miny, maxx, maxy = to_grid(box_shape).bounds
    assert 0.58 < (maxx - minx) / (maxy - miny) < 0.64


def test_a_to_z_overview_map_links_every_area(sample_output, sample_site):
    page = _page(sample_output, "neighbourhoods/index.html")
    image = page.xpath('//div[@class="overview-map"]/img')[0]
    assert image.get("src").endswith("/neighbourhoods/overview.svg")
    assert image.get("alt").startswith("Map of every neighbourhood")
    links = page.xpath('//div[@class="overview-map"]//a')
    records = sample_site.areas_by_name()
    assert [a.text_content() for a in links] == [r.name for r in records]
    css = (sample_output / "theme/css/site.css").read_text()
    places = set()
    for link, record in zip(links, records, strict=True):
        assert link.get("href").endswith(f"/neighbourhoods/{record.slug}/#map")
        # Placed over its area by two of the stylesheet's classes (no style attribute).
        x, y = (c for c in link.get("class").split() if c.startswith("om-"))
        assert re.fullmatch(r"om-x\d+", x) and re.fullmatch(r"om-y\d+", y)
        assert f".{x}{{left:" in css and f".{y}{{top:" in css
        places.add((x, y))
    assert len(places) == len(records)  # no two names in the same place
    svg = (sample_output / "neighbourhoods/overview.svg").read_text()
    assert svg.count("<path ") == len(records)
    assert not re.search(r"<script|<style|style=|href=", svg)


@pytest.mark.parametrize("rel", ["index.html", "neighbourhoods/index.html", "404.html"])
def test_postcode_box_on_home_a_to_z_and_404(sample_output, rel):
    page = _page(sample_output, rel)
    form = page.xpath('//form[@class="postcode-lookup"]')[0]
    assert form.get("action").endswith("/lookup/")
    assert form.get("method") == "get"
    field = form.xpath(".//input[@name='postcode']")[0]
    label = form.xpath(f".//label[@for='{field.get('id')}']")[0]
    assert label.text_content() == "Postcode"
    assert form.xpath(".//*[@aria-live='polite']")
    scripts = page.xpath("//script")
    assert [s.get("src").rsplit("/", 2)[-2:] for s in scripts] == [["js", "lookup.js"]]
    assert all(s.get("defer") is not None and not (s.text or "").strip() for s in scripts)
    if rel == "404.html":  # served at any depth: every address starts from the site's root
        assert form.get("action") == "/lookup/"
        assert form.get("data-site") == "/"
        assert scripts[0].get("src") == "/theme/js/lookup.js"
    else:  # other pages link relatively, so the site works at any address
        assert not form.get("action").startswith(("http", "/"))
        assert not scripts[0].get("src").startswith(("http", "/"))


def test_lookup_shards_and_district_pages(sample_output, sample_site):
    lookup_dir = sample_output / "lookup"
    shards = sorted(p.stem for p in lookup_dir.glob("*.json") if p.stem != "areas")
    outwards = sorted({c.split()[0] for c in sample_site.postcodes.codes})
    assert shards == outwards
    shard = json.loads((lookup_dir / "SY8.json").read_text())
    assert shard["areas"] == [{"slug": "ludlow", "name": "Ludlow"}]
    assert shard["postcodes"]["1RU"] == 0
    for outward in outwards:
        data = (lookup_dir / f"{outward}.json").read_bytes()
        assert len(gzip.compress(data)) < 100_000
        page = _page(sample_output, f"lookup/{outward}/index.html")
        assert page.xpath("//h1")[0].text_content() == f"Postcodes starting {outward}"
        assert page.xpath('//ul[@class="area-list"]/li/a')
    index = _page(sample_output, "lookup/index.html")
    codes = [
        a.text_content().split(":")[0] for a in index.xpath('//ul[@class="district-codes"]/li/a')
    ]
    assert codes == outwards


def test_simplified_boundaries_are_small_and_complete(sample_output, sample_site):
    data = (sample_output / "lookup/areas.json").read_bytes()
    assert len(data) < 20_000
    areas = json.loads(data)["areas"]
    assert [a["slug"] for a in areas] == sorted(sample_site.areas)
    assert all(a["rings"] and len(a["rings"][0]) >= 4 for a in areas)


def test_lookup_files_are_in_the_sitemap_only_as_pages(sample_output):
    sitemap = (sample_output / "sitemap.xml").read_text()
    assert "/lookup/SY8/" in sitemap
    assert ".json" not in sitemap


def test_a_site_without_postcodes_has_no_postcode_box(mini_copy, tmp_path):
    output = build(mini_copy, tmp_path / "out")
    assert not (output / "lookup").exists()
    assert "postcode-lookup" not in (output / "index.html").read_text()
    assert (output / "neighbourhoods/alpha/map.svg").is_file()
    assert (
        'src="../../neighbourhoods/alpha/map.svg"'
        in (output / "neighbourhoods/alpha/index.html").read_text()
    )
    # One area is no overview: its map is on its own page.
    assert "overview-map" not in (output / "neighbourhoods/index.html").read_text()


def test_hostile_area_names_cannot_escape_the_maps(mini_copy, tmp_path):
    hostile = "Gamma\"><script>alert('m1')</script><a onclick=alert(2) href=javascript:x>"
    _copy_area(mini_copy, "gamma", "Gamma")
    area = mini_copy / "neighbourhoods/gamma/area.yaml"
    area.write_text(area.read_text().replace("name: Gamma Town", f"name: {json.dumps(hostile)}", 1))
    ring = [[-2.68, 52.34], [-2.60, 52.34], [-2.60, 52.40], [-2.68, 52.40], [-2.68, 52.34]]
    _write_boundary(mini_copy, "neighbourhoods/gamma", {"type": "Polygon", "coordinates": [ring]})
    output = build(mini_copy, tmp_path / "out")
    az = _page(output, "neighbourhoods/index.html")
    names = [a.text_content() for a in az.xpath('//div[@class="overview-map"]//a')]
    assert hostile in names  # shown as text, not markup
    assert "<script>alert('m1')" not in (output / "neighbourhoods/index.html").read_text()
    assert "<script" not in (output / "neighbourhoods/overview.svg").read_text()
    svg = (output / "neighbourhoods/gamma/map.svg").read_text()
    assert "<script" not in svg
    assert lxml_etree.fromstring(svg.encode()).tag == "{http://www.w3.org/2000/svg}svg"


def test_the_overview_map_does_not_hide_an_area_missing_from_the_a_to_z(mini_copy, tmp_path):
    """The overview links every area (to its #map), yet the A to Z list must still have it."""
    ring = [[-2.68, 52.34], [-2.60, 52.34], [-2.60, 52.40], [-2.68, 52.40], [-2.68, 52.34]]
    _write_boundary(mini_copy, "neighbourhoods/beta", {"type": "Polygon", "coordinates": [ring]})
    template = (PROJECT / "theme/templates/areas.html").read_text(encoding="utf-8")
    old = "{% for area in group %}"
    assert old in template
    sabotaged = tmp_path / "sabotage"
    sabotaged.mkdir()
    (sabotaged / "areas.html").write_text(
        template.replace(old, "{% for area in group if area.slug != 'beta' %}"), "utf-8"
    )
    with pytest.raises(ContentError) as failed:
        build(mini_copy, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=[str(sabotaged)])
    assert "'Beta Village' is missing from the A to Z" in "\n".join(
        str(p) for p in failed.value.problems
    )
