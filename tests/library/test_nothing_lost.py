"""Nothing lost, tested by sabotage: a template (or feed) that drops one item fails the build
and the failure names what is missing."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
from pelican import signals
from support import PROJECT, build

from neighbourhood_policing.problems import ContentError
from neighbourhood_policing.site import built_pages

MARKET = "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md"
APPEAL = "neighbourhoods/alpha/updates/2026-06-15-summer-appeal.md"
CHARTER = "content/updates/2026-07-01-charter.md"


def sabotage(tmp_path: Path, name: str, text: str) -> list[str]:
    folder = tmp_path / "sabotage"
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [str(folder)]


def theme_template(name: str) -> str:
    return (PROJECT / "theme/templates" / name).read_text(encoding="utf-8")


def skip_in_macro(name: str, condition: str) -> str:
    """A component template whose macro renders nothing when ``condition`` holds."""
    text = theme_template(name)
    start = text.index("%}", text.index("{% macro")) + 2
    end = text.rindex("{% endmacro %}")
    return f"{text[:start]}{{% if not ({condition}) %}}{text[start:end]}{{% endif %}}{text[end:]}"


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"the theme changed: {old!r} is gone"
    return text.replace(old, new)


def failed_build(root: Path, output: Path, **settings) -> str:
    with pytest.raises(ContentError) as failed:
        build(root, output, **settings)
    return "\n".join(str(p) for p in failed.value.problems)


def test_the_intact_site_passes(mini_copy: Path, tmp_path: Path) -> None:
    build(mini_copy, tmp_path / "out")
    assert (tmp_path / "out/index.html").exists()


def test_an_update_dropped_from_every_list_is_named(mini_copy: Path, tmp_path: Path) -> None:
    template = skip_in_macro(
        "components/update_summary.html", "article.slug == '2026-11-20-market-patrols'"
    )
    overrides = sabotage(tmp_path, "components/update_summary.html", template)
    report = failed_build(mini_copy, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=overrides)
    assert f"{MARKET}: is not linked from the page of Alpha Town (neighbourhoods/alpha/)" in report
    assert f"{MARKET}: is not linked from the list of all updates (updates/)" in report
    assert APPEAL not in report and CHARTER not in report


def test_an_area_list_that_drops_force_wide_updates_is_caught(mini_copy, tmp_path) -> None:
    template = replaced(
        theme_template("area_updates.html"),
        "{% for u in articles_page.object_list %}",
        "{% for u in articles_page.object_list if u.area_records %}",
    )
    area = replaced(
        theme_template("area.html"),
        "{% for u in latest_updates %}",
        "{% for u in latest_updates if u.area_records %}",
    )
    folder = sabotage(tmp_path, "area_updates.html", template)
    sabotage(tmp_path, "area.html", area)
    report = failed_build(mini_copy, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=folder)
    assert f"{CHARTER}: is not linked from the page of Alpha Town" in report
    assert f"{CHARTER}: is not linked from the page of Beta Village" in report


def test_an_update_page_without_its_title_is_caught(mini_copy, tmp_path) -> None:
    template = re.sub(r"<h1[^>]*>.*?</h1>", "<h1>Update</h1>", theme_template("article.html"))
    assert "<h1>Update</h1>" in template
    overrides = sabotage(tmp_path, "article.html", template)
    report = failed_build(mini_copy, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=overrides)
    assert f"{MARKET}: its page neighbourhoods/alpha/updates/2026-11-20-market-patrols/" in report
    assert "does not show its title 'Evening patrols in the market square'" in report


def test_an_area_missing_from_the_a_to_z_is_named(mini_copy, tmp_path) -> None:
    template = replaced(
        theme_template("areas.html"),
        "{% for area in group %}",
        "{% for area in group if area.slug != 'beta' %}",
    )
    overrides = sabotage(tmp_path, "areas.html", template)
    report = failed_build(mini_copy, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=overrides)
    assert (
        "neighbourhoods/beta/area.yaml: 'Beta Village' is missing from the A to Z "
        "(neighbourhoods/index.html)"
    ) in report


def test_a_priority_or_event_missing_from_its_area_page_is_named(mini_copy, tmp_path) -> None:
    overrides = sabotage(
        tmp_path,
        "components/priority.html",
        skip_in_macro("components/priority.html", "p.id == 'speeding'"),
    )
    sabotage(
        tmp_path,
        "components/event.html",
        skip_in_macro("components/event.html", "e.id == 'december-surgery'"),
    )
    report = failed_build(mini_copy, tmp_path / "out", THEME_TEMPLATES_OVERRIDES=overrides)
    assert (
        "neighbourhoods/alpha/priorities.yaml: speeding: the priority 'Speeding on the bypass' "
        "is not on the area page neighbourhoods/alpha/index.html"
    ) in report
    assert "neighbourhoods/alpha/events.yaml: december-surgery: the event" in report
    assert "past-meeting" not in report  # an event that has ended is not expected there


def test_an_update_whose_page_is_not_written_is_named(mini_copy, tmp_path) -> None:
    """Pelican skips the file (as it would one it cannot read); the check notices."""
    report = failed_build(mini_copy, tmp_path / "out", IGNORE_FILES=[Path(APPEAL).name])
    assert f"{APPEAL}: has no page: the built site has no neighbourhoods/alpha/updates/" in report


# -- feeds: checked only when a plugin called "feeds" is enabled ------------------------


def fake_feeds(drop: str | None = None, limit_area: int | None = None) -> types.ModuleType:
    """A stand-in for the feeds plugin: writes Atom/RSS with links to the updates."""
    module = types.ModuleType("fake_plugins.feeds")

    def write(pelican) -> None:
        site = pelican.settings["SITE_MODEL"]
        siteurl = pelican.settings["SITEURL"]
        out = Path(pelican.output_path)

        def feed(path: str, articles) -> None:
            links = "".join(
                f'<entry><link href="{siteurl}/{a.url}"/></entry>'
                for a in articles
                if a.slug != drop
            )
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_text(
                f'<feed xmlns="http://www.w3.org/2005/Atom">{links}</feed>', encoding="utf-8"
            )

        everything = sorted(
            {a for r in site.areas.values() for a in built_pages(r.updates)},
            key=lambda a: a.date,
            reverse=True,
        )
        for record in site.areas.values():
            pages = built_pages(record.updates)
            items = pages[:limit_area] if limit_area else pages
            feed(f"{record.url}feed.atom", items)
            feed(f"{record.url}feed.rss", items)
        feed("updates/feed.atom", everything)

    module.register = lambda: signals.finalized.connect(write)  # type: ignore[attr-defined]
    module._keep = write  # type: ignore[attr-defined]  # blinker holds receivers weakly
    return module


def with_feeds(module: types.ModuleType) -> list:
    return ["neighbourhoods", "hosting", module]


@pytest.fixture(autouse=True)
def _disconnect_fake_feeds():
    yield
    for receiver in list(signals.finalized.receivers_for(None)):
        if getattr(receiver, "__module__", "") == __name__:
            signals.finalized.disconnect(receiver)


def test_complete_feeds_pass(mini_copy, tmp_path) -> None:
    build(mini_copy, tmp_path / "out", PLUGINS=with_feeds(fake_feeds()))
    assert (tmp_path / "out/neighbourhoods/alpha/feed.rss").exists()


def test_an_update_missing_from_its_feeds_is_named(mini_copy, tmp_path) -> None:
    plugins = with_feeds(fake_feeds(drop="2026-06-15-summer-appeal"))
    report = failed_build(mini_copy, tmp_path / "out", PLUGINS=plugins)
    for feed in (
        "neighbourhoods/alpha/feed.atom",
        "neighbourhoods/alpha/feed.rss",
        "neighbourhoods/beta/feed.atom",  # it is in two areas
        "updates/feed.atom",
    ):
        assert f"{APPEAL}: is missing from the feed {feed}" in report


def test_the_feed_limit_is_respected(mini_copy, tmp_path) -> None:
    """Cut to one item, the feeds lose older updates, and that is not a loss ..."""
    build(mini_copy, tmp_path / "out", PLUGINS=with_feeds(fake_feeds(limit_area=1)),
          FEED_MAX_ITEMS=1)  # fmt: skip
    # ... but with room for all of them, the same feeds are missing updates.
    report = failed_build(
        mini_copy, tmp_path / "out2", PLUGINS=with_feeds(fake_feeds(limit_area=1)), FEED_MAX_ITEMS=5
    )
    assert f"{APPEAL}: is missing from the feed neighbourhoods/alpha/feed.atom" in report


def test_feeds_are_checked_only_when_the_feeds_plugin_is_enabled() -> None:
    from neighbourhood_policing.checks.nothing_lost import feeds_enabled

    assert not feeds_enabled({"PLUGINS": ["neighbourhoods", "hosting"]})
    assert feeds_enabled({"PLUGINS": ["neighbourhoods", "feeds", "hosting"]})
    assert feeds_enabled({"PLUGINS": [fake_feeds()]})
    assert not feeds_enabled({"PLUGINS": ["newsfeeds"]})
