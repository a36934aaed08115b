"""The month logic of council reports (neighbourhoods.reports), on the mini site's model."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from conftest import MINI

from neighbourhoods.reports import Month, ReportIndex, council_slug
from neighbourhoods.site import load_site

LONDON = ZoneInfo("Europe/London")
BUILD_DATE = dt.date(2026, 11, 24)


def article(site, source: str, title: str, when: dt.datetime) -> SimpleNamespace:
    """An update as the reports see one after the articles are attached."""
    return SimpleNamespace(
        update_info=site.updates[source],
        title=title,
        date=when.replace(tzinfo=LONDON),
        url=f"{source}/",
    )


@pytest.fixture
def site():
    return load_site(MINI, build_date=BUILD_DATE)


def test_months_step_across_years() -> None:
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    assert Month(2026, 2).last_day == dt.date(2026, 2, 28)
    assert Month.parse("2026-13") is None and Month.parse("26-11") is None
    assert str(Month.parse("2026-03")) == "2026-03"
    assert Month(2026, 11).title == "November 2026"


def test_crime_figures_for_the_month_only(site) -> None:
    alpha = site.areas["alpha"]
    alpha.crime = SimpleNamespace(
        source="data.police.uk",
        illustrative=True,
        runs_to="2026-10",
        months={
            "2026-10": {"anti-social-behaviour": 7, "burglary": 2, "shoplifting": 5},
            "2026-09": {"burglary": 9},
        },
    )
    index = ReportIndex(site, [], BUILD_DATE)
    assert Month(2026, 10) in index.months(alpha)  # crime data alone makes a report
    october = index.report(alpha, Month(2026, 10)).crime
    assert october is not None
    assert [(r.name, r.count) for r in october.rows] == [
        ("Anti-social behaviour", 7),
        ("Shoplifting", 5),
        ("Burglary", 2),
    ]
    assert october.total == 7 and october.asb == 7 and october.illustrative
    assert index.report(alpha, Month(2026, 9)).crime.rows[0].count == 9
    assert index.report(alpha, Month(2026, 11)).crime is None


def test_works_before_the_crime_model_exists(site) -> None:
    alpha = site.areas["alpha"]
    assert getattr(alpha, "crime", None) is None
    assert ReportIndex(site, [], BUILD_DATE).report(alpha, Month(2026, 9)).crime is None


def test_updates_are_bucketed_by_area_and_month(site) -> None:
    june = "neighbourhoods/alpha/updates/2026-06-15-summer-appeal.md"
    november = "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md"
    charter = "content/updates/2026-07-01-charter.md"
    updates = [
        article(site, november, "November", dt.datetime(2026, 11, 20, 14, 30)),
        article(site, june, "June", dt.datetime(2026, 6, 15, 9)),
        article(site, charter, "Charter", dt.datetime(2026, 7, 1, 10)),
    ]
    index = ReportIndex(site, updates, BUILD_DATE)
    alpha, beta = site.areas["alpha"], site.areas["beta"]
    assert [u.title for u in index.report(alpha, Month(2026, 11)).updates] == ["November"]
    assert [u.title for u in index.report(alpha, Month(2026, 6)).updates] == ["June"]
    assert [u.title for u in index.report(beta, Month(2026, 6)).updates] == ["June"]
    # Force-wide updates make no area's report.
    assert Month(2026, 7) not in index.months(alpha)
    assert index.months(beta) == [Month(2026, 6)]
    assert index.count() == len(index.months(alpha)) + 1


def test_no_reports_for_months_that_have_not_started(site) -> None:
    alpha = site.areas["alpha"]
    alpha.priorities[0].actions[0].date = dt.date(2027, 1, 5)
    index = ReportIndex(site, [], BUILD_DATE)
    assert max(index.months(alpha)) == Month(2026, 9)


def test_a_report_date_comes_from_its_content(site) -> None:
    index = ReportIndex(site, [], BUILD_DATE)
    report = index.report(site.areas["alpha"], Month(2026, 9))
    assert report.content_date() == dt.date(2026, 9, 10)  # the action of 10 September
    assert "1 action on local priorities" in report.summary()


def test_councils_named_by_several_areas_are_one_council(site) -> None:
    site.areas["beta"].area.councils = list(site.areas["alpha"].area.councils)
    councils = ReportIndex(site, [], BUILD_DATE).councils()
    assert [(c.slug, [a.slug for a in c.areas]) for c in councils] == [
        ("alpha-town-council", ["alpha", "beta"])
    ]
    assert council_slug("Goodrich & Welsh Bicknor Parish Council") == (
        "goodrich-and-welsh-bicknor-parish-council"
    )
