"""Monthly council reports in a real build of a small site: months, councils, feeds, PDFs."""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import feedparser
import pypdf
import pytest
from lxml import html as lxml_html
from support import MINI, PROJECT, build

from neighbourhood_policing.loading import load_site

OCTOBER_UPDATE = """\
Title: Leaflets on every door in Mill Lane
Date: 2026-10-12 11:00
Category: Crime prevention advice
Summary: Advice on locking sheds before the dark evenings.

We delivered leaflets to every house in Mill Lane.
"""
NOVEMBER_NOTE = "We met the town council on 3 November. **Thank you** to everyone who came.\n"


def make_site(root: Path) -> Path:
    """The mini site plus an October update, a covering note and a shared council."""
    shutil.copytree(MINI, root)
    alpha = root / "neighbourhoods" / "alpha"
    (alpha / "updates" / "2026-10-12-leaflets.md").write_text(OCTOBER_UPDATE, encoding="utf-8")
    (alpha / "reports").mkdir()
    (alpha / "reports" / "2026-11.md").write_text(NOVEMBER_NOTE, encoding="utf-8")
    beta = root / "neighbourhoods" / "beta" / "area.yaml"
    beta.write_text(
        beta.read_text(encoding="utf-8") + "councils:\n  - name: Alpha Town Council\n",
        encoding="utf-8",
    )
    return root


