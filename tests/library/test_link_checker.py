"""The link checker: zero broken links in the built sample site, and it does find them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from support import invoke

from neighbourhood_policing.checks import links
from neighbourhood_policing.checks.links import check_output
from neighbourhood_policing.checks.output import Output, ParseMemory
from neighbourhood_policing.incremental import Entry
from neighbourhood_policing.outputs import NewSite

SITEURL = "http://localhost:8000"


def test_the_sample_site_has_no_broken_links(sample_output: Path) -> None:
    problems = check_output(sample_output, SITEURL)
    assert problems == [], "\n".join(str(p) for p in problems[:30])


def test_the_mini_site_has_no_broken_links(mini_output: Path) -> None:
    assert check_output(mini_output, SITEURL) == []


def test_invoke_check(mini_output: Path, tmp_path: Path) -> None:
    ok = invoke("check", "--output", str(mini_output))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "No broken links" in ok.stdout

    broken = tmp_path / "site"
    broken.mkdir()
    (broken / "index.html").write_text('<a href="/nowhere/">x</a>', encoding="utf-8")
    failed = invoke("check", "--output", str(broken))
    assert failed.returncode == 2
    assert "index.html:1: links to '/nowhere/', but the built site has no nowhere/index.html" in (
        failed.stderr
    )
    assert "Traceback" not in failed.stderr

    missing = invoke("check", "--output", str(tmp_path / "never-built"))
    assert missing.returncode == 2 and "run .venv/bin/invoke build first" in missing.stdout


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


GOOD = {
    "index.html": (
        '<link rel="stylesheet" href="http://localhost:8000/theme/site.css">'
        '<a href="http://localhost:8000/neighbourhoods/">A to Z</a>'
        '<a href="neighbourhoods/alpha/#team">Team</a>'
        '<a href="/neighbourhoods/alpha">no slash</a>'
        '<a href="#top" id="top">top</a><a href="?page=2">same</a>'
        '<img src="theme/logo.svg" srcset="theme/logo.svg 1x, theme/logo.svg 2x" alt="">'
        '<a href="https://www.example.org/missing">external</a>'
        '<a href="mailto:a@b.uk">mail</a><a href="tel:101">101</a>'
        '<a href="webcal://localhost:8000/x.ics">webcal is not followed</a>'
        '<a href="http://localhost:8000/neighbourhoods/alpha/feed.atom">feed</a>'
        '<a href="/neighbourhoods/alpha/events.ics">calendar</a>'
    ),
    "theme/site.css": "body { background: url(../theme/logo.svg); }\n",
    "theme/logo.svg": "<svg/>",
    "neighbourhoods/index.html": '<a href="alpha/">Alpha</a><a href="../">Home</a>',
    "neighbourhoods/alpha/index.html": '<h2 id="team">Team</h2><a href="../">A to Z</a>',
    "neighbourhoods/alpha/feed.atom": (
        '<feed xmlns="http://www.w3.org/2005/Atom"><link href="http://localhost:8000/neighbourhoods/alpha/"/>'
        '<entry><link href="http://localhost:8000/neighbourhoods/alpha/#team"/>'
        '<content type="html">&lt;a href="http://localhost:8000/neighbourhoods/"&gt;x&lt;/a&gt;</content>'
        "</entry></feed>"
    ),
    "neighbourhoods/alpha/events.ics": (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nURL:http://localhost:8000/neighbourhoods/alpha/\r\n"
        " #team\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "sitemap.xml": (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://localhost:8000/neighbourhoods/alpha/</loc></url></urlset>"
    ),
}


def test_a_sound_site_passes(tmp_path: Path) -> None:
    problems = check_output(site(tmp_path, GOOD), SITEURL)
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("index.html", '<a href="/nowhere/">x</a>', "the built site has no nowhere/index.html"),
        ("index.html", '<a href="neighbourhoods/beta/">x</a>', "no neighbourhoods/beta/index.html"),
        ("index.html", '<a href="http://localhost:8000/gone.html">x</a>', "no gone.html"),
        # A browser trims the spaces around an address: this one is a link into the site.
        ("index.html", '<a href=" http://localhost:8000/gone.html">x</a>', "no gone.html"),
        ("index.html", '<img src="theme/missing.png" alt="">', "no theme/missing.png"),
        ("index.html", '<img srcset="theme/logo.svg 1x, theme/big.svg 2x">', "no theme/big.svg"),
        ("index.html", '<script src="/js/app.js"></script>', "no js/app.js"),
        (
            "index.html",
            '<a href="neighbourhoods/alpha/#nope">x</a>',
            "has no element with id 'nope'",
        ),
        ("index.html", '<a href="#nowhere">x</a>', "this page has no element with id 'nowhere'"),
        ("index.html", '<a href="javascript:alert(1)">x</a>', "uses a javascript: URL"),
        ("index.html", '<a href="data:text/html,x">x</a>', "uses a data: URL"),
        ("index.html", '<a href="{filename}x.md">x</a>', "Pelican could not find the file"),
        ("index.html", '<a href="../../../etc/passwd">x</a>', "no etc/passwd"),
        ("theme/site.css", "a { background: url(missing.png) }", "no theme/missing.png"),
        (
            "neighbourhoods/alpha/feed.rss",
            "<rss><channel><item><link>http://localhost:8000/neighbourhoods/zeta/</link>"
            "</item></channel></rss>",
            "no neighbourhoods/zeta/index.html",
        ),
        (
            "neighbourhoods/alpha/feed.atom",
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">'
            "&lt;img src=&quot;http://localhost:8000/photo.jpg&quot;&gt;</content></entry></feed>",
            "no photo.jpg",
        ),
        ("neighbourhoods/alpha/feed.atom", "<feed><entry>", "is not well-formed XML"),
        (
            "neighbourhoods/alpha/events.ics",
            "BEGIN:VEVENT\r\nURL:http://localhost:8000/neighbourhoods/al\r\n pha/#gone\r\n"
            "END:VEVENT",
            "has no element with id 'gone'",
        ),
    ],
)
def test_broken_links_are_found(tmp_path: Path, name: str, text: str, expected: str) -> None:
    files = {**GOOD, name: text}
    problems = check_output(site(tmp_path, files), SITEURL)
    assert len(problems) == 1, problems
    assert problems[0].path == name
    assert expected in problems[0].message


def test_site_in_a_subfolder(tmp_path: Path) -> None:
    files = {
        "index.html": '<a href="/police/about/">ok</a><a href="/other/">other site</a>'
        '<a href="/police/gone/">broken</a>',
        "about/index.html": "",
    }
    problems = check_output(site(tmp_path, files), "https://example.org/police")
    assert [p.message for p in problems] == [
        "links to '/police/gone/', but the built site has no gone/index.html"
    ]


def test_relative_urls_build(tmp_path: Path, mini_copy: Path) -> None:
    from support import build

    out = build(mini_copy, tmp_path / "out", RELATIVE_URLS=True)
    assert 'href="../neighbourhoods/"' in (out / "about/index.html").read_text(encoding="utf-8")
    assert check_output(out, SITEURL) == []


def test_a_broken_link_is_reported_with_its_line_from_memory_too(tmp_path: Path) -> None:
    """The checker keeps each file's links resolved, not the links themselves: the line
    of a broken one is found again, and a second check from the memory agrees."""
    from neighbourhood_policing.checks.links import check_links
    from neighbourhood_policing.checks.output import Output, ParseMemory

    folder = site(
        tmp_path,
        {
            "index.html": '<p>\n<a href="a/">A</a>\n<a href="#top" id="top">top</a>\n\n'
            '<a href="a/#gone">gone</a>\n<a href="/nowhere/">x</a>\n<a href="a/">again</a>\n',
            "a/index.html": '<h1 id="here">A</h1>\n<a href="../">home</a>',
        },
    )
    memory = ParseMemory()
    first = [str(p) for p in check_links(Output(folder, "", memory))]
    expected = [
        "index.html:5: links to 'a/#gone', but a/index.html has no element with id 'gone'",
        "index.html:6: links to '/nowhere/', but the built site has no nowhere/index.html",
    ]
    assert first == expected
    assert [str(p) for p in check_links(Output(folder, "", memory))] == expected


def test_files_read_on_several_processes_give_the_same_answers(
    tmp_path: Path, sample_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national site's files are hashed, parsed and planned on every core: what the
    workers learn must be what one process reading each file as asked learns."""
    from neighbourhood_policing.checks import links as checker
    from neighbourhood_policing.checks.output import Output, ParseMemory

    broken = GOOD["index.html"] + '\n<a href="/nowhere/">x</a>\n<a href="#gone">y</a>'
    found = []
    for folder in (site(tmp_path, {**GOOD, "index.html": broken}), sample_output):
        alone = Output(folder, SITEURL, ParseMemory())
        expected = [str(p) for p in checker.check_links(alone)]
        monkeypatch.setattr(checker, "MIN_FILES_PER_WORKER", 1)
        shared = Output(folder, SITEURL, ParseMemory())
        checker.read_all(shared, 2)
        assert shared.memory.file_hashes == alone.memory.file_hashes  # read before asked
        assert shared.memory.plans == alone.memory.plans
        for rel in alone.files():
            assert shared.linked_paths(rel) == alone.linked_paths(rel), rel
            assert shared.document(rel).ids == alone.document(rel).ids, rel
            assert shared.document(rel).h1 == alone.document(rel).h1, rel
        assert [str(p) for p in checker.check_links(shared)] == expected
        found.append(expected)
        monkeypatch.undo()
    assert [len(problems) for problems in found] == [2, 0]  # the broken site, the sample
    assert ":2: links to '/nowhere/'" in found[0][0]
    assert len(alone.files()) > 100


