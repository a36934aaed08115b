"""The CMS's configuration is generated from the models, and the committed file is current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from support import MINI, PROJECT

from neighbourhood_policing.cms import CONFIG_PATH, cms_config, project_config, render
from neighbourhood_policing.loading import load_site
from neighbourhood_policing.models import AgreedHow, Category, Day, EventType, Status
from neighbourhood_policing.problems import describe_pattern
from neighbourhood_policing.rules import SLUG_PATTERN


def test_the_committed_configuration_is_what_the_models_give() -> None:
    committed = (PROJECT / CONFIG_PATH).read_text(encoding="utf-8")
    assert committed == project_config(PROJECT), (
        f"{CONFIG_PATH} is out of date: run .venv/bin/invoke cms-config and commit it"
    )


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    site = load_site(MINI)
    return yaml.safe_load(render(cms_config(site, {"CMS_REPO": "force/site"})))


def collection(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in config["collections"] if c["name"] == name)


def fields(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in items}


def area_file(config: dict[str, Any], area: str, name: str) -> dict[str, dict[str, Any]]:
    entry = next(f for f in collection(config, area)["files"] if f["name"] == name)
    if name != "area":
        (items,) = entry["fields"]
        assert items["name"] == "items" and items["widget"] == "list"
        return fields(items["fields"])
    return fields(entry["fields"])


def test_every_collection_the_issue_asks_for(config: dict[str, Any]) -> None:
    names = [c["name"] for c in config["collections"]]
    assert names == [
        "alpha-updates",
        "alpha",
        "beta-updates",
        "beta",
        "force-wide-updates",
        "pages",
    ]
    alpha = collection(config, "alpha")
    assert alpha["format"] == "area-yaml"
    assert [f["file"] for f in alpha["files"]] == [
        "neighbourhoods/alpha/area.yaml",
        "neighbourhoods/alpha/priorities.yaml",
        "neighbourhoods/alpha/patrols.yaml",
        "neighbourhoods/alpha/events.yaml",
    ]
    updates = collection(config, "alpha-updates")
    assert updates["folder"] == "neighbourhoods/alpha/updates"
    assert updates["format"] == "pelican-markdown" and updates["create"] is True
    assert collection(config, "force-wide-updates")["folder"] == "content/updates"
    assert collection(config, "pages")["folder"] == "content/pages"
    assert config["backend"] == {
        "name": "github",
        "repo": "force/site",
        "branch": "main",
        "squash_merges": True,
    }
    assert config["publish_mode"] == "editorial_workflow"


def test_update_fields_have_labels_hints_required_and_choices(config: dict[str, Any]) -> None:
    update = fields(collection(config, "alpha-updates")["fields"])
    assert list(update)[:3] == ["title", "date", "category"]
    assert update["title"].get("required", True) is True
    assert update["summary"]["required"] is False
    assert update["category"]["options"] == [c.value for c in Category]
    assert update["date"]["widget"] == "datetime"
    assert update["date"]["format"] == "YYYY-MM-DD HH:mm"
    assert update["priority"]["widget"] == "relation"
    assert update["priority"]["collection"] == "alpha"
    assert update["priority"]["file"] == "priorities"
    assert update["priority"]["value_field"] == "items.*.id"
    assert update["areas"]["options"] == ["beta"]  # the other areas
    assert update["body"]["widget"] == "markdown"
    assert update["slug"]["pattern"] == [
        SLUG_PATTERN,
        describe_pattern(SLUG_PATTERN)[:1].upper() + describe_pattern(SLUG_PATTERN)[1:],
    ]
    assert update["priority"]["hint"] == "The id of the priority it reports on."


def test_yaml_file_fields_carry_the_models_rules(config: dict[str, Any]) -> None:
    priority = area_file(config, "alpha", "priorities")
    assert priority["status"]["options"] == [s.value for s in Status]
    assert priority["agreed_how"]["options"] == [a.value for a in AgreedHow]
    assert priority["agreed"]["format"] == "YYYY-MM-DD"
    assert priority["agreed"]["time_format"] is False
    assert priority["problem"]["widget"] == "markdown"
    assert priority["outcome"]["required"] is False
    assert priority["outcome"]["hint"] == "What changed, once closed."
    actions = fields(priority["actions"]["fields"])
    assert set(actions) == {"date", "text"}

    event = area_file(config, "alpha", "events")
    assert event["type"]["options"] == [t.value for t in EventType]
    assert event["start"]["format"] == "YYYY-MM-DD HH:mm"
    assert event["booking"]["hint"] == "How to book or who to contact."

    patrol = area_file(config, "alpha", "patrols")
    when = fields(patrol["when"]["fields"])
    assert when["days"]["options"] == [d.value for d in Day]
    assert when["days"]["multiple"] is True
    assert when["start"]["pattern"][1] == "Must be a 24-hour time such as 09:30 or 21:00"
    assert patrol["where"]["widget"] == "hidden"  # GeoJSON: kept as written

    area = area_file(config, "alpha", "area")
    assert area["name"]["hint"] == "The neighbourhood's name as residents know it."
    contact = fields(area["contact"]["fields"])
    assert contact["email"]["pattern"][1].startswith("Must be an email address")
    team = fields(area["team"]["fields"])
    assert team["bio"]["widget"] == "markdown" and team["bio"]["required"] is False


def test_a_new_area_makes_the_committed_file_stale(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(PROJECT / "neighbourhoods", root / "neighbourhoods")
    shutil.copytree(PROJECT / "content", root / "content")
    shutil.copy(PROJECT / "publishconf.py", root)
    shutil.copy(PROJECT / "pelicanconf.py", root)
    before = project_config(root)
    shutil.copytree(root / "neighbourhoods/ludlow", root / "neighbourhoods/ludlow-rural")
    for path in (root / "neighbourhoods/ludlow-rural/updates").glob("*.md"):
        path.unlink()
    after = project_config(root)
    assert "neighbourhoods/ludlow-rural/updates" in after
    assert before != after


def test_the_forces_oauth_proxy_goes_into_the_backend() -> None:
    site = load_site(MINI)
    settings = {
        "CMS_REPO": "force/site",
        "CMS_AUTH_BASE_URL": "https://cms-auth.example.police.uk",
        "CMS_AUTH_ENDPOINT": "oauth/authorize",
    }
    backend = yaml.safe_load(render(cms_config(site, settings)))["backend"]
    assert backend["base_url"] == "https://cms-auth.example.police.uk"
    assert backend["auth_endpoint"] == "oauth/authorize"
