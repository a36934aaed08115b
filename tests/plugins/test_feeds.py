"""RSS and Atom feeds: built for real, read back the way feed readers read them."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from axe_playwright_python.sync_playwright import Axe
from pelican import signals
from playwright.sync_api import sync_playwright
from support import CHROMIUM, CHROMIUM_ARGS, MINI, PROJECT, build, free_port
from support.pages import served_page

from feeds.build import make_links_absolute
from neighbourhood_policing.problems import ContentError

SITEURL = "http://localhost:8000"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)

#: A team's update written the way editors write them: every kind of link and an image.
LINKS_UPDATE = """\
Title: Sheds & bikes: lock them up
Date: 2026-03-10 18:00
Modified: 2026-04-02 09:15
Category: Crime prevention advice
Summary: How to keep *sheds* and bikes safe.

Read the [appeal](../2026-06-15-summer-appeal/), [contact us](/contact/) or read
[the charter]({filename}/content/updates/2026-07-01-charter.md).

![A closed padlock]({static}padlock.png)

[Back to the top](#main), [email the team](mailto:alpha.snt@example.police.uk),
[call us](tel:101) or see [lock advice](https://www.example.org/locks).
"""

#: Another area's update: must not appear in Alpha's feed.
BETA_UPDATE = """\
Title: Village hall coffee morning
Date: 2026-10-05 11:00
Category: Event
Summary: Meet the Beta Village team.

Come and say hello.
"""


def feed_site(root: Path) -> Path:
    """The mini test site plus updates that exercise links, dates and areas."""
    shutil.copytree(MINI, root)
    (root / "neighbourhoods/alpha/updates/2026-03-10-sheds.md").write_text(LINKS_UPDATE)
    (root / "neighbourhoods/alpha/updates/padlock.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    beta = root / "neighbourhoods/beta/updates"
    beta.mkdir()
    (beta / "2026-10-05-coffee.md").write_text(BETA_UPDATE)
    return root


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return feed_site(tmp_path_factory.mktemp("feeds") / "site")


@pytest.fixture(scope="module")
def written(site_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One build of the feed site, with every file Pelican was told had been written."""
    announced: list[str] = []

    def record(path: str, context: object = None) -> None:
        announced.append(str(path))

    signals.content_written.connect(record)
    try:
        output = build(site_root, tmp_path_factory.mktemp("feeds-out") / "output")
    finally:
        signals.content_written.disconnect(record)
    return {"output": output, "announced": announced}


@pytest.fixture(scope="module")
def output(written: dict[str, object]) -> Path:
    return written["output"]  # type: ignore[return-value]


def feeds_in(output: Path) -> list[Path]:
    """The feeds of updates (plugins/feeds); the council reports' feeds beside each area's
    reports/ are the reports plugin's, tested in test_reports_build.py."""
    feeds = [*output.rglob("*.rss"), *output.rglob("*.atom")]
    return sorted(p for p in feeds if p.parent.name != "reports")


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def url_of(output: Path, path: Path, siteurl: str = SITEURL) -> str:
    return f"{siteurl}/{path.relative_to(output).as_posix()}"


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "tel"}:
        return bool(parts.path)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def urls_in_feed(path: Path) -> list[str]:
    """Every URL in a feed: link elements and attributes, and every link and image in content."""
    tree = lxml.etree.parse(str(path))
    urls: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("href", "src", "domain", "scheme", "uri", "url"):
            if element.get(name) is not None:
                urls.append(element.get(name))
        local = lxml.etree.QName(element).localname
        if (
            local in {"link", "icon", "logo", "docs", "uri"}
            and element.text
            and element.text.strip()
        ):
            urls.append(element.text.strip())
        html_content = element.tag == CONTENT or (
            element.tag == f"{ATOM}content" and element.get("type") == "html"
        )
        if html_content and element.text:
            fragment = lxml.html.fragment_fromstring(element.text, create_parent="div")
            urls += fragment.xpath("//@href | //@src")
    return urls


def raw_content(path: Path, title: str) -> str:
    """The HTML content of one entry exactly as the file has it."""
    tree = lxml.etree.parse(str(path))
    if path.suffix == ".rss":
        items = [i for i in tree.iter("item") if i.findtext("title") == title]
        return items[0].findtext(CONTENT)
    entries = [e for e in tree.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == title]
    return entries[0].findtext(f"{ATOM}content")


def entry_by_title(parsed: feedparser.FeedParserDict, title: str) -> feedparser.FeedParserDict:
    matches = [e for e in parsed.entries if e.title == title]
    assert len(matches) == 1, [e.title for e in parsed.entries]
    return matches[0]


# -- Which feeds exist --------------------------------------------------------------------


def test_every_area_category_and_the_whole_force_has_rss_and_atom(output: Path) -> None:
    categories = sorted(p.parent.name for p in (output / "updates/category").glob("*/index.html"))
    assert categories == [
        "appeal",
        "crime-prevention-advice",
        "event",
        "news",
        "you-said-we-did",
    ]
    expected = {
        *(
            f"neighbourhoods/{slug}/feed.{kind}"
            for slug in ("alpha", "beta")
            for kind in ("rss", "atom")
        ),
        "updates/feed.rss",
        "updates/feed.atom",
        *(f"updates/category/{c}/feed.{kind}" for c in categories for kind in ("rss", "atom")),
    }
    assert {p.relative_to(output).as_posix() for p in feeds_in(output)} == expected


def test_feeds_are_announced_to_other_plugins(written: dict[str, object], output: Path) -> None:
    # The build writes into a temporary folder next to the output and swaps it in at the
    # end (atomic output), so compare paths within the site.
    def within_site(path: str) -> Path:
        parts = Path(path).parts
        top = next(
            i for i, part in enumerate(parts) if part.startswith(f".{output.name}.building-")
        )
        return Path(*parts[top + 1 :])

    announced = {within_site(p) for p in written["announced"]}  # type: ignore[union-attr]
    missing = [p for p in feeds_in(output) if p.relative_to(output) not in announced]
    assert missing == []


def test_no_temporary_files_are_left_behind(output: Path) -> None:
    assert [p for p in output.rglob(".*.tmp")] == []


# -- What the W3C validator checks --------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_every_feed_parses_without_errors_and_every_url_is_absolute(
    output: Path, kind: str
) -> None:
    paths = [p for p in feeds_in(output) if p.suffix == f".{kind}"]
    assert len(paths) == 8
    for path in paths:
        parsed = parse(path)
        assert parsed.version == ("rss20" if kind == "rss" else "atom10")
        relative = [u for u in urls_in_feed(path) if not is_absolute(u)]
        assert relative == [], path


