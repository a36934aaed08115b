"""The rules and addresses every writer, check and tool shares, each written once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from support import MINI

from neighbourhood_policing import rules, urls
from neighbourhood_policing.loading import load_site
from neighbourhood_policing.models import Category, Status

TODAY = dt.date(2026, 11, 24)


def event(id: str, start: str, end: str) -> SimpleNamespace:
    return SimpleNamespace(
        id=id, start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end)
    )


def test_an_event_is_upcoming_until_the_end_of_the_day_it_ends() -> None:
    today_evening = event("a", "2026-11-24 18:00", "2026-11-24 20:00")
    ended_yesterday = event("b", "2026-11-23 18:00", "2026-11-23 20:00")
    later = event("c", "2026-12-01 10:00", "2026-12-01 12:00")
    same_start = event("0", "2026-12-01 10:00", "2026-12-01 11:00")
    assert rules.is_upcoming(today_evening, TODAY)
    assert not rules.is_upcoming(ended_yesterday, TODAY)
    events = [later, ended_yesterday, today_evening, same_start]
    assert [e.id for e in rules.upcoming_events(events, TODAY)] == ["a", "0", "c"]
    assert [e.id for e in rules.past_events(events, TODAY)] == ["b"]


def test_a_review_is_overdue_only_for_a_priority_still_open() -> None:
    due = dt.date(2026, 11, 1)
    assert rules.review_overdue(SimpleNamespace(status=Status.open, review=due), TODAY)
    assert rules.review_overdue(SimpleNamespace(status=Status.in_progress, review=due), TODAY)
    assert not rules.review_overdue(SimpleNamespace(status=Status.closed, review=due), TODAY)
    assert not rules.review_overdue(SimpleNamespace(status=Status.open, review=TODAY), TODAY)


def test_choices_match_whatever_the_capitals_and_punctuation() -> None:
    assert rules.loosely("In-Progress", Status) is Status.in_progress
    assert rules.loosely("you said we did", Category) is Category.you_said_we_did
    assert rules.loosely("sometime", Status) == "sometime"


def test_updates_are_newest_first_and_same_moment_ties_go_by_url() -> None:
    moment = dt.datetime(2026, 11, 20, 10, tzinfo=rules.timezone())
    items = [
        SimpleNamespace(date=moment, url="b/"),
        SimpleNamespace(date=moment - dt.timedelta(hours=1), url="a/"),
        SimpleNamespace(date=moment, url="c/"),
    ]
    ordered = sorted(items, key=rules.newest_first_key, reverse=True)
    assert [i.url for i in ordered] == ["c/", "b/", "a/"]


def test_the_time_zone_and_force_name_come_from_the_settings() -> None:
    assert rules.timezone({}).key == "Europe/London"
    assert rules.timezone({"TIMEZONE": "Europe/Dublin"}).key == "Europe/Dublin"
    assert rules.force_name({"SITENAME": "Site"}) == "Site"
    assert rules.force_name({"SITENAME": "Site", "FORCE_NAME": "Force"}) == "Force"


def test_every_address_has_one_home() -> None:
    area = SimpleNamespace(slug="ludlow")
    assert urls.area_url("ludlow") == "neighbourhoods/ludlow/"
    assert urls.area_updates_url("ludlow") == "neighbourhoods/ludlow/updates/"
    assert urls.update_url("ludlow", "x") == "neighbourhoods/ludlow/updates/x/"
    assert urls.update_url(None, "x") == "updates/x/"
    assert urls.page_path("updates/x/") == "updates/x/index.html"
    assert urls.page_path("") == "index.html"
    assert urls.area_feeds(area) == (
        "neighbourhoods/ludlow/feed.rss",
        "neighbourhoods/ludlow/feed.atom",
    )
    assert urls.site_feeds().atom == "updates/feed.atom"
    assert urls.area_calendar_path(area) == "neighbourhoods/ludlow/events.ics"
    assert urls.event_calendar_path(area, SimpleNamespace(id="e1")) == (
        "neighbourhoods/ludlow/events/e1.ics"
    )


def test_areas_carry_their_updates_without_a_build() -> None:
    """validate and the tools see the same complete model as the build."""
    site = load_site(MINI, build_date=TODAY)
    alpha, beta = site.areas["alpha"], site.areas["beta"]
    assert [stem(u.source) for u in alpha.own_updates] == [
        "2026-11-20-market-patrols",
        "2026-06-15-summer-appeal",
    ]
    force_wide = [u for u in alpha.updates if u.force_wide]
    assert [stem(u.source) for u in force_wide] == ["2026-07-01-charter"]
    assert site.force_wide_updates == force_wide
    assert all(u in beta.updates for u in force_wide)
    assert [u.date for u in alpha.updates] == sorted((u.date for u in alpha.updates), reverse=True)
    assert alpha.own_updates[0].home_record is alpha
    assert alpha.own_updates[0].article is None  # only a build links Pelican's pages


def stem(source: str) -> str:
    return source.rsplit("/", 1)[-1].removesuffix(".md")
