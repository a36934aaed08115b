"""Have your say: the pages every area gets, where their forms go, surveys by date,
the https-only rule and the form-action the hosting headers allow (issue 16)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from lxml import html
from support import MINI, PROJECT, build
from support.pages import served

from neighbourhood_policing import urls
from neighbourhood_policing.engagement import extend_form_action, form_action_sources
from neighbourhood_policing.files import SettingsError
from neighbourhood_policing.loading import load_site
from neighbourhood_policing.problems import ContentError
from neighbourhood_policing.tools.freshness import freshness, report_markdown, report_table

SHIPPED_HEADERS = (PROJECT / "hosting/netlify/_headers").read_text("utf-8")
ENDPOINT = "https://forms.example.police.uk/neighbourhoods/say"
BUDGET_BYTES = 50 * 1024


def page(output: Path, rel: str) -> html.HtmlElement:
    """A built page, its links resolved at its address (pages link relatively)."""
    return served(html.fromstring((output / rel / "index.html").read_bytes()), f"{rel}/index.html")


def epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))


def add_to_area(site: Path, slug: str, text: str) -> None:
    path = site / "neighbourhoods" / slug / "area.yaml"
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def form_actions(output: Path) -> list[str]:
    """The form-action directive of every policy in the output's _headers."""
    text = (output / "_headers").read_text("utf-8")
    return re.findall(r"form-action ([^;]+);", text)


# -- without an endpoint: every area's page, its links, and forms that become an email ----


def test_every_area_has_a_have_your_say_page_linked_from_its_page_and_updates(
    sample_output: Path,
) -> None:
    areas = sorted(p.parent.name for p in (PROJECT / "neighbourhoods").glob("*/area.yaml"))
    assert len(areas) >= 10
    for slug in areas:
        say = f"neighbourhoods/{slug}/have-your-say"
        doc = page(sample_output, say)
        assert doc.xpath("//h1")[0].text_content().strip().endswith("Have your say")
        assert (sample_output / say / "thank-you/index.html").is_file()
        area = page(sample_output, f"neighbourhoods/{slug}")
        hrefs = area.xpath("//main//a/@href")
        assert any(h.endswith(f"/{say}/") for h in hrefs), slug
        # "you said, we did" closes the loop: tell us what to work on next
        link = area.xpath("//section[@id='priorities']//a[contains(., 'work on next')]/@href")
        assert link == [f"http://localhost:8000/{say}/#priority"], slug
    footer = page(sample_output, "updates").xpath("//footer//a[. = 'Have your say']/@href")
    assert footer == ["http://localhost:8000/have-your-say/"]
    index = page(sample_output, "have-your-say")
    assert len(index.xpath("//section[@id='choose-area']//li/a")) == len(areas)
    update = next((sample_output / "neighbourhoods/ludlow/updates").glob("*/index.html"))
    doc = served(
        html.fromstring(update.read_bytes()), update.relative_to(sample_output).as_posix()
    )
    assert doc.xpath("//main//a[contains(., 'Have your say')]/@href") == [
        "http://localhost:8000/neighbourhoods/ludlow/have-your-say/"
    ]


def test_other_code_links_to_the_pages_through_urls(sample_output: Path) -> None:
    """urls.have_your_say_url is where the pages are written (for reports, emails...)."""
    assert urls.have_your_say_url("ludlow") == "neighbourhoods/ludlow/have-your-say/"
    thanks = urls.have_your_say_thanks_url("ludlow")
    assert thanks == "neighbourhoods/ludlow/have-your-say/thank-you/"
    assert urls.have_your_say_url() == "have-your-say/"
    for url in (
        urls.have_your_say_url("ludlow"),
        urls.have_your_say_thanks_url("ludlow"),
        urls.have_your_say_url(),
        urls.have_your_say_thanks_url(),
    ):
        assert (sample_output / urls.page_path(url)).is_file(), url