def test_the_memory_kept_between_builds_reads_back_as_it_was(
    tmp_path: Path, sample_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks' memory is written as a run of small pickles (a pickler remembering a
    national site's every link was a build's peak) and reads back the same: every plan
    and document of the output's files, nothing of files no longer in it; another build's
    stamp, or a file cut short, gives an empty memory, never a wrong one."""
    import io

    from neighbourhood_policing.checks import output as checked
    from neighbourhood_policing.checks.links import check_links
    from neighbourhood_policing.checks.output import Output, ParseMemory

    monkeypatch.setattr(checked, "_PART", 7)  # many parts, even for the sample site
    memory = ParseMemory()
    expected = [str(p) for p in check_links(Output(sample_output, SITEURL, memory))]
    memory.plans[("gone.html", "0" * 64)] = ()  # a file of an earlier output
    stream = io.BytesIO()
    memory.dump(stream, "stamp")
    data = stream.getvalue()
    again = ParseMemory.load(io.BytesIO(data), "stamp")
    current = {k: v for k, v in memory.plans.items() if k[0] != "gone.html"}
    assert again.plans == current and len(current) > 20
    hashes = set(memory.file_hashes.values())
    for sha, document in memory.documents.items():
        if sha in hashes and (document.ids or document.h1):
            assert again.documents[sha].ids == document.ids
            assert again.documents[sha].h1 == document.h1
    parsed: list[str] = []
    real = checked.PARSERS[".html"]
    monkeypatch.setitem(checked.PARSERS, ".html", lambda text: parsed.append(text) or real(text))
    assert [str(p) for p in check_links(Output(sample_output, SITEURL, again))] == expected
    assert parsed == []  # everything came from the memory
    assert ParseMemory.load(io.BytesIO(data), "another build").plans == {}
    assert ParseMemory.load(io.BytesIO(data[: len(data) // 2]), "stamp").plans == {}
    # A live preview takes the same from memory, without writing and reading it.
    kept = memory.as_kept()
    assert kept.plans == again.plans
    assert {sha: (d.ids, d.h1) for sha, d in kept.documents.items()} == {
        sha: (d.ids, d.h1) for sha, d in again.documents.items()
    }


def test_a_kept_file_whose_plan_is_known_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild keeps most files; their hashes are the output record's and their links
    were planned by the last build, so the checks do not read them again."""
    from types import SimpleNamespace

    from neighbourhood_policing.checks import links as checker
    from neighbourhood_policing.checks.output import Output, ParseMemory
    from neighbourhood_policing.outputs import NewSite

    staging = site(tmp_path / "staging", GOOD)
    published = tmp_path / "published"
    published.mkdir()  # the kept page is not there: reading it would fail
    memory = ParseMemory()
    memory.plans[("kept.html", "f" * 64)] = ()
    kept = {"kept.html": SimpleNamespace(sha="f" * 64)}
    monkeypatch.setattr(checker, "MIN_FILES_PER_WORKER", 1)
    output = Output(NewSite(staging, published, kept), SITEURL, memory)
    checker.read_all(output, 2)
    assert memory.file_hashes["kept.html"] == "f" * 64
    checked = {rel for rel in GOOD if Path(rel).suffix in checker.CHECKED_SUFFIXES}
    assert set(memory.file_hashes) == {*checked, "kept.html"}