def test_rss_channel_and_items_have_what_the_validator_requires(output: Path) -> None:
    for path in output.rglob("*.rss"):
        tree = lxml.etree.parse(str(path))
        channel = tree.find("channel")
        for name in ("title", "link", "description", "lastBuildDate", "language"):
            assert (channel.findtext(name) or "").strip(), f"{path}: no {name}"
        assert channel.findtext("link").startswith(SITEURL)
        self_links = channel.findall(f"{ATOM}link[@rel='self']")
        assert [link.get("href") for link in self_links] == [url_of(output, path)]
        assert RFC822.match(channel.findtext("lastBuildDate"))
        items = channel.findall("item")
        for item in items:
            assert item.findtext("guid"), f"{path}: item without guid"
            assert item.find("guid").get("isPermaLink") == "false"
            assert RFC822.match(item.findtext("pubDate") or ""), item.findtext("pubDate")
            for name in ("title", "link", "description", "author", "category"):
                assert item.findtext(name), f"{path}: item without {name}"
        guids = [item.findtext("guid") for item in items]
        assert len(guids) == len(set(guids))


def test_atom_feeds_and_entries_have_what_the_validator_requires(output: Path) -> None:
    for path in output.rglob("*.atom"):
        parsed = parse(path)
        feed = parsed.feed
        assert feed.id == url_of(output, path)
        assert feed.title and feed.updated and feed.subtitle
        selfs = [link.href for link in feed.links if link.rel == "self"]
        assert selfs == [url_of(output, path)]
        assert [link.href for link in feed.links if link.rel == "alternate"]
        for entry in parsed.entries:
            assert entry.id.startswith("tag:localhost,")
            assert entry.updated and entry.published
            assert entry.link.startswith(SITEURL)
            assert entry.author_detail.name and entry.author_detail.email
            assert entry.tags and entry.summary


