"""The month logic of council reports (neighbourhood_policing.reports), on the mini site's model."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from support import MINI

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.reports import (
    Month,
    MonthReport,
    area_reports,
    council_slug,
    councils,
    report_months,
)

BUILD_DATE = dt.date(2026, 11, 24)


@pytest.fixture
def site():
    return load_site(MINI, build_date=BUILD_DATE)


def reports_of(record) -> dict[Month, MonthReport]:
    """The area's reports by month, after the test changed its content (as the loader does)."""
    record.report_months = report_months(record, BUILD_DATE)
    return {r.month: r for r in area_reports(record, BUILD_DATE)}


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
    reports = reports_of(alpha)
    assert Month(2026, 10) in reports  # crime data alone makes a report
    october = reports[Month(2026, 10)].crime
    assert october is not None
    assert [(r.name, r.count) for r in october.rows] == [
        ("Anti-social behaviour", 7),
        ("Shoplifting", 5),
        ("Burglary", 2),
    ]
    assert october.total == 7 and october.asb == 7 and october.illustrative
    assert reports[Month(2026, 9)].crime.rows[0].count == 9
    assert reports[Month(2026, 11)].crime is None


def test_works_before_the_crime_model_exists(site) -> None:
    alpha = site.areas["alpha"]
    assert getattr(alpha, "crime", None) is None
    assert reports_of(alpha)[Month(2026, 9)].crime is None


def test_the_loader_lists_each_areas_months(site) -> None:
    alpha = site.areas["alpha"]
    assert alpha.report_months  # set by load_site, no build needed
    assert alpha.report_months == sorted(alpha.report_months, reverse=True)
    assert alpha.report_months == report_months(alpha, BUILD_DATE)


def test_updates_are_bucketed_by_area_and_month(site) -> None:
    alpha, beta = site.areas["alpha"], site.areas["beta"]
    a, b = reports_of(alpha), reports_of(beta)
    titles = {m: [u.meta.title for u in r.updates] for m, r in a.items()}
    assert titles[Month(2026, 11)] == ["Evening patrols in the market square"]
    assert len(titles[Month(2026, 6)]) == 1
    # An update that names beta in ``areas:`` is in beta's report of its month too.
    assert [u.meta.title for u in b[Month(2026, 6)].updates] == titles[Month(2026, 6)]
    # Force-wide updates make no area's report.
    forcewide = {Month.of(u.date) for u in site.force_wide_updates}
    assert forcewide and not forcewide & set(b)
    assert list(b) == [Month(2026, 6)]
    for month, report in a.items():
        assert all(Month.of(u.date) == month for u in report.updates)


def test_no_reports_for_months_that_have_not_started(site) -> None:
    alpha = site.areas["alpha"]
    alpha.priorities[0].actions[0].date = dt.date(2027, 1, 5)
    reports = reports_of(alpha)
    assert Month(2027, 1) not in reports
    assert max(reports) == Month(2026, 11)  # the build's month: the report so far
    assert reports[Month(2026, 11)].is_current


def test_a_report_date_comes_from_its_content(site) -> None:
    report = reports_of(site.areas["alpha"])[Month(2026, 9)]
    assert report.content_date() == dt.date(2026, 9, 10)  # the action of 10 September
    assert "1 action on local priorities" in report.summary()


def test_a_report_holds_the_areas_parts_not_the_whole_record(site) -> None:
    """The page cache digests a report's fields: an AreaRecord would bring every update."""
    import dataclasses

    report = reports_of(site.areas["alpha"])[Month(2026, 11)]
    names = {f.name for f in dataclasses.fields(report)}
    assert "record" not in names and {"slug", "area", "patrols"} <= names


def test_councils_named_by_several_areas_are_one_council(site) -> None:
    site.areas["beta"].area.councils = list(site.areas["alpha"].area.councils)
    found = councils(site)
    assert [(c.slug, [a.slug for a in c.areas]) for c in found] == [
        ("alpha-town-council", ["alpha", "beta"])
    ]
    assert council_slug("Goodrich & Welsh Bicknor Parish Council") == (
        "goodrich-and-welsh-bicknor-parish-council"
    )