# -- a rebuild checks what changed ------------------------------------------------------
PUBLISHED = {
    "a.html": '<a href="b.html#x">b</a> <a href="c.html">c</a> <a href="https://x.org/">x</a>',
    "b.html": '<h2 id="x">X</h2>',
    "c.html": "<p>c</p>",
    "d.html": '<a href="a.html">a</a>',
}


def _entry(sha: str) -> Entry:
    """A kept file's record entry: only its hash matters to the checks."""
    return Entry(key="key", sha=sha, size=0, mtime_ns=0, ctime_ns=0, ino=0, racy=False)


def _rebuilt(tmp_path: Path, written: dict[str, str], kept: list[str]):
    """The published site checked once (as the last good build did), then a new site:
    ``written`` in a staging folder over the ``kept`` files of the published one."""
    published, staging = tmp_path / "published", tmp_path / "staging"
    for folder, files in ((published, PUBLISHED), (staging, written)):
        folder.mkdir()
        for rel, text in files.items():
            (folder / rel).write_text(text, encoding="utf-8")
    memory = ParseMemory()
    assert links.check_links(Output(published, SITEURL, memory)) == []
    entries = {rel: _entry(hashlib.sha256((published / rel).read_bytes()).hexdigest())
               for rel in kept}  # fmt: skip
    return Output(NewSite(staging, published, entries), SITEURL, memory)