def build_reports(root: Path, output: Path, cache: Path) -> Path:
    return build(root, output, REPORTS_PDF=True, REPORTS_PDF_CACHE=str(cache))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(content root, output, PDF cache) of one build of the changed mini site."""
    base = tmp_path_factory.mktemp("reports")
    root = make_site(base / "site")
    output = build_reports(root, base / "output", base / "cache")
    return root, output, base / "cache"


def page(output: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((output / path / "index.html").read_bytes())


def main_text(doc: lxml_html.HtmlElement) -> str:
    return " ".join(doc.xpath("//main")[0].text_content().split())


def links(doc: lxml_html.HtmlElement) -> list[str]:
    return [a.get("href") for a in doc.xpath("//main//a[@href]")]


def test_each_month_with_content_has_a_report(site) -> None:
    _, output, _ = site
    months = sorted(
        p.name for p in (output / "neighbourhoods/alpha/reports").iterdir() if p.is_dir()
    )
    # January: a priority agreed; June: an update (its folder is alpha's, and it names
    # beta too); September: a priority agreed and an action; October and November: updates.
    assert months == ["2026-01", "2026-06", "2026-09", "2026-10", "2026-11"]
    beta = sorted(p.name for p in (output / "neighbourhoods/beta/reports").iterdir() if p.is_dir())
    assert beta == ["2026-06"]


def test_a_report_holds_its_months_items_and_no_others(site) -> None:
    _, output, _ = site
    november = main_text(page(output, "neighbourhoods/alpha/reports/2026-11"))
    october = main_text(page(output, "neighbourhoods/alpha/reports/2026-10"))
    september = main_text(page(output, "neighbourhoods/alpha/reports/2026-09"))

    assert "Evening patrols in the market square" in november
    assert "Leaflets on every door in Mill Lane" not in november
    assert "Leaflets on every door in Mill Lane" in october
    assert "Evening patrols in the market square" not in october
    june = main_text(page(output, "neighbourhoods/alpha/reports/2026-06"))
    assert "Appeal after shed break-ins" in june
    assert "Appeal after shed break-ins" in main_text(
        page(output, "neighbourhoods/beta/reports/2026-06")
    )
    # Force-wide updates are not the team's report; other months' updates are not in it.
    for text in (november, october, september, june):
        assert "Our Local Policing Charter" not in text
    for text in (november, october, september):
        assert "Appeal after shed break-ins" not in text
    # Priority actions only in the month they were taken.
    assert "Evening patrols started." in september
    assert "Evening patrols started." not in october + november
    # Events in the following month only: the December surgery is in November's report.
    assert "Beat surgery at the library" in november
    assert "Beat surgery at the library" not in october + september
    assert "October residents' meeting" in september  # 1 October, the month after
    assert "October residents' meeting" not in october + november
    # The covering note only at the top of its own month.
    assert "We met the town council on 3 November" in november
    assert "We met the town council" not in october + september
    # A priority closed before the month began is not in it.
    assert "Speeding on the bypass" not in november
    assert "Anti-social behaviour in the market square" in november


def test_report_page_shows_contact_feedback_and_no_crime_without_data(site) -> None:
    _, output, _ = site
    doc = page(output, "neighbourhoods/alpha/reports/2026-11")
    text = main_text(doc)
    assert "alpha.snt@example.police.uk" in text
    assert "No crime figures have been imported for November 2026" in text
    assert "How to give feedback" in text
    assert "November 2026 is not over yet" in text  # the build's own month
    assert "is not over yet" not in main_text(page(output, "neighbourhoods/alpha/reports/2026-10"))
    pdf = [a for a in doc.xpath("//main//a[@href]") if a.get("href").endswith(".pdf")]
    assert len(pdf) == 1 and pdf[0].get("href").endswith("/alpha/reports/2026-11/alpha-2026-11.pdf")
    assert (output / "neighbourhoods/alpha/reports/2026-11/alpha-2026-11.pdf").is_file()


def test_area_page_links_to_its_reports(site) -> None:
    _, output, _ = site
    hrefs = links(page(output, "neighbourhoods/alpha"))
    assert any(h.endswith("/neighbourhoods/alpha/reports/2026-11/") for h in hrefs)
    assert any(h.endswith("/neighbourhoods/alpha/reports/") for h in hrefs)
    listing = links(page(output, "neighbourhoods/alpha/reports"))
    for month in ("2026-11", "2026-10", "2026-09", "2026-06", "2026-01"):
        assert any(h.endswith(f"/neighbourhoods/alpha/reports/{month}/") for h in listing)


def test_councils_pages_link_to_the_right_reports(site) -> None:
    _, output, _ = site
    index = links(page(output, "councils"))
    assert [h for h in index if "/councils/" in h] == [
        h for h in index if h.endswith("/councils/alpha-town-council/")
    ]
    assert any(h.endswith("/councils/alpha-town-council/") for h in index)
    council = page(output, "councils/alpha-town-council")
    hrefs = links(council)
    # Both areas name the council; each links to its own latest report, first in its section.
    sections = {s.get("aria-labelledby"): s for s in council.xpath("//main//section")}
    alpha = [a.get("href") for a in sections["council-area-alpha"].xpath(".//a")]
    beta = [a.get("href") for a in sections["council-area-beta"].xpath(".//a")]
    assert alpha[0].endswith("/neighbourhoods/alpha/reports/2026-11/")
    assert beta[0].endswith("/neighbourhoods/beta/reports/2026-06/")
    assert not any("/beta/" in h for h in alpha) and not any("/alpha/" in h for h in beta)
    assert "https://alpha.example.gov.uk/" in hrefs
    # Two clicks from /councils/: the council, then the report.
    footer = page(output, "").xpath("//footer//a[@href]")
    assert any(a.get("href").endswith("/councils/") for a in footer)


def test_reports_feed_lists_each_month_newest_first(site) -> None:
    _, output, _ = site
    for name in ("feed.atom", "feed.rss"):
        feed = feedparser.parse((output / "neighbourhoods/alpha/reports" / name).read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert [e.link.rsplit("/", 2)[-2] for e in feed.entries] == [
            "2026-11",
            "2026-10",
            "2026-09",
            "2026-06",
            "2026-01",
        ]
        assert feed.entries[0].title == "Alpha Town: report to councils for November 2026"
    atom = (output / "neighbourhoods/alpha/reports/feed.atom").read_text(encoding="utf-8")
    # Dates from the content: November's newest item is the update of 20 November.
    assert "<updated>2026-11-20T12:00:00+00:00</updated>" in atom
    head = page(output, "neighbourhoods/alpha/reports/2026-11").xpath("//link[@rel='alternate']")
    assert {link.get("href").rsplit("/", 1)[-1] for link in head} >= {"feed.atom", "feed.rss"}


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_pdf_holds_area_name_and_the_months_update_titles(site) -> None:
    _, output, _ = site
    november = output / "neighbourhoods/alpha/reports/2026-11/alpha-2026-11.pdf"
    text = pdf_text(november)
    assert "Alpha Town" in text
    assert "Evening patrols in the market square" in text
    assert "Leaflets on every door in Mill Lane" not in text
    assert "West Mercia Police" in text
    reader = pypdf.PdfReader(io.BytesIO(november.read_bytes()))
    assert (
        reader.metadata.title == "Alpha Town neighbourhood team: report to councils, November 2026"
    )
    assert reader.metadata["/CreationDate"].startswith("D:20261120")  # from the content
    assert "Leaflets on every door in Mill Lane" in pdf_text(
        output / "neighbourhoods/alpha/reports/2026-10/alpha-2026-10.pdf"
    )


def test_pdfs_are_deterministic_and_unchanged_months_come_from_the_cache(
    site, tmp_path: Path
) -> None:
    root, first, cache = site
    pdfs = sorted(p.relative_to(first) for p in first.rglob("*.pdf"))
    assert len(pdfs) == 6  # five months of alpha's, one of beta's
    # A cold build with an empty cache lays every PDF out again: the same bytes, whether
    # made in the build's own process (the default) or by worker processes.
    fresh = build_reports(root, tmp_path / "fresh", tmp_path / "empty-cache")
    single = build(
        root,
        tmp_path / "single",
        REPORTS_PDF=True,
        REPORTS_PDF_CACHE=str(tmp_path / "other-cache"),
        REPORTS_PDF_WORKERS=2,
    )
    for rel in pdfs:
        assert (fresh / rel).read_bytes() == (first / rel).read_bytes(), rel
        assert (single / rel).read_bytes() == (first / rel).read_bytes(), rel

    # Mark November's cached PDF, then change only October's update: November is copied
    # from the cache (the marker comes through), October is made again.
    november = "neighbourhoods/alpha/reports/2026-11/alpha-2026-11.pdf"
    october = "neighbourhoods/alpha/reports/2026-10/alpha-2026-10.pdf"
    cached = [p for p in cache.rglob("*.pdf") if p.read_bytes() == (first / november).read_bytes()]
    assert len(cached) == 1
    marked = (first / november).read_bytes() + b"\n% marker: copied from the cache\n"
    cached[0].write_bytes(marked)
    changed = tmp_path / "changed"
    shutil.copytree(root, changed)
    update = changed / "neighbourhoods/alpha/updates/2026-10-12-leaflets.md"
    update.write_text(
        update.read_text(encoding="utf-8").replace("Mill Lane", "Mill Road"), encoding="utf-8"
    )
    second = build_reports(changed, tmp_path / "second", cache)
    assert (second / november).read_bytes() == marked
    assert (second / october).read_bytes() != (first / october).read_bytes()
    assert "Leaflets on every door in Mill Road" in pdf_text(second / october)
    # The cache keeps only what the last build used: October's old PDF is gone.
    assert len(list(cache.rglob("*.pdf"))) == len(pdfs)
    assert not [p for p in cache.rglob("*.pdf") if p.read_bytes() == (first / october).read_bytes()]


def test_the_pdf_cache_lives_in_the_build_cache_beside_the_output(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    output = build(root, tmp_path / "public", REPORTS_PDF=True)
    cache = tmp_path / ".public-cache" / "report-pdfs"
    made = sorted(p.read_bytes() for p in output.rglob("*.pdf"))
    assert made and sorted(p.read_bytes() for p in cache.rglob("*.pdf")) == made
    # Nothing of the cache is published, and a file of someone else's in it is kept.
    assert not list(output.rglob("*-cache"))
    stray = cache / "README.txt"
    stray.write_text("not a PDF of ours\n", encoding="utf-8")
    (root / "neighbourhoods/alpha/reports/2026-11.md").unlink()
    again = build(root, output, REPORTS_PDF=True)
    assert stray.is_file()
    assert len(list(cache.rglob("*.pdf"))) == len(list(again.rglob("*.pdf")))


def test_without_the_setting_there_are_no_pdfs_or_pdf_links(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    output = build(root, tmp_path / "output")
    assert not list(output.rglob("*.pdf"))
    doc = page(output, "neighbourhoods/alpha/reports/2026-11")
    assert not [h for h in links(doc) if h.endswith(".pdf")]
    assert "Evening patrols in the market square" in main_text(doc)


def write_note(root: Path, name: str, text: str = "A note.\n") -> Path:
    folder = root / "neighbourhoods" / "alpha" / "reports"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def problems(root: Path) -> list[str]:
    return [str(p) for p in load_site(root).problems]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("november.md", "A note.\n", "named by the month it covers, as YYYY-MM.md"),
        ("2026-13.md", "A note.\n", "named by the month it covers, as YYYY-MM.md"),
        ("2026-11.txt", "A note.\n", "(a Markdown file ending in .md)"),
        ("2026-11.md", "  \n", "is empty; write the covering note for November 2026"),
        ("2026-11.md", "See ![the map]({static}map.png).\n", "covering notes are text only"),
        ("2026-11.md", "See [the minutes]({filename}minutes.md).\n", "full address"),
        ("2027-02.md", "Next year.\n", "February 2027, which has not started yet"),
    ],
)
def test_covering_note_problems_name_the_file_and_the_fix(
    mini_copy: Path, name: str, text: str, expected: str
) -> None:
    write_note(mini_copy, name, text)
    found = [p for p in problems(mini_copy) if f"neighbourhoods/alpha/reports/{name}" in p]
    assert len(found) == 1, problems(mini_copy)
    assert expected in found[0]


def test_a_folder_inside_reports_is_reported(mini_copy: Path) -> None:
    (mini_copy / "neighbourhoods/alpha/reports/old").mkdir(parents=True)
    found = [p for p in problems(mini_copy) if "reports/old" in p]
    assert found and "holds only covering notes" in found[0]


def test_a_note_alone_makes_a_report(mini_copy: Path, tmp_path: Path) -> None:
    write_note(mini_copy, "2026-08.md", "Quiet month: no new priorities.\n")
    output = build(mini_copy, tmp_path / "output")
    text = main_text(page(output, "neighbourhoods/alpha/reports/2026-08"))
    assert "Quiet month: no new priorities." in text
    assert "The team posted no updates in August 2026." in text


def test_note_markdown_is_sanitised(mini_copy: Path, tmp_path: Path) -> None:
    write_note(
        mini_copy,
        "2026-11.md",
        textwrap.dedent("""\
        Hello <script>alert(1)</script> **council**.
        """),
    )
    output = build(mini_copy, tmp_path / "output")
    raw = (output / "neighbourhoods/alpha/reports/2026-11/index.html").read_text(encoding="utf-8")
    assert "<script>" not in raw
    assert "<strong>council</strong>" in raw


def test_report_feeds_in_the_publish_build_use_the_real_address(tmp_path: Path) -> None:

    root = make_site(tmp_path / "site")
    output = build(
        root, tmp_path / "output", PROJECT / "publishconf.py", REPORTS_PDF_CACHE=str(tmp_path)
    )
    real = "https://neighbourhoods.westmercia.police.uk"
    for name in ("feed.atom", "feed.rss"):
        path = output / "neighbourhoods/alpha/reports" / name
        text = path.read_text(encoding="utf-8")
        assert "localhost" not in text
        feed = feedparser.parse(text)
        assert feed.entries[0].link == f"{real}/neighbourhoods/alpha/reports/2026-11/"
        assert feed.entries[0].author_detail.email == "alpha.snt@example.police.uk"
    assert (output / "neighbourhoods/alpha/reports/2026-11/alpha-2026-11.pdf").is_file()


def test_sitemap_dates_reports_by_their_content(site) -> None:
    _, output, _ = site
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/neighbourhoods/alpha/reports/2026-09/</loc><lastmod>2026-09-10</lastmod>" in sitemap
    assert "/neighbourhoods/alpha/reports/</loc><lastmod>2026-11-20</lastmod>" in sitemap
    assert "/councils/alpha-town-council/</loc>" in sitemap
    assert ".pdf" not in sitemap


def test_feedback_links_to_the_areas_have_your_say_page(site) -> None:
    """The have_your_say plugin (on in pelicanconf) writes the page the report points to."""
    _, output, _ = site
    hrefs = links(page(output, "neighbourhoods/alpha/reports/2026-11"))
    say = [h for h in hrefs if h.endswith("/neighbourhoods/alpha/have-your-say/")]
    assert say and (output / "neighbourhoods/alpha/have-your-say/index.html").is_file()


def test_imported_crime_figures_are_in_their_months_report(sample_output: Path) -> None:
    """The sample site's crime.yaml (the crime plugin's model) reaches the report's table."""
    import yaml

    figures = yaml.safe_load((PROJECT / "neighbourhoods/ludlow/crime.yaml").read_text("utf-8"))
    october = figures["months"]["2026-10"]
    doc = page(sample_output, "neighbourhoods/ludlow/reports/2026-10")
    rows = {
        " ".join(r.xpath("th")[0].text_content().split()): int(r.xpath("td")[0].text_content())
        for r in doc.xpath("//table[contains(@class, 'report__table')]/tbody/tr")
    }
    assert rows["Anti-social behaviour"] == october["anti-social-behaviour"]
    assert sum(rows.values()) == sum(october.values())
    assert "illustrative sample data" in main_text(doc)
    # November has no figures yet (the data runs to October): the report says so.
    november = main_text(page(sample_output, "neighbourhoods/ludlow/reports/2026-11"))
    assert "No crime figures have been imported for November 2026" in november
