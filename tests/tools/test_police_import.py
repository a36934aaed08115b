"""End to end: the importers against a stand-in API on 127.0.0.1, then validate and build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import responses
from support import MINI, build
from support.police_server import FakePoliceAPI

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.tools.police import crime as crime_import
from neighbourhood_policing.tools.police.client import PoliceClient, TokenBucket
from neighbourhood_policing.tools.police.sync import run_import_police

CRIMES = {
    "2026-10": [
        {"id": 1, "category": "burglary"},
        {"id": 2, "category": "anti-social-behaviour"},
        {"id": 3, "category": "anti-social-behaviour"},
    ],
    "2026-09": [{"id": 4, "category": "shoplifting"}],
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(MINI, root)
    return root


def run(root: Path, api: FakePoliceAPI, *args: str, dry_run: bool = False) -> int:
    return run_import_police(
        root,
        "west-mercia",
        list(args),
        dry_run,
        api.base_url,
        "neighbourhoods@westmercia.police.uk",
    )


def test_import_twice_then_validate_and_build(site: Path, tmp_path: Path, capsys) -> None:
    before = snapshot(site)
    with FakePoliceAPI(
        busy_once={"forces/west-mercia", "west-mercia/NW01/people"}, crimes=CRIMES
    ) as api:
        assert run(site, api, dry_run=True) == 0
        assert snapshot(site) == before  # --dry-run writes nothing
        assert run(site, api) == 0
        first = snapshot(site)
        assert run(site, api) == 0
        assert snapshot(site) == first  # a second run changes nothing, byte for byte
        assert crime_import.run_import_crime(site, [], False, False, api.base_url) == 0
        statuses = [status for _, status in api.log]
    out = capsys.readouterr().out
    print(out)  # the import summary, for the closing note
    assert 429 in statuses  # the stand-in was busy, and the import still succeeded
    assert "much-wenlock-and-rural (NW01): new area" in out
    assert "broseley (NW02): unchanged" in out
    assert "(dry run: nothing was written)" in out

    folder = site / "neighbourhoods" / "much-wenlock-and-rural"
    area = (folder / "area.yaml").read_text("utf-8")
    assert "Much Wenlock & Rural" in area and "&amp;" not in area and "<p>" not in area
    assert "Sam O'Neill" in area and "*six* years & loves it" in area
    assert not (site / "neighbourhoods" / "broseley" / "patrols.yaml").exists()
    crime_text = (folder / "crime.yaml").read_text("utf-8")
    assert '"2026-10": {anti-social-behaviour: 2, burglary: 1}' in crime_text
    assert "illustrative: false" in crime_text

    model = load_site(site)
    assert model.errors == []
    assert model.areas["much-wenlock-and-rural"].crime.runs_to == "2026-10"
    output = build(site, tmp_path / "output")
    page = (output / "neighbourhoods" / "much-wenlock-and-rural" / "index.html").read_text()
    assert (
        "Much Wenlock &amp; Rural" in page and "&amp;amp;" not in page and "&lt;p&gt;" not in page
    )
    assert 'class="crime-chart"' in page and "Open Government Licence v3.0" in page
    assert "The data runs to <strong>October 2026</strong>" in page
    assert "Illustrative" not in page
    assert "style=" not in page


def test_editors_changes_are_kept_and_reported(site: Path, capsys) -> None:
    with FakePoliceAPI() as api:
        assert run(site, api, "NW01") == 0
        area = site / "neighbourhoods" / "much-wenlock-and-rural" / "area.yaml"
        text = area.read_text("utf-8")
        edited = "# Our team's own note\n" + text.replace(
            "Sam has policed Wenlock", "Sam (our beat manager) has policed Wenlock"
        )
        edited = edited.replace("district: West Mercia Police", "district: Shropshire")
        area.write_text(edited, "utf-8")
        priorities = area.parent / "priorities.yaml"
        kept = priorities.read_text("utf-8").replace(
            "status: open", "status: closed\n  outcome: Fixed."
        )
        priorities.write_text(kept, "utf-8")
        capsys.readouterr()
        assert run(site, api, "NW01") == 0
    out = capsys.readouterr().out
    assert "kept team (edited by hand)" in out and "kept 1 (edited by hand)" in out
    assert area.read_text("utf-8") == edited
    assert priorities.read_text("utf-8") == kept


def test_unknown_neighbourhood_names_the_id_and_writes_nothing(site: Path, capsys) -> None:
    before = snapshot(site)
    with FakePoliceAPI() as api:
        assert run(site, api, "NOPE") == 1
    assert "neighbourhood 'NOPE'" in capsys.readouterr().out
    assert snapshot(site) == before


@responses.activate
def test_crime_splits_the_area_when_the_api_refuses_over_10000_results(site: Path) -> None:
    base = "https://api.test/api"
    calls = []

    def answer(request):
        calls.append(request.url)
        if len([c for c in calls if "all-crime" in c]) == 1:
            return 503, {}, "[]"
        body = [{"id": 9, "category": "drugs"}, {"id": len(calls), "category": "robbery"}]
        return 200, {}, json.dumps(body)

    responses.get(f"{base}/crime-last-updated", json={"date": "2026-10-01"})
    responses.add_callback(responses.GET, f"{base}/crimes-street/all-crime", callback=answer)
    client = PoliceClient(base, bucket=TokenBucket(rate=1000, burst=1000))
    results = crime_import.import_crime(site, client=client, areas=["alpha"], months=1)
    assert results[0].fetched == ["2026-10"]
    text = (site / "neighbourhoods" / "alpha" / "crime.yaml").read_text("utf-8")
    # The two halves both saw crime 9: it is counted once.
    assert '"2026-10": {drugs: 1, robbery: 2}' in text
    assert all(len(url) < 4000 for url in calls)
    # Stored months are not fetched again unless asked.
    assert (
        crime_import.import_crime(site, client=client, areas=["alpha"], months=1)[0].fetched == []
    )


def test_sample_areas_show_illustrative_figures(sample_output: Path) -> None:
    page = (sample_output / "neighbourhoods" / "ludlow" / "index.html").read_text()
    assert "Illustrative" in page and "They are not real crime figures" in page
    assert "<caption>Crimes by category and month, November 2025 to October 2026</caption>" in page
    assert '<th scope="row">Anti-social behaviour</th>' in page


def test_invoke_tasks_run_against_a_mirror(site: Path) -> None:
    from support import invoke

    with FakePoliceAPI(busy_once={"west-mercia/neighbourhoods"}, crimes=CRIMES) as api:
        police = invoke(
            "import-police",
            "--force",
            "west-mercia",
            "--neighbourhood",
            "NW02",
            "--base-url",
            api.base_url,
            "--content-root",
            str(site),
        )
        crime = invoke(
            "import-crime",
            "--area",
            "broseley",
            "--base-url",
            api.base_url,
            "--content-root",
            str(site),
            "--dry-run",
        )
    assert police.returncode == 0, police.stdout + police.stderr
    assert "broseley (NW02): new area" in police.stdout
    assert crime.returncode == 0, crime.stdout + crime.stderr
    assert "(dry run: nothing was written)" in crime.stdout
    assert not (site / "neighbourhoods" / "broseley" / "crime.yaml").exists()


def test_help_shows_the_options_and_an_option_is_never_taken_for_a_force() -> None:
    from support import invoke

    helped = invoke("import-police", "--help")
    assert helped.returncode == 0, helped.stdout + helped.stderr
    assert "Usage:" in helped.stdout and "--force=STRING" in helped.stdout
    assert "--dry-run" in helped.stdout and "import-police:" not in helped.stdout
    with FakePoliceAPI() as api:
        runs = {
            "--help": invoke("import-police", "--base-url", api.base_url, "--force", "--help"),
            "missing": invoke("import-police", "--base-url", api.base_url),
            "name": invoke("import-police", "--base-url", api.base_url, "--force", "West Mercia"),
            "area": invoke("import-crime", "--base-url", api.base_url, "--area", "-x"),
        }
        assert api.log == [], "nothing may be asked of data.police.uk for a wrong option"
    assert all(run.returncode == 2 for run in runs.values()), runs
    assert "force '--help' looks like an option, not a force id" in runs["--help"].stdout
    assert "invoke import-police --force west-mercia" in runs["--help"].stdout
    assert "which force?" in runs["missing"].stdout
    assert "force 'West Mercia' is not a data.police.uk force id" in runs["name"].stdout
    assert "--area '-x' looks like an option" in runs["area"].stdout


def test_a_refresh_updates_what_nobody_touched_and_keeps_comments_and_edits(site: Path, capsys):
    import copy

    from support.police_server import API

    with FakePoliceAPI() as api:
        assert run(site, api, "NW01") == 0
    area = site / "neighbourhoods" / "much-wenlock-and-rural" / "area.yaml"
    edited = (
        area.read_text("utf-8")
        .replace("district: West Mercia Police", "district: Shropshire  # set by the team")
        .replace("role: PCSO", "role: PCSO (Wenlock Edge)")
    )
    area.write_text(edited, "utf-8")
    hood = copy.deepcopy(API["west-mercia/NW01"])
    hood["locations"][0]["address"] = "New Road, Much Wenlock"
    hood["contact_details"]["telephone"] = "01952 000 000"
    capsys.readouterr()
    with FakePoliceAPI(overrides={"west-mercia/NW01": hood}) as api:
        assert run(site, api, "NW01") == 0
    out = capsys.readouterr().out
    assert "updated stations" in out and "updated contact" in out and "kept team" in out
    text = area.read_text("utf-8")
    assert "district: Shropshire  # set by the team" in text
    assert "role: PCSO (Wenlock Edge)" in text
    assert "New Road, Much Wenlock" in text and "01952 000 000" in text
    assert load_site(site).errors == []


def test_a_failing_area_is_named_and_leaves_no_files(site: Path, capsys) -> None:
    from neighbourhood_policing.tools.police import sync

    with FakePoliceAPI(failing={"west-mercia/NW01/boundary"}) as api:
        client = PoliceClient(api.base_url, retries=2, backoff=0.01)
        code = sync.run_import_police(
            site,
            "west-mercia",
            [],
            False,
            api.base_url,
            "neighbourhoods@westmercia.police.uk",
            client=client,
        )
        tries = [path for path, status in api.log if status == 500]
    out = capsys.readouterr().out
    assert code == 1
    assert "(NW01): ERROR boundary of 'NW01': gave up after 3 tries (HTTP 500)" in out
    assert len(tries) == 3
    assert not (site / "neighbourhoods" / "much-wenlock-and-rural").exists()
    assert (site / "neighbourhoods" / "broseley" / "area.yaml").exists()
    leftovers = [p for p in site.rglob("*.tmp")]
    assert leftovers == []