def test_a_kept_page_is_checked_again_when_a_page_it_links_to_changes(tmp_path) -> None:
    output = _rebuilt(
        tmp_path, {"b.html": "<h2>X, its id gone</h2>"}, ["a.html", "c.html", "d.html"]
    )
    problems = [str(p) for p in links.check_links(output)]
    assert problems == ["a.html:1: links to 'b.html#x', but b.html has no element with id 'x'"]


def test_a_kept_page_is_checked_again_when_a_page_it_links_to_is_gone(tmp_path) -> None:
    output = _rebuilt(tmp_path, {}, ["a.html", "b.html", "d.html"])
    problems = [str(p) for p in links.check_links(output)]
    assert problems == ["a.html:1: links to 'c.html', but the built site has no c.html"]


def test_links_between_kept_pages_are_not_checked_again(tmp_path, monkeypatch) -> None:
    """The last good build checked them against the very same files; only the page
    written in this build (d.html) has its links looked at."""
    output = _rebuilt(
        tmp_path, {"d.html": '<a href="a.html">again</a>'}, ["a.html", "b.html", "c.html"]
    )
    looked_at: list[str] = []
    real = links._target_problem
    monkeypatch.setattr(
        links,
        "_target_problem",
        lambda out, rel, link: looked_at.append(rel) or real(out, rel, link),
    )
    assert links.check_links(output) == []
    assert looked_at == ["d.html"]


def test_a_link_on_many_pages_is_checked_once_and_a_broken_one_reported_on_each(
    tmp_path, monkeypatch
) -> None:
    """A sound link (the header's, the footer's) leads to the same place from every page,
    so it is looked at once per check; a broken one is still reported on every page."""
    pages = {
        f"{name}/index.html": '<a href="/about/">About</a>\n<a href="/gone/">Gone</a>'
        for name in ("one", "two", "three")
    }
    folder = site(tmp_path, {**pages, "about/index.html": "<h1>About</h1>"})
    looked_at: list[str] = []
    real = links._target_problem
    monkeypatch.setattr(
        links,
        "_target_problem",
        lambda out, rel, link: looked_at.append(link.url) or real(out, rel, link),
    )
    problems = links.check_links(Output(folder, ""))
    assert sorted(str(p) for p in problems) == [
        f"{name}/index.html:2: links to '/gone/', but the built site has no gone/index.html"
        for name in ("one", "three", "two")
    ]
    assert looked_at.count("/about/") == 1 and looked_at.count("/gone/") == 3