# -- Which updates each feed has ----------------------------------------------------------


def titles(output: Path, relative: str) -> list[str]:
    return [e.title for e in parse(output / relative).entries]


def test_an_area_feed_has_its_own_and_force_wide_updates_newest_first(output: Path) -> None:
    assert titles(output, "neighbourhoods/alpha/feed.atom") == [
        "Evening patrols in the market square",
        "Our Local Policing Charter",
        "Appeal after shed break-ins",
        "Sheds & bikes: lock them up",
    ]
    # Beta's own update, the force-wide one, and Alpha's appeal that names beta in `areas:`.
    assert titles(output, "neighbourhoods/beta/feed.rss") == [
        "Village hall coffee morning",
        "Our Local Policing Charter",
        "Appeal after shed break-ins",
    ]


def test_rss_and_atom_of_one_feed_have_the_same_entries(output: Path) -> None:
    for rss in output.rglob("feed.rss"):
        atom = rss.with_suffix(".atom")
        assert [e.id for e in parse(rss).entries] == [e.id for e in parse(atom).entries]


def test_the_force_wide_feed_has_every_update_and_category_feeds_only_their_own(
    output: Path,
) -> None:
    assert len(parse(output / "updates/feed.atom").entries) == 5
    advice = parse(output / "updates/category/crime-prevention-advice/feed.rss")
    assert [e.title for e in advice.entries] == ["Sheds & bikes: lock them up"]
    assert advice.feed.title == "West Mercia Police: Crime prevention advice updates"
    assert advice.feed.link == f"{SITEURL}/updates/category/crime-prevention-advice/"


def test_feed_titles_name_the_area_and_link_to_its_page(output: Path) -> None:
    parsed = parse(output / "neighbourhoods/alpha/feed.rss")
    assert "Alpha Town" in parsed.feed.title
    assert parsed.feed.link == f"{SITEURL}/neighbourhoods/alpha/"
    assert "Alpha Town" in parsed.feed.description


def test_feed_max_items_keeps_the_newest(site_root: Path, tmp_path: Path) -> None:
    limited = build(site_root, tmp_path / "output", FEED_MAX_ITEMS=2)
    for kind in ("rss", "atom"):
        assert titles(limited, f"neighbourhoods/alpha/feed.{kind}") == [
            "Evening patrols in the market square",
            "Our Local Policing Charter",
        ]
    assert len(parse(limited / "updates/feed.rss").entries) == 2


def test_a_bad_feed_max_items_is_reported_plainly(site_root: Path, tmp_path: Path) -> None:
    with pytest.raises(ContentError) as failed:
        build(site_root, tmp_path / "output", FEED_MAX_ITEMS=0)
    (problem,) = failed.value.problems
    assert str(problem).startswith("pelicanconf.py: FEED_MAX_ITEMS is 0; set it to a whole number")


def test_a_siteurl_that_is_not_a_full_address_is_reported_plainly(
    site_root: Path, tmp_path: Path
) -> None:
    with pytest.raises(ContentError) as failed:
        build(site_root, tmp_path / "output", SITEURL="www.example.org")
    (problem,) = failed.value.problems
    assert str(problem).startswith("pelicanconf.py: SITEURL is 'www.example.org'")
    assert "full address" in problem.message


# -- One entry, in detail -----------------------------------------------------------------


def test_an_entry_has_full_content_with_absolute_links_and_images(output: Path) -> None:
    base = f"{SITEURL}/neighbourhoods/alpha/updates/2026-03-10-sheds/"
    for kind in ("rss", "atom"):
        path = output / f"neighbourhoods/alpha/feed.{kind}"
        entry = entry_by_title(parse(path), "Sheds & bikes: lock them up")
        # Read the content as written (feedparser's own sanitiser drops tel: links).
        html = raw_content(path, "Sheds & bikes: lock them up")
        assert "lock them up" not in html and entry.content[0].value
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        assert fragment.xpath("//a/@href") == [
            f"{SITEURL}/neighbourhoods/alpha/updates/2026-06-15-summer-appeal/",
            f"{SITEURL}/contact/",
            f"{SITEURL}/updates/2026-07-01-charter/",
            f"{base}#main",
            "mailto:alpha.snt@example.police.uk",
            "tel:101",
            "https://www.example.org/locks",
        ]
        assert fragment.xpath("//img/@src") == [
            f"{SITEURL}/neighbourhoods/alpha/updates/padlock.png"
        ]
        assert fragment.xpath("//img/@alt") == ["A closed padlock"]
        assert "<strong>" not in entry.title and entry.title == "Sheds & bikes: lock them up"
        assert entry.summary == "How to keep sheds and bikes safe."