def test_without_an_endpoint_the_forms_are_an_email_to_the_team(sample_output: Path) -> None:
    doc = page(sample_output, "neighbourhoods/ludlow/have-your-say")
    forms = doc.xpath("//main//form")
    assert [f.get("id") for f in forms] == ["concern-form", "priority-form"]
    for form in forms:
        assert form.get("action").startswith("mailto:ludlow.snt@westmercia.police.uk?subject=")
        assert form.get("method") == "post" and form.get("enctype") == "text/plain"
        assert form.get("data-mailto") == "ludlow.snt@westmercia.police.uk"
        assert not form.xpath(".//input[@type='hidden']")  # nothing a resident cannot see
    text = doc.text_content()
    assert "opens your email app" in text
    assert "This is not for reporting a crime or an emergency" in text
    assert "999" in text and "101" in text and "Crimestoppers" in text
    # no endpoint: no "Was this useful?" anywhere, and the shipped headers unchanged
    for update in sample_output.glob("**/updates/*/index.html"):
        assert b"Was this update useful?" not in update.read_bytes()
    assert (sample_output / "_headers").read_text("utf-8") == SHIPPED_HEADERS


def test_forms_follow_the_govuk_patterns(sample_output: Path) -> None:
    doc = page(sample_output, "neighbourhoods/ludlow/have-your-say")
    fields = doc.xpath("//main//form//input[not(@type='hidden')] | //main//form//textarea")
    assert len(fields) >= 9
    for field in fields:
        fid = field.get("id")
        assert doc.xpath(f"//label[@for='{fid}']"), fid  # a label for every field
        if field.get("type") != "radio":
            assert field.get("maxlength"), fid  # the limit works without JavaScript
            described = field.get("aria-describedby", "").split()
            assert all(doc.xpath(f"//*[@id='{d}']") for d in described), fid
    for textarea in doc.xpath("//textarea"):
        count = doc.xpath(f"//*[@id='{textarea.get('id')}-count']")[0]
        assert count.text_content().startswith("You can enter up to")
    required = doc.xpath("//main//form//*[@required]")
    assert required and all(f.get("data-error") for f in required)
    assert doc.xpath("//script[@defer]/@src") == ["http://localhost:8000/theme/js/have-your-say.js"]
    assert not doc.xpath("//script[not(@src)]") and not doc.xpath("//*[@style]")


def test_the_page_weighs_under_the_budget(sample_output: Path) -> None:
    css = (sample_output / "theme/css/site.css").stat().st_size
    js = (sample_output / "theme/js/have-your-say.js").stat().st_size
    for slug in ("ludlow", "worcester-city-centre"):
        size = (sample_output / f"neighbourhoods/{slug}/have-your-say/index.html").stat().st_size
        assert size + css + js < BUDGET_BYTES, (slug, size, css, js)


# -- with an endpoint -------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("say") / "site"
    import shutil

    shutil.copytree(MINI, site)
    add_to_area(site, "beta", "feedback_endpoint: https://beta-forms.example.org/in\n")
    return build(
        site,
        tmp_path_factory.mktemp("say-out") / "output",
        FEEDBACK_ENDPOINT=ENDPOINT,
        SITEURL="https://neighbourhoods.example.police.uk",
    )


def test_with_an_endpoint_the_forms_post_there_with_the_area(endpoint_output: Path) -> None:
    doc = page(endpoint_output, "neighbourhoods/alpha/have-your-say")
    for form in doc.xpath("//main//form"):
        assert form.get("action") == ENDPOINT and form.get("method") == "post"
        assert form.get("enctype") is None and form.get("data-mailto") is None
        hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
        assert hidden == {
            "form": form.get("id").removesuffix("-form"),
            "area": "alpha",
            "_next": "https://neighbourhoods.example.police.uk/neighbourhoods/alpha/"
            "have-your-say/thank-you/",
        }
    names = set(doc.xpath("//form[@id='concern-form']//*[@name]/@name"))
    assert {"concern", "place", "time", "how_often", "name", "email", "phone"} <= names
    beta = page(endpoint_output, "neighbourhoods/beta/have-your-say")
    assert set(beta.xpath("//main//form/@action")) == {"https://beta-forms.example.org/in"}
    thanks = page(endpoint_output, "neighbourhoods/alpha/have-your-say/thank-you")
    assert "Thank you" in thanks.xpath("//h1")[0].text_content()
    assert not thanks.xpath("//script")  # the thank-you page needs no JavaScript


