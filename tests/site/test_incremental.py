"""Incremental builds are exactly right: after any edit, the output is byte for byte what a
cold build of the same content gives, and unchanged pages are reused rather than made."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html
from support import MINI, PROJECT, build
from support.manifest import manifest

from neighbourhood_policing.incremental import cache_dir_for

UPDATE = "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md"
UPDATE_PAGE = "neighbourhoods/alpha/updates/2026-11-20-market-patrols/index.html"
AREA = "neighbourhoods/alpha/area.yaml"
PRIORITIES = "neighbourhoods/alpha/priorities.yaml"


def cold(content: Path, output: Path, **overrides) -> str:
    if output.exists():
        shutil.rmtree(output)
    build(content, output, INCREMENTAL=False, **overrides)
    return manifest(output)


def reused(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    for record in reversed(caplog.records):
        message = record.getMessage()
        if message.startswith("Pages reused:"):
            parts = message.replace(",", "").split()
            return int(parts[2]), int(parts[4])
    raise AssertionError("the build said nothing of reused pages")


@pytest.fixture(autouse=True)
def fresh_log_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pelican's LimitFilter drops a message already logged once in this process, so a
    second test's "Pages reused: 20, made: 0" would vanish: each test starts afresh."""
    from pelican.log import LimitFilter

    monkeypatch.setattr(LimitFilter, "_raised_messages", set())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(MINI, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_second_build_reuses_every_page_and_changes_nothing(site, tmp_path, caplog) -> None:
    caplog.set_level("INFO")
    out = tmp_path / "out"
    build(site, out)
    first = manifest(out)
    build(site, out)
    again, made = reused(caplog)
    assert made == 0 and again > 10
    assert manifest(out) == first == cold(site, tmp_path / "cold")
    assert cache_dir_for(out).is_dir()


EDITS = {
    "an update's text": lambda s: edit(s / UPDATE, "every **Friday", "every **Thursday, Friday"),
    "an update's title": lambda s: edit(s / UPDATE, "Title: ", "Title: Busy "),
    "an area.yaml": lambda s: edit(s / "neighbourhoods/alpha/area.yaml", "name: ", "name: Upper "),
    "a priority": lambda s: edit(
        s / "neighbourhoods/alpha/priorities.yaml", "title: ", "title: New "
    ),
    "an update deleted": lambda s: (s / UPDATE).unlink(),
    "an update added": lambda s: (
        (s / "neighbourhoods/beta/updates").mkdir(exist_ok=True)
        or (s / "neighbourhoods/beta/updates/2026-11-22-new.md").write_text(
            "Title: A new update\nDate: 2026-11-22 09:00\nCategory: News\n\nHello.\n", "utf-8"
        )
    ),
    "an area renamed": lambda s: rename_area(s, "beta", "gamma"),
    "a covering note added": lambda s: write_note(s, "2026-10.md", "We met the council.\n"),
    "a covering note edited": lambda s: (
        write_note(s, "2026-11.md", "First.\n"),
        build(s, s.parent / "out"),
        write_note(s, "2026-11.md", "Second, and **better**.\n"),
    ),
    "an area's survey added": lambda s: append(s / AREA, SURVEY),
    "an area's form endpoint set": lambda s: append(
        s / AREA, "feedback_endpoint: https://forms.example.org/alpha\n"
    ),
}
#: Have your say (issue 16): a survey open on the pinned build date, 2026-11-24.
SURVEY = """surveys:
  - title: Alpha residents' survey
    url: https://survey.example.org/alpha
    run_by: Alpha Town Council
    opens: 2026-11-20
    closes: 2026-11-30
"""


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def write_note(site: Path, name: str, text: str) -> None:
    """A covering note for a month's council report (reports/<yyyy-mm>.md)."""
    folder = site / "neighbourhoods/alpha/reports"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def rename_area(site: Path, old: str, new: str) -> None:
    """Move the folder, and the updates that name it in ``areas:`` with it."""
    (site / "neighbourhoods" / old).rename(site / "neighbourhoods" / new)
    for update in (site / "neighbourhoods").glob("*/updates/*.md"):
        text = update.read_text(encoding="utf-8")
        update.write_text(text.replace(f"Areas: {old}", f"Areas: {new}"), encoding="utf-8")


def folders(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_dir())


@pytest.mark.parametrize("change", list(EDITS))
def test_after_an_edit_the_incremental_build_equals_a_cold_one(site, tmp_path, change) -> None:
    out = tmp_path / "out"
    build(site, out)
    EDITS[change](site)
    build(site, out)
    assert manifest(out) == cold(site, tmp_path / "cold")
    # Changed in place: a page gone leaves no empty folder behind.
    assert folders(out) == folders(tmp_path / "cold")
    assert not list(tmp_path.glob(".out.building-*")), "the staging folder is gone"


def test_a_sequence_of_edits_stays_exact(site, tmp_path, caplog) -> None:
    caplog.set_level("INFO")
    out = tmp_path / "out"
    build(site, out)
    for change in ("an update's text", "a priority", "an update added", "an area.yaml"):
        EDITS[change](site)
        build(site, out)
        assert manifest(out) == cold(site, tmp_path / "cold"), change
    reused_pages, made = reused(caplog)
    assert reused_pages > 0 and made > 0


def test_a_template_or_settings_change_is_exact(site, tmp_path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    out = tmp_path / "out"
    build(site, out, THEME=str(theme))
    edit(theme / "templates/article.html", "Contact us about this update", "Ask us about this")
    build(site, out, THEME=str(theme))
    assert "Ask us about this" in (
        out / "neighbourhoods/alpha/updates/2026-11-20-market-patrols/index.html"
    ).read_text("utf-8")
    assert manifest(out) == cold(site, tmp_path / "cold", THEME=str(theme))
    build(site, out, THEME=str(theme), SITENAME="Another Force Neighbourhoods")
    assert manifest(out) == cold(
        site, tmp_path / "cold", THEME=str(theme), SITENAME="Another Force Neighbourhoods"
    )


def test_a_force_wide_survey_or_endpoint_setting_change_is_exact(site, tmp_path) -> None:
    out = tmp_path / "out"
    survey = {
        "title": "Public confidence survey",
        "url": "https://pcc.example.org/confidence",
        "run_by": "the Police and Crime Commissioner",
        "opens": "2026-11-01",
        "closes": "2026-11-30",
    }
    endpoint = "https://forms.example.org/say"
    build(site, out)
    for overrides in (
        {"SURVEYS": [survey]},
        {"SURVEYS": [{**survey, "closes": "2026-11-23"}]},  # closed by the build date
        {"FEEDBACK_ENDPOINT": endpoint},
    ):
        build(site, out, **overrides)
        assert manifest(out) == cold(site, tmp_path / "cold", **overrides), overrides


def test_a_failed_build_keeps_the_record_of_the_last_good_one(site, tmp_path) -> None:
    out = tmp_path / "out"
    build(site, out)
    record = (cache_dir_for(out) / "outputs.pickle").read_bytes()
    edit(site / UPDATE, "Category: ", "Category: Nonsense ")
    with pytest.raises(Exception):  # noqa: B017 - any failure will do
        build(site, out)
    assert (cache_dir_for(out) / "outputs.pickle").read_bytes() == record
    edit(site / UPDATE, "Category: Nonsense ", "Category: ")
    build(site, out)
    assert manifest(out) == cold(site, tmp_path / "cold")


def test_a_broken_file_is_reported_alike_by_every_build_that_meets_it(site, tmp_path) -> None:
    """The loader remembers what parsing each file gave, by its bytes: an error too, with
    its line, so a second build of the same broken file says exactly what the first did."""
    from neighbourhood_policing.problems import ContentError

    out = tmp_path / "out"
    build(site, out)
    text = (site / PRIORITIES).read_text(encoding="utf-8")
    (site / PRIORITIES).write_text(text + "  - title: [unclosed\n", encoding="utf-8")
    (site / UPDATE).write_text(
        (site / UPDATE).read_text(encoding="utf-8") + "\nRing 07700 900123 for details.\n",
        encoding="utf-8",
    )
    said = []
    for _ in range(2):
        with pytest.raises(ContentError) as failure:
            build(site, out)
        said.append(sorted(map(str, failure.value.problems)))
    assert said[0] == said[1]
    assert any(PRIORITIES in line and "YAML" in line for line in said[0]), said[0]
    assert any(UPDATE in line and "phone" in line for line in said[0]), said[0]
    (site / PRIORITIES).write_text(text, encoding="utf-8")
    build(site, out)  # the phone number is a warning: the build goes ahead
    assert manifest(out) == cold(site, tmp_path / "cold")


def test_reused_pages_are_kept_in_place_and_a_page_changed_in_the_output_is_made_again(
    site, tmp_path
) -> None:
    """Unchanged pages stay where they are, untouched, and the output is changed in
    place. A built page changed in place with its size and modification time kept is
    not trusted (its change time moved): it is made again."""
    import os

    out = tmp_path / "out"
    build(site, out)
    page = out / UPDATE_PAGE
    before = os.stat(page)
    EDITS["an update's text"](site.parent / "site")  # alpha's update: its page changes
    area_page = out / "neighbourhoods/beta/index.html"
    beta_before = os.stat(area_page)
    folder = os.stat(out).st_ino
    build(site, out)
    assert os.stat(out).st_ino == folder, "the output is changed in place"
    assert os.stat(area_page).st_ino == beta_before.st_ino, "an unchanged page is kept"
    assert os.stat(area_page).st_mtime_ns == beta_before.st_mtime_ns
    assert os.stat(out / UPDATE_PAGE).st_ino != before.st_ino, "the edited page is new"
    data = area_page.read_bytes()
    stat = os.stat(area_page)
    area_page.write_bytes(data.replace(b"<main", b"<MAIN", 1))  # same size
    os.utime(area_page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    build(site, out)
    assert area_page.read_bytes() == data
    assert manifest(out) == cold(site, tmp_path / "cold")


def test_static_files_copied_again_with_the_same_bytes_are_kept(site, tmp_path) -> None:
    """Pelican copies the theme's and the content's static files in every build: a copy
    with the bytes of the file already published is dropped and that file kept (every
    page links to the stylesheet: copied again, it made the link check look at every
    link of the site); a changed image is put in place, and a deleted one goes."""
    images = site / "content/images"
    images.mkdir(parents=True, exist_ok=True)
    (images / "poster.svg").write_text(SVG.format(colour="red"), "utf-8")
    (images / "old.svg").write_text(SVG.format(colour="grey"), "utf-8")
    out = tmp_path / "out"
    build(site, out)
    static = ["theme/css/site.css", "theme/favicon.svg"]
    static += ["content/images/poster.svg", "content/images/old.svg"]
    before = {rel: os.stat(out / rel).st_ino for rel in static}
    EDITS["an update's text"](site)
    build(site, out)
    assert {rel: os.stat(out / rel).st_ino for rel in static} == before
    (images / "poster.svg").write_text(SVG.format(colour="blue"), "utf-8")
    (images / "old.svg").unlink()
    build(site, out)
    assert "blue" in (out / "content/images/poster.svg").read_text("utf-8")
    assert not (out / "content/images/old.svg").exists()
    assert os.stat(out / "theme/css/site.css").st_ino == before["theme/css/site.css"]
    assert manifest(out) == cold(site, tmp_path / "cold")


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2">'
    '<rect fill="{colour}" width="2" height="2"/></svg>\n'
)


def test_a_page_replaced_by_a_copy_with_its_times_is_made_again(site, tmp_path) -> None:
    """A kept page is trusted by its whole stat, inode included: a copy put in its place
    with the same size and times (``cp -p``, a restore) is not the file recorded."""
    import os
    import shutil

    out = tmp_path / "out"
    build(site, out)
    area_page = out / "neighbourhoods/beta/index.html"
    data = area_page.read_bytes()
    forged = tmp_path / "forged.html"
    forged.write_bytes(data.replace(b"<main", b"<MAIN", 1))
    shutil.copystat(area_page, forged)
    os.replace(forged, area_page)
    build(site, out)
    assert area_page.read_bytes() == data


def test_a_page_changed_in_the_tick_it_was_recorded_is_hashed(site, tmp_path) -> None:
    """A file whose times are not before the record's own clock tick could change again
    in that tick without its times changing: the record marks it, and the next build
    hashes it before keeping it."""
    out = tmp_path / "out"
    build(site, out)
    cache = cache_dir_for(out)
    stored = pickle.loads((cache / "outputs.pickle").read_bytes())
    rel = "neighbourhoods/beta/index.html"
    stored["files"][rel] = (*stored["files"][rel][:6], True)  # as if recorded in its tick
    (cache / "outputs.pickle").write_bytes(pickle.dumps(stored))
    area_page = out / rel
    data = area_page.read_bytes()
    stat = os.stat(area_page)
    record = stored["files"][rel]
    # The same change within the tick: size, times and inode as recorded.
    with area_page.open("r+b") as stream:
        stream.write(data.replace(b"<main", b"<MAIN", 1))
    os.utime(area_page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # The clock has moved on since: as if it had not, record the change time it now has.
    stored["files"][rel] = (*record[:4], os.stat(area_page).st_ctime_ns, *record[5:])
    (cache / "outputs.pickle").write_bytes(pickle.dumps(stored))
    build(site, out)
    assert area_page.read_bytes() == data


# -- Maps: a boundary is an input of its own area's page and map, and of its neighbours' --
ALPHA_BOUNDARY = "neighbourhoods/alpha/boundary.geojson"
BETA_PAGE = "neighbourhoods/beta/index.html"
BETA_MAP = "neighbourhoods/beta/map.svg"


def _boundary(west: float, east: float) -> str:
    ring = [[west, 52.34], [east, 52.34], [east, 52.40], [west, 52.40], [west, 52.34]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _neighbouring_areas(site: Path) -> None:
    """Beta east of Alpha, sharing its eastern edge, and a postcode in each."""
    (site / "neighbourhoods/beta/boundary.geojson").write_text(_boundary(-2.68, -2.60), "utf-8")
    (site / "neighbourhoods/postcodes.csv").write_text(
        "postcode,latitude,longitude\nSY8 1AA,52.37,-2.72\nSY8 2BB,52.37,-2.64\n", "utf-8"
    )


@pytest.mark.parametrize(
    ("change", "west", "east"),
    [("moved but still touching", -2.78, -2.68), ("no longer touching", -2.76, -2.70)],
)
def test_editing_a_boundary_rebuilds_it_and_its_neighbours_exactly(
    site, tmp_path, change, west, east
) -> None:
    _neighbouring_areas(site)
    out = tmp_path / "out"
    build(site, out)
    before = {rel: (out / rel).read_bytes() for rel in (BETA_PAGE, BETA_MAP)}
    assert _neighbours(out) == ["Alpha Town"]
    (site / ALPHA_BOUNDARY).write_text(_boundary(west, east), "utf-8")
    build(site, out)
    assert manifest(out) == cold(site, tmp_path / "cold")
    # The neighbour's map shows Alpha's new outline; its page follows the neighbours list.
    assert (out / BETA_MAP).read_bytes() != before[BETA_MAP]
    assert _neighbours(out) == (["Alpha Town"] if change == "moved but still touching" else [])


def _neighbours(out: Path) -> list[str]:
    page = lxml_html.fromstring((out / BETA_PAGE).read_bytes())
    return [a.text_content() for a in page.xpath('//section[@id="neighbours"]//li/a')]


def test_council_report_pdfs_after_an_edit_equal_a_cold_build(site, tmp_path) -> None:
    """Report pages from the page cache and PDFs from the PDF cache, as a cold build makes."""
    out = tmp_path / "out"
    write_note(site, "2026-11.md", "First.\n")
    build(site, out, REPORTS_PDF=True)
    write_note(site, "2026-11.md", "Second.\n")
    edit(site / PRIORITIES, "title: ", "title: New ")
    build(site, out, REPORTS_PDF=True)
    assert list(out.rglob("*.pdf"))
    assert manifest(out) == cold(site, tmp_path / "cold", REPORTS_PDF=True)


def test_pages_rendered_on_two_processes_are_the_same(site, tmp_path, monkeypatch, caplog) -> None:
    import neighbourhoods.incremental as writer

    caplog.set_level("INFO")
    monkeypatch.setattr(writer, "MIN_JOBS_PER_WORKER", 1)
    out = tmp_path / "out"
    build(site, out, BUILD_WORKERS=2)
    assert any("on 2 processes" in r.getMessage() for r in caplog.records)
    assert manifest(out) == cold(site, tmp_path / "cold", BUILD_WORKERS=1)


def test_a_page_that_fails_in_a_worker_fails_the_build(site, tmp_path, monkeypatch) -> None:
    import neighbourhoods.incremental as writer

    monkeypatch.setattr(writer, "MIN_JOBS_PER_WORKER", 1)
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    broken = "{% block content %}{{ article.title.no_such_thing() }}"
    edit(theme / "templates/article.html", "{% block content %}", broken)
    out = tmp_path / "out"
    with pytest.raises(Exception, match=r"UndefinedError|no_such_thing"):
        build(site, out, BUILD_WORKERS=2, THEME=str(theme))
    assert not out.exists()


CRIME = "neighbourhoods/alpha/crime.yaml"
CRIME_YAML = """source: "Illustrative sample figures"
illustrative: true
runs_to: "2026-10"
months:
  "2026-09": {anti-social-behaviour: 11, burglary: 2}
  "2026-10": {anti-social-behaviour: 9, shoplifting: 4}
"""
CRIME_EDITS = {
    "a count": lambda s: edit(s / CRIME, "shoplifting: 4", "shoplifting: 40"),
    "a new month": lambda s: (
        edit(s / CRIME, 'runs_to: "2026-10"', 'runs_to: "2026-11"')
        or edit(s / CRIME, '  "2026-10"', '  "2026-11": {shoplifting: 40}\n  "2026-10"')
    ),
    "no longer illustrative": lambda s: edit(
        s / CRIME, "illustrative: true", "illustrative: false"
    ),
    "deleted": lambda s: (s / CRIME).unlink(),
}


@pytest.mark.parametrize("change", list(CRIME_EDITS))
def test_after_a_crime_yaml_edit_the_incremental_build_equals_a_cold_one(
    site, tmp_path, change
) -> None:
    (site / CRIME).write_text(CRIME_YAML, encoding="utf-8")
    out = tmp_path / "out"
    build(site, out)
    page = out / "neighbourhoods/alpha/index.html"
    assert '<th scope="row">Anti-social behaviour</th>' in page.read_text("utf-8")
    CRIME_EDITS[change](site)
    build(site, out)
    shown = page.read_text("utf-8")
    assert ("<td>40</td>" in shown) == (change in {"a count", "a new month"})
    assert ("not real crime figures" in shown) == (change in {"a count", "a new month"})
    assert manifest(out) == cold(site, tmp_path / "cold")


def test_an_area_page_with_crime_figures_is_reused_when_nothing_changed(
    site, tmp_path, caplog
) -> None:
    caplog.set_level("INFO")
    (site / CRIME).write_text(CRIME_YAML, encoding="utf-8")
    out = tmp_path / "out"
    build(site, out)
    build(site, out)
    assert reused(caplog)[1] == 0  # crime_chart(area) keeps the area page cacheable


def search_shards(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """(shards, shards indexed by this build) from the last build's search message."""
    for record in reversed(caplog.records):
        message = record.getMessage()
        if message.startswith("Search: "):
            words = message.split()
            return int(words[words.index("shards,") - 1]), int(words[words.index("indexed") - 1])
    raise AssertionError("the build said nothing of the search index")


def test_an_edit_reindexes_only_its_areas_search_shard_and_equals_a_cold_build(
    site, tmp_path, caplog
) -> None:
    caplog.set_level("INFO")
    out = tmp_path / "out"
    build(site, out, SEARCH_AREAS_PER_SHARD=1)  # two areas: alpha in shard 0, beta in 1
    assert search_shards(caplog) == (2, 2)
    form = lxml_html.fromstring((out / "search/index.html").read_bytes()).get_element_by_id(
        "search-form"
    )
    assert form.get("data-shards") == "pagefind/shard-1/"
    assert (out / "pagefind/shard-1/pagefind-entry.json").is_file()
    assert not (out / "pagefind/shard-1/pagefind.js").exists(), "merged shards use shard 0's"
    EDITS["an update's text"](site)  # an update of alpha's
    build(site, out, SEARCH_AREAS_PER_SHARD=1)
    assert search_shards(caplog) == (2, 1)
    assert manifest(out) == cold(site, tmp_path / "cold", SEARCH_AREAS_PER_SHARD=1)
    build(site, out, SEARCH_AREAS_PER_SHARD=1)
    assert search_shards(caplog) == (2, 0)


def test_templates_compiled_by_one_build_are_not_compiled_again(site, tmp_path, monkeypatch):
    """Every generator has its own Jinja environment; a build compiles each template
    once and the next build (a live preview's, in the same process) none."""
    from jinja2 import Environment

    out = tmp_path / "out"
    compiled: list[str | None] = []
    original = Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counting)
    build(site, out)
    first = [name for name in compiled if name]
    assert "article.html" in first and len(first) == len(set(first)), first
    compiled.clear()
    append(site / UPDATE, "\nOfficers will be back next week.\n")
    build(site, out)
    assert "back next week" in (out / UPDATE_PAGE).read_text("utf-8")
    assert [name for name in compiled if name] == []


def test_a_rebuild_parses_again_only_what_changed(site, tmp_path, monkeypatch) -> None:
    """The checks' memory of the last good build is kept beside it: a rebuild with
    nothing changed parses again only the A to Z, whose links "nothing lost" reads."""
    from neighbourhood_policing.checks import output as checked

    out = tmp_path / "out"
    build(site, out)
    parsed: list[int] = []
    real = checked.PARSERS[".html"]
    monkeypatch.setitem(checked.PARSERS, ".html", lambda text: parsed.append(1) or real(text))
    build(site, out)
    assert len(parsed) == 1
    shutil.rmtree(cache_dir_for(out))
    build(site, out)
    assert len(parsed) > 20  # without the memory, every page again


def test_pelican_asks_no_modification_times_for_a_cache_it_does_not_keep(
    site, tmp_path, monkeypatch
) -> None:
    """Pelican's content cache is off (pelicanconf.py): it still asked each file's
    modification time three times, to cache nothing (120,000 questions at national
    scale). Now only for the first update and the first page, before Pelican tells a
    plugin anything."""
    asked: list[str] = []
    real = os.path.getmtime
    monkeypatch.setattr(os.path, "getmtime", lambda path: asked.append(path) or real(path))
    build(site, tmp_path / "out")
    assert len([path for path in asked if str(path).endswith(".md")]) == 2


def test_an_update_edit_renders_no_calendar_and_draws_no_map(site, tmp_path, monkeypatch) -> None:
    """Calendars show events and maps show boundaries and places, not updates: after an
    update is edited, every calendar is the last build's file and no map is drawn; after
    a patrol place moves, only its area's map is drawn, and after a boundary changes,
    every map (each shows the areas around it) and the postcode lookup's boundaries."""
    import os

    from neighbourhood_policing import lookup
    from neighbourhood_policing.maps import MapMaker

    out = tmp_path / "out"
    build(site, out)
    calendars = ["events.ics", "neighbourhoods/alpha/events.ics"]
    calendars += [f"neighbourhoods/alpha/events/{n}.ics" for n in ("december-surgery",)]
    before = {rel: os.stat(out / rel).st_ino for rel in calendars}
    drawn: list[str] = []
    real = MapMaker.area
    monkeypatch.setattr(
        MapMaker, "area", lambda self, record: drawn.append(record.slug) or real(self, record)
    )
    EDITS["an update's text"](site)
    build(site, out)
    assert {rel: os.stat(out / rel).st_ino for rel in calendars} == before
    assert drawn == []
    edit(site / "neighbourhoods/alpha/patrols.yaml", "name: ", "name: Upper ")
    build(site, out)
    assert drawn == ["alpha"]
    assert manifest(out) == cold(site, tmp_path / "cold")
    drawn.clear()
    simplified: list[int] = []
    simplify = lookup.simplified_boundaries
    monkeypatch.setattr(
        lookup, "simplified_boundaries", lambda *args: simplified.append(1) or simplify(*args)
    )
    _neighbouring_areas(site)
    build(site, out)
    assert sorted(drawn) == ["alpha", "beta"]
    assert manifest(out) == cold(site, tmp_path / "cold")
    # The postcode lookup's boundaries are simplified again only when a boundary changes.
    assert len(simplified) == 2  # this build's, and the cold one's
    EDITS["an update's title"](site)
    build(site, out)
    assert len(simplified) == 2
    assert manifest(out) == cold(site, tmp_path / "cold")


def test_an_update_edit_makes_again_only_the_page_of_the_list_that_shows_it(site, tmp_path) -> None:
    """A list of every update runs to thousands of pages at national scale: editing one
    update makes again the page of /updates/ it is on and the page before it (which
    links to it), not the others: they show only the count of updates, which an edit
    does not change. The page before comes out as the bytes published, so its file is
    kept: only the page showing the edit is written."""
    folder = site / "neighbourhoods/beta/updates"
    folder.mkdir(exist_ok=True)
    for number in range(45):  # 45 more updates: /updates/ has three pages of 20
        day = dt.date(2026, 1, 1) + dt.timedelta(days=number)
        (folder / f"{day}-note.md").write_text(
            f"Title: Note {number}\nDate: {day} 09:00\nCategory: News\n\nHello.\n", "utf-8"
        )
    out = tmp_path / "out"
    build(site, out)
    lists = ["updates/index.html", "updates/page/2/index.html", "updates/page/3/index.html"]
    before = {rel: os.stat(out / rel).st_ino for rel in lists}
    oldest = folder / "2026-01-01-note.md"
    edit(oldest, "Note 0\n", "Note nought\n")
    build(site, out)
    after = {rel: os.stat(out / rel).st_ino for rel in lists}
    assert [rel for rel in lists if after[rel] != before[rel]] == lists[2:]
    assert "Note nought" in (out / "updates/page/3/index.html").read_text("utf-8")
    assert manifest(out) == cold(site, tmp_path / "cold")


def test_no_page_of_pelican_is_alive_during_the_checks(site, tmp_path, monkeypatch) -> None:
    """Pelican's pages (every update's rendered text) are let go before the checks: the
    waiting pages' shared context, a copy of Pelican's, kept all of them alive through
    the checks, most of a national build's memory."""
    import gc

    from pelican.contents import Article

    from neighbourhood_policing.tools import build as runner

    alive: list[int] = []
    hooks: list[list[object]] = []
    real = runner.check_built_site

    def check(*args, **kwargs):
        hooks.append(list(gc.callbacks))
        # The build freezes what it keeps for long (neighbourhood_policing.collector), and
        # gc.get_objects() does not list frozen objects: after collecting, count them too.
        gc.collect()
        gc.unfreeze()
        alive.append(sum(type(thing) is Article for thing in gc.get_objects()))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "check_built_site", check)
    out = tmp_path / "out"
    build(site, out)  # a cold build: every page waits to be rendered
    EDITS["an update's text"](site)
    build(site, out)
    assert alive == [0, 0]
    # Nothing stays frozen once a build is over; and no collector callback is installed
    # while it runs (a Ctrl+C raised inside one would be lost: collector.py).
    assert gc.get_freeze_count() == 0
    assert hooks == [list(gc.callbacks)] * 2


def test_every_page_of_the_sample_site_has_a_key(tmp_path, monkeypatch) -> None:
    """A page whose template reads a value the digester cannot vouch for (a global that
    is a plain class) is never reused: every page and file of the sample site has a key."""
    from neighbourhood_policing.incremental import BuildCache

    missing: list[str] = []
    key, key_of = BuildCache.key, BuildCache.key_of

    def checked_key(self, template, context):
        found = key(self, template, context)
        if found is None:
            missing.append(str(context.get("output_file")))
        return found

    def checked_key_of(self, *values):
        found = key_of(self, *values)
        if found is None:
            missing.append(repr(values[0]))
        return found

    monkeypatch.setattr(BuildCache, "key", checked_key)
    monkeypatch.setattr(BuildCache, "key_of", checked_key_of)
    build(PROJECT, tmp_path / "out")
    assert missing == []


def groups_kept(caplog: pytest.LogCaptureFixture) -> int:
    for record in reversed(caplog.records):
        message = record.getMessage()
        if message.startswith("Pages reused:"):
            return int(message.rsplit(":", 1)[1])
    raise AssertionError("the build said nothing of reused pages")


def test_an_areas_reports_are_kept_whole_while_its_inputs_are_unchanged(
    site, tmp_path, caplog
) -> None:
    """An area's reports, their list, feeds and PDFs are one group: kept at once when the
    area, its updates and what the templates read are as the last build had them, and
    made again, exactly, when any of them changed."""
    caplog.set_level("INFO")
    out = tmp_path / "out"
    build(site, out, REPORTS_PDF=True)
    beta = out / "neighbourhoods/beta/reports/index.html"
    beta_pages = sorted(beta.parent.rglob("*.*"))
    assert any(p.suffix == ".pdf" for p in beta_pages) and len(beta_pages) > 3
    before = {p: os.stat(p).st_ino for p in beta_pages}
    EDITS["an update's title"](site)  # an update of alpha's
    build(site, out, REPORTS_PDF=True)
    assert groups_kept(caplog) == 1  # beta's; alpha's shows the update
    assert {p: os.stat(p).st_ino for p in beta_pages} == before
    alpha = (out / "neighbourhoods/alpha/reports/2026-11/index.html").read_text("utf-8")
    assert "Busy " in alpha
    pdf_cache = tmp_path / ".out-cache" / "report-pdfs"
    assert len(list(pdf_cache.rglob("*.pdf"))) == len(list(out.rglob("*.pdf")))
    assert manifest(out) == cold(site, tmp_path / "cold", REPORTS_PDF=True)
    # Alpha's update of June names beta, so an edit of beta's files is one of alpha's
    # reports too; alpha's update of November is alpha's alone.
    (site / UPDATE).unlink()
    build(site, out, REPORTS_PDF=True)
    assert groups_kept(caplog) == 1
    assert {p: os.stat(p).st_ino for p in beta_pages} == before
    assert manifest(out) == cold(site, tmp_path / "cold", REPORTS_PDF=True)
    build(site, out, REPORTS_PDF=True)
    assert groups_kept(caplog) == 2
    assert len(list(pdf_cache.rglob("*.pdf"))) == len(list(out.rglob("*.pdf")))