def test_an_entry_names_the_team_category_and_page(output: Path) -> None:
    entry = entry_by_title(
        parse(output / "neighbourhoods/alpha/feed.atom"), "Sheds & bikes: lock them up"
    )
    assert entry.author_detail.name == "Alpha Town neighbourhood team"
    assert entry.author_detail.email == "alpha.snt@example.police.uk"
    assert [t.term for t in entry.tags] == ["Crime prevention advice"]
    assert entry.link == f"{SITEURL}/neighbourhoods/alpha/updates/2026-03-10-sheds/"
    force = entry_by_title(
        parse(output / "neighbourhoods/alpha/feed.atom"), "Our Local Policing Charter"
    )
    assert force.author_detail.name == "West Mercia Police"
    rss = entry_by_title(
        parse(output / "neighbourhoods/alpha/feed.rss"), "Sheds & bikes: lock them up"
    )
    assert rss.author == "alpha.snt@example.police.uk (Alpha Town neighbourhood team)"


def test_dates_carry_the_uk_offset_of_their_season(output: Path) -> None:
    tree = lxml.etree.parse(str(output / "neighbourhoods/alpha/feed.atom"))
    dates = {
        entry.findtext(f"{ATOM}title"): (
            entry.findtext(f"{ATOM}published"),
            entry.findtext(f"{ATOM}updated"),
        )
        for entry in tree.iter(f"{ATOM}entry")
    }
    # Written in GMT, edited in BST: each date keeps the offset in force on its day.
    assert dates["Sheds & bikes: lock them up"] == (
        "2026-03-10T18:00:00+00:00",
        "2026-04-02T09:15:00+01:00",
    )
    assert dates["Appeal after shed break-ins"] == (
        "2026-06-15T09:00:00+01:00",
        "2026-06-15T09:00:00+01:00",
    )
    assert dates["Evening patrols in the market square"][0] == "2026-11-20T14:30:00+00:00"
    rss = lxml.etree.parse(str(output / "neighbourhoods/alpha/feed.rss"))
    pub = {i.findtext("title"): i.findtext("pubDate") for i in rss.iter("item")}
    assert pub["Appeal after shed break-ins"] == "Mon, 15 Jun 2026 09:00:00 +0100"
    assert pub["Evening patrols in the market square"] == "Fri, 20 Nov 2026 14:30:00 +0000"


def test_feed_dates_come_from_the_newest_content(output: Path) -> None:
    for atom in output.rglob("*.atom"):
        tree = lxml.etree.parse(str(atom))
        entries = [
            dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated"))
            for e in tree.iter(f"{ATOM}entry")
        ]
        updated = dt.datetime.fromisoformat(tree.getroot().findtext(f"{ATOM}updated"))
        assert updated == max(entries), atom
        rss = lxml.etree.parse(str(atom.with_suffix(".rss")))
        last_build = email.utils.parsedate_to_datetime(
            rss.find("channel").findtext("lastBuildDate")
        )
        assert last_build == updated, atom
    # The crime prevention advice feed's only update was edited after it was written.
    advice = parse(output / "updates/category/crime-prevention-advice/feed.atom")
    assert advice.feed.updated == "2026-04-02T09:15:00+01:00"


