"""The GitHub workflows parse, run the README's make targets, preview and deploy."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from support import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    # YAML 1.1 reads the key `on` as true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def make_targets() -> set[str]:
    text = (PROJECT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.M))


def runs(workflow: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in steps(workflow) if "run" in step]


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_workflow_parses_and_calls_make(name: str) -> None:
    workflow = load(name)
    assert workflow["name"] and workflow["on"] and workflow["jobs"]
    commands = runs(workflow)
    assert commands, f"{name} runs nothing"
    for command in commands:
        match = re.fullmatch(r"make ([\w-]+)", command)
        assert match, f"{name}: '{command}' should be a make target, as in the README"
        assert match.group(1) in make_targets(), f"{name}: no make target {match.group(1)}"
    for step in steps(workflow):
        if "uses" in step:
            assert re.search(r"@v\d+$", step["uses"]), f"{step['uses']} is not pinned to a version"


def test_pull_requests_validate_build_test_and_upload_a_preview() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    commands = runs(workflow)
    assert commands == ["make validate", "make build-publish", "make test"]
    upload = next(
        s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"] == "output/"


def test_main_is_published_to_github_pages_and_rebuilt_nightly() -> None:
    workflow = load("publish.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert re.fullmatch(r"\d+ \d+ \* \* \*", workflow["on"]["schedule"][0]["cron"])
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "make build-publish" in runs({"jobs": {"build": build}})
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "output/"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any("actions/deploy-pages" in s.get("uses", "") for s in deploy["steps"])


def test_make_targets_call_the_invoke_tasks() -> None:
    text = (PROJECT / "Makefile").read_text("utf-8")
    assert re.search(r"^build-publish: setup\n\t\$\(BIN\)/invoke build --publish$", text, re.M)
    assert re.search(r"^validate: setup\n\t\$\(BIN\)/invoke validate$", text, re.M)


def test_monthly_import_opens_a_pull_request_with_only_the_repository_token() -> None:
    workflow = load("import.yml")
    assert "workflow_dispatch" in workflow["on"]
    cron = workflow["on"]["schedule"][0]["cron"]
    assert re.fullmatch(r"\d+ \d+ \d+ \* \*", cron), "runs once a month"
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    commands = runs(workflow)
    assert commands[:2] == ["make import-police", "make import-crime"]
    assert "make validate" in commands and "make build-publish" in commands
    pull = next(s for s in steps(workflow) if "create-pull-request" in s.get("uses", ""))
    assert pull["with"]["token"] == "${{ secrets.GITHUB_TOKEN }}"
    text = (WORKFLOWS / "import.yml").read_text("utf-8")
    assert re.findall(r"secrets\.(\w+)", text) == ["GITHUB_TOKEN"]


def test_import_make_targets_call_the_invoke_tasks() -> None:
    text = (PROJECT / "Makefile").read_text("utf-8")
    assert re.search(
        r"^import-police: setup\n\t\$\(BIN\)/invoke import-police --force \$\(POLICE_FORCE\)$",
        text,
        re.M,
    )
    assert re.search(r"^import-crime: setup\n\t\$\(BIN\)/invoke import-crime$", text, re.M)


def test_each_pull_request_gets_a_preview_at_its_own_address() -> None:
    workflow = load("preview.yml")
    assert list(workflow["on"]) == ["pull_request"]
    # Minimal: read the code, write only the pull request's comment.
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    (job,) = workflow["jobs"].values()
    # Forks get no secrets: only branches of this repository are deployed.
    assert "head.repo.full_name == github.repository" in job["if"]
    # The build uses the preview's address as SITEURL (publishconf.py reads it).
    siteurl = job["env"]["SITEURL"]
    assert siteurl.startswith("https://pr-${{ github.event.pull_request.number }}--")
    assert siteurl.endswith(".netlify.app")
    assert runs(workflow) == ["make build-publish"]
    deploy = next(s for s in steps(workflow) if s.get("uses", "").startswith("nwtgck/"))
    assert deploy["with"]["publish-dir"] == "output"
    assert deploy["with"]["alias"] == "pr-${{ github.event.pull_request.number }}"
    assert deploy["with"]["production-deploy"] is False
    assert set(deploy["env"].values()) == {
        "${{ secrets.NETLIFY_AUTH_TOKEN }}",
        "${{ secrets.NETLIFY_SITE_ID }}",
    }
    # One comment, updated on every push (a sticky comment keyed by its header).
    comment = next(s for s in steps(workflow) if "sticky-pull-request-comment" in s.get("uses", ""))
    assert comment["with"]["header"] == "preview"
    assert "${{ env.SITEURL }}" in comment["with"]["message"]
    text = (WORKFLOWS / "preview.yml").read_text("utf-8")
    assert not re.search(r"(?i)(token|secret|password)\s*[:=]\s*['\"]?[a-z0-9_-]{16,}", text)
    assert (PROJECT / "docs/previews.md").is_file()