def test_was_this_useful_posts_the_update_address(endpoint_output: Path) -> None:
    updates = sorted(endpoint_output.glob("**/updates/*/index.html"))
    updates = [u for u in updates if "/page/" not in u.as_posix() and "category" not in u.parts]
    assert len(updates) >= 3
    for path in updates:
        doc = html.fromstring(path.read_bytes())
        form = doc.xpath("//form[@class='useful']")
        assert len(form) == 1, path
        hidden = {i.get("name"): i.get("value") for i in form[0].xpath(".//input")}
        rel = path.parent.relative_to(endpoint_output).as_posix()
        assert hidden["page"] == f"https://neighbourhoods.example.police.uk/{rel}/"
        assert hidden["form"] == "useful"
        buttons = form[0].xpath(".//button")
        assert [(b.get("name"), b.get("value")) for b in buttons] == [
            ("useful", "yes"),
            ("useful", "no"),
        ]
        assert form[0].xpath(".//legend")[0].text_content() == "Was this update useful?"


def test_form_action_allows_exactly_the_configured_hosts(endpoint_output: Path) -> None:
    actions = form_actions(endpoint_output)
    assert len(actions) == SHIPPED_HEADERS.count("form-action") >= 2
    assert set(actions) == {"'self' https://beta-forms.example.org https://forms.example.police.uk"}
    # nothing else in the policy changed
    assert re.sub(r"form-action [^;]+;", "", (endpoint_output / "_headers").read_text()) == (
        re.sub(r"form-action [^;]+;", "", SHIPPED_HEADERS)
    )


def test_extend_form_action_refuses_a_policy_without_form_action() -> None:
    assert extend_form_action(SHIPPED_HEADERS, None) == SHIPPED_HEADERS
    assert extend_form_action(SHIPPED_HEADERS, ["mailto:"]) == SHIPPED_HEADERS
    only_self = extend_form_action(SHIPPED_HEADERS, [])
    assert set(re.findall(r"form-action ([^;]+);", only_self)) == {"'self'"}
    nginx = (PROJECT / "hosting/nginx/neighbourhoods.conf").read_text("utf-8")
    assert "form-action 'self' https://f.example;" in extend_form_action(
        nginx, ["https://f.example"]
    )
    with pytest.raises(SettingsError, match="no form-action"):
        extend_form_action("Content-Security-Policy: default-src 'self'\n", ["https://a.example"])
    assert form_action_sources([None, "https://A.example:8443/x", "https://a.example:8443/y"]) == [
        "https://a.example:8443",
        "mailto:",
    ]


# -- the https-only rule ----------------------------------------------------------------


def test_the_build_refuses_an_endpoint_that_is_not_https(mini_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for bad in ("http://forms.example.police.uk/say", "forms.example.police.uk", "ftp://x.org/"):
        with pytest.raises(ContentError) as refused:
            build(mini_copy, out, FEEDBACK_ENDPOINT=bad)
        message = str(refused.value.problems[0])
        assert message.startswith(f"pelicanconf.py: FEEDBACK_ENDPOINT is '{bad}'"), message
        assert "https://" in message
        assert not out.exists()  # nothing was published
    with pytest.raises(ContentError, match="FEEDBACK_ALLOW_INSECURE_LOCALHOST"):
        build(mini_copy, out, FEEDBACK_ENDPOINT="http://127.0.0.1:9/say")
    built = build(
        mini_copy,
        out,
        FEEDBACK_ENDPOINT="http://127.0.0.1:9/say",
        FEEDBACK_ALLOW_INSECURE_LOCALHOST=True,
    )
    assert set(form_actions(built)) == {"'self' http://127.0.0.1:9"}  # no mailto: left


def test_an_area_endpoint_that_is_not_https_is_named_with_its_line(mini_copy: Path) -> None:
    add_to_area(mini_copy, "beta", "feedback_endpoint: http://forms.example.org/beta\n")
    site = load_site(mini_copy)
    problems = [str(p) for p in site.errors]
    lines = (mini_copy / "neighbourhoods/beta/area.yaml").read_text().splitlines()
    line = len(lines)
    assert any(
        p.startswith(f"neighbourhoods/beta/area.yaml:{line}: feedback_endpoint:")
        and "https://" in p
        for p in problems
    ), problems


def test_an_area_endpoint_on_localhost_needs_the_test_setting(
    mini_copy: Path, tmp_path: Path
) -> None:
    add_to_area(mini_copy, "beta", "feedback_endpoint: http://localhost:9/beta\n")
    line = len((mini_copy / "neighbourhoods/beta/area.yaml").read_text().splitlines())
    with pytest.raises(ContentError) as refused:
        build(mini_copy, tmp_path / "out")
    message = str(refused.value.problems[0])
    assert message.startswith(f"neighbourhoods/beta/area.yaml:{line}: feedback_endpoint: "), (
        message
    )
    assert "FEEDBACK_ALLOW_INSECURE_LOCALHOST" in message
    assert not (tmp_path / "out").exists()
    built = build(mini_copy, tmp_path / "out", FEEDBACK_ALLOW_INSECURE_LOCALHOST=True)
    assert set(form_actions(built)) == {"'self' http://localhost:9 mailto:"}  # alpha: email


# -- surveys ----------------------------------------------------------------------------

SURVEY = """surveys:
  - title: Alpha residents' survey
    url: https://survey.example.org/alpha
    run_by: Alpha Town Council
    opens: 2026-11-20
    closes: 2026-11-30
"""


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (dt.date(2026, 11, 19), False),  # not open yet
        (dt.date(2026, 11, 20), True),  # opening day
        (dt.date(2026, 11, 30), True),  # closing day
        (dt.date(2026, 12, 1), False),  # closed: gone by the build date
    ],
)
def test_surveys_appear_and_disappear_by_the_build_date(
    mini_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: dt.date, shown: bool
) -> None:
    add_to_area(mini_copy, "alpha", SURVEY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(today))
    force = {
        "title": "Public confidence survey",
        "url": "https://pcc.example.org/confidence",
        "run_by": "the Police and Crime Commissioner",
        "opens": "2026-11-01",
        "closes": "2026-11-25",
    }
    out = build(mini_copy, tmp_path / "out", SURVEYS=[force])
    for rel in ("neighbourhoods/alpha", "neighbourhoods/alpha/have-your-say"):
        links = page(out, rel).xpath("//main//a/@href")
        assert ("https://survey.example.org/alpha" in links) is shown, (rel, today)
        force_open = today <= dt.date(2026, 11, 25)
        assert ("https://pcc.example.org/confidence" in links) is force_open, (rel, today)
    beta = page(out, "neighbourhoods/beta/have-your-say").xpath("//main//a/@href")
    assert "https://survey.example.org/alpha" not in beta  # an area's survey is its own
    index = page(out, "have-your-say").xpath("//main//a/@href")
    assert ("https://pcc.example.org/confidence" in index) is (today <= dt.date(2026, 11, 25))