def test_entry_ids_are_tag_uris_that_survive_edits(site_root: Path, tmp_path: Path) -> None:
    before = build(site_root, tmp_path / "before")
    edited = tmp_path / "edited"
    shutil.copytree(site_root, edited)
    update = edited / "neighbourhoods/alpha/updates/2026-03-10-sheds.md"
    update.write_text(
        LINKS_UPDATE.replace("Sheds & bikes: lock them up", "Sheds and bikes: lock them up")
        .replace("2026-04-02 09:15", "2027-01-15 08:00")
        .replace("Read the", "Please read the")
    )
    after = build(edited, tmp_path / "after")
    old = entry_by_title(parse(before / "updates/feed.atom"), "Sheds & bikes: lock them up")
    new = entry_by_title(parse(after / "updates/feed.atom"), "Sheds and bikes: lock them up")
    assert old.id == new.id == "tag:localhost,2026:/neighbourhoods/alpha/updates/2026-03-10-sheds/"
    assert new.updated == "2027-01-15T08:00:00+00:00"
    assert new.published == old.published


def test_the_publish_build_uses_the_real_address(site_root: Path, tmp_path: Path) -> None:
    published = build(site_root, tmp_path / "output", PROJECT / "publishconf.py")
    real = "https://neighbourhoods.westmercia.police.uk"
    parsed = parse(published / "neighbourhoods/alpha/feed.atom")
    assert parsed.feed.id == f"{real}/neighbourhoods/alpha/feed.atom"
    assert parsed.entries[0].id.startswith("tag:neighbourhoods.westmercia.police.uk,2026:/")
    for path in feeds_in(published):
        assert all(u.startswith(("https://", "mailto:", "tel:")) for u in urls_in_feed(path)), path
        assert "localhost" not in path.read_text(encoding="utf-8")


def test_make_links_absolute_leaves_text_and_markup_alone() -> None:
    html = '<p>Fish &amp; chips <em>café</em> ]]&gt; <a href="x/">x</a></p>\n<p>2</p>'
    assert make_links_absolute(html, "https://example.org/a/b/") == (
        '<p>Fish &amp; chips <em>café</em> ]]&gt; <a href="https://example.org/a/b/x/">x</a></p>'
        "\n<p>2</p>"
    )
    assert make_links_absolute("", "https://example.org/") == ""


# -- Reproducible -------------------------------------------------------------------------


def subscriptions(output: Path) -> dict[str, bytes]:
    files = [*feeds_in(output), *output.rglob("*.ics")]
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(files)}


def test_two_builds_give_byte_identical_feeds_and_calendars(
    sample_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample site again, a year later by the build's clock: not one byte may change."""
    first = subscriptions(sample_output)
    assert any(name.endswith(".rss") for name in first)
    assert any(name.endswith(".ics") for name in first)
    later = dt.datetime(2027, 11, 24, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(later.timestamp())))
    second = subscriptions(build(PROJECT, tmp_path / "again"))
    assert second.keys() == first.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []


def test_every_sample_feed_is_valid(sample_output: Path) -> None:
    paths = feeds_in(sample_output)
    areas = [p for p in (sample_output / "neighbourhoods").iterdir() if (p / "index.html").exists()]
    assert len(paths) >= 2 * len(areas) + 2
    for path in paths:
        parse(path)
        assert [u for u in urls_in_feed(path) if not is_absolute(u)] == [], path


# -- Pages advertise the feeds ------------------------------------------------------------


def alternates(output: Path, rel: str) -> dict[str, list[str]]:
    document = served_page(output, rel)
    found: dict[str, list[str]] = {}
    for link in document.head.iter("link"):
        if link.get("rel") == "alternate" and link.get("type"):
            assert link.get("title"), "every alternate link needs a title for feed readers"
            found.setdefault(link.get("type"), []).append(link.get("href"))
    return found


def local_file(output: Path, url: str) -> Path:
    assert url.startswith(f"{SITEURL}/"), url
    return output / url.removeprefix(f"{SITEURL}/")


@pytest.mark.parametrize(
    ("page", "feed_base", "calendar"),
    [
        (
            "neighbourhoods/alpha/index.html",
            "neighbourhoods/alpha/",
            "neighbourhoods/alpha/events.ics",
        ),
        (
            "neighbourhoods/beta/updates/index.html",
            "neighbourhoods/beta/",
            "neighbourhoods/beta/events.ics",
        ),
        ("index.html", "updates/", "events.ics"),
        ("updates/index.html", "updates/", "events.ics"),
        ("updates/category/appeal/index.html", "updates/category/appeal/", None),
    ],
)
def test_pages_advertise_their_feeds_and_calendar(
    output: Path, page: str, feed_base: str, calendar: str | None
) -> None:
    found = alternates(output, page)
    assert found["application/rss+xml"] == [f"{SITEURL}/{feed_base}feed.rss"]
    assert found["application/atom+xml"] == [f"{SITEURL}/{feed_base}feed.atom"]
    assert found.get("text/calendar") == ([f"{SITEURL}/{calendar}"] if calendar else None)
    for urls in found.values():
        for url in urls:
            assert local_file(output, url).is_file(), url


def stay_informed(output: Path, rel: str) -> lxml.html.HtmlElement:
    document = served_page(output, rel)
    sections = document.xpath("//main//section[@id='stay-informed']")
    assert len(sections) == 1, rel
    return sections[0]


@pytest.mark.parametrize(
    ("page", "types"),
    [
        (
            "neighbourhoods/alpha/index.html",
            {"application/rss+xml", "application/atom+xml", "text/calendar"},
        ),
        (
            "neighbourhoods/alpha/updates/index.html",
            {"application/rss+xml", "application/atom+xml", "text/calendar"},
        ),
        ("index.html", {"application/rss+xml", "application/atom+xml", "text/calendar"}),
        ("updates/index.html", {"application/rss+xml", "application/atom+xml", "text/calendar"}),
        ("updates/category/news/index.html", {"application/rss+xml", "application/atom+xml"}),
    ],
)
def test_pages_explain_feeds_calendars_and_email_alerts(
    output: Path, page: str, types: set[str]
) -> None:
    section = stay_informed(output, page)
    heading = section.xpath("./h2")[0]
    assert heading.text_content() == "Stay informed"
    assert section.get("aria-labelledby") == heading.get("id")
    text = " ".join(section.text_content().split())
    assert "A feed is a web address that lists the latest updates" in text
    if "text/calendar" in types:
        assert "A calendar subscription puts meetings" in text
    links = section.xpath(".//a[@href]")
    assert {a.get("type") for a in links if a.get("type")} == types
    for a in links:
        if a.get("type"):
            assert local_file(output, a.get("href")).is_file()
            assert a.text_content().strip()
    alerts = [a for a in links if a.get("href") == "https://www.westmercia.police.uk/alerts/"]
    assert [a.text_content() for a in alerts] == ["Sign up for West Mercia Police email alerts"]


def test_the_email_alerts_address_comes_from_the_setting(site_root: Path, tmp_path: Path) -> None:
    other = build(
        site_root, tmp_path / "output", EMAIL_ALERTS_URL="https://alerts.example.org/join"
    )
    section = stay_informed(other, "neighbourhoods/alpha/index.html")
    assert section.xpath(".//a[@href='https://alerts.example.org/join']")


# -- In a real browser --------------------------------------------------------------------


@contextlib.contextmanager
def serve(folder: Path, port: int) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()



@pytest.mark.browser
def test_stay_informed_is_visible_and_its_links_work_in_a_browser(
    site_root: Path, tmp_path: Path
) -> None:
    port = free_port()
    site = build(site_root, tmp_path / "output", SITEURL=f"http://127.0.0.1:{port}")
    with serve(site, port) as root, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        try:
            page = browser.new_page(viewport={"width": 320, "height": 800})
            page.goto(f"{root}/neighbourhoods/alpha/")
            section = page.locator("#stay-informed")
            assert section.get_by_role("heading", name="Stay informed").is_visible()
            for name in (
                "RSS feed of updates from Alpha Town",
                "Atom feed of updates from Alpha Town",
                "Calendar of Alpha Town meetings and surgeries",
                "Sign up for West Mercia Police email alerts",
            ):
                link = section.get_by_role("link", name=name)
                assert link.is_visible(), name
                box = link.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, name
            results = Axe().run(page, context="#stay-informed")
            assert results.violations_count == 0, results.generate_report()
            href = section.get_by_role(
                "link", name="Atom feed of updates from Alpha Town"
            ).get_attribute("href")
            feed = page.request.get(urljoin(page.url, href))
            assert feed.ok
            assert (
                feedparser.parse(feed.body()).feed.title == "Alpha Town neighbourhood team: updates"
            )
        finally:
            browser.close()