def test_a_survey_that_closes_before_it_opens_is_refused(mini_copy: Path) -> None:
    add_to_area(mini_copy, "alpha", SURVEY.replace("closes: 2026-11-30", "closes: 2026-11-01"))
    problems = [str(p) for p in load_site(mini_copy).errors]
    assert any(
        "neighbourhoods/alpha/area.yaml:" in p and "closes" in p and "before it opens" in p
        for p in problems
    ), problems


def test_a_broken_force_wide_survey_is_named(mini_copy: Path, tmp_path: Path) -> None:
    bad = [{"title": "X", "url": "https://x.example.org/", "run_by": "Y", "opens": "2026-11-01"}]
    with pytest.raises(ContentError) as refused:
        build(mini_copy, tmp_path / "out", SURVEYS=bad)
    message = str(refused.value.problems[0])
    assert message.startswith("pelicanconf.py: SURVEYS[0]['closes']:"), message


def test_the_freshness_report_lists_surveys_closing_within_two_weeks(mini_copy: Path) -> None:
    add_to_area(mini_copy, "alpha", SURVEY)  # build date 2026-11-24: closes in 6 days
    surveys = [
        {"title": "Far off", "url": "https://far.example.org/", "run_by": "Z",
         "opens": "2026-11-01", "closes": "2027-01-31"},
        {"title": "Force soon", "url": "https://soon.example.org/", "run_by": "Z",
         "opens": "2026-11-01", "closes": "2026-12-08"},
    ]  # fmt: skip
    site = load_site(mini_copy, settings={"SURVEYS": surveys})
    rows = {row.slug: row for row in freshness(site)}
    assert rows["alpha"].surveys_closing == [("Alpha residents' survey", dt.date(2026, 11, 30))]
    assert rows["beta"].surveys_closing == []
    line = (
        "Surveys closing within two weeks: Alpha residents' survey (Alpha Town, closes "
        "2026-11-30); Force soon (all areas, closes 2026-12-08)."
    )
    assert line in report_table(site).splitlines()
    assert line in report_markdown(site).splitlines()
    assert "Far off" not in report_table(site)
    assert "Surveys closing" not in report_table(load_site(MINI))  # none: no line
