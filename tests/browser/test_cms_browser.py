"""The form editor in Debian's Chromium: an officer's three everyday edits, end to end.

`invoke cms`'s own machinery (tools/local_cms.py) runs against a copy of the sample
content in a temporary folder: the site built with /admin/, decap-server writing into
the copy, and the build served on 127.0.0.1 with the headers of the build's _headers
(the admin policy, which also allows the local proxy). Through the form, as an officer
would, the tests add an update with a related priority, close a priority with its
outcome and add a meeting; each time the file must be where the build looks for it,
`invoke validate` must pass and a new build must show the change to residents.

Screenshots of the key steps go to a temporary folder (or, with CMS_SCREENSHOTS set, to
that folder: `invoke cms-screenshots` refreshes docs/screenshots/cms-*.png).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from support import PROJECT, free_port, invoke
from support.browser import fixture_browser  # noqa: F401  (the fixture these tests use)

from neighbourhood_policing.tools.local_cms import LocalCMS

pytestmark = pytest.mark.browser

AREA = "ludlow"
UPDATE_TITLE = "Forty bikes marked at the market"
PRIORITY_TITLE = "Shoplifting in the town centre"
OUTCOME = (
    "Shop thefts reported in the town centre fell by a third between September and "
    "November, and the shops' radio scheme carries on without us."
)
EVENT_TITLE = "Residents' meeting on town-centre safety"
TIMEOUT = 30_000


def _two_ports() -> tuple[int, int]:
    first = free_port()
    second = free_port()
    while second == first:
        second = free_port()
    return first, second


@pytest.fixture(scope="module")
def cms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCMS]:
    root = tmp_path_factory.mktemp("cms-browser")
    copy = root / "site"
    for folder in ("content", "neighbourhoods"):
        shutil.copytree(PROJECT / folder, copy / folder)
    port, proxy_port = _two_ports()
    session = LocalCMS(content_root=copy, output=root / "output", port=port, proxy_port=proxy_port)
    session.start()
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CMS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("cms-screenshots")


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(TIMEOUT)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and page.problems.append(message.text)
        ),  # type: ignore[attr-defined]
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))  # type: ignore[attr-defined]
    yield page
    assert page.problems == [], "the CSP or a script refused something"  # type: ignore[attr-defined]
    page.close()


def open_cms(page: Page, cms: LocalCMS, route: str) -> None:
    """Open the CMS at a route, signing in to the local backend when it asks."""
    page.goto(f"{cms.admin_url}#{route}")
    login = page.get_by_role("button", name="Login")
    ready = page.get_by_role("button", name="Publish")
    expect(login.or_(ready).first).to_be_visible()
    if login.is_visible():
        login.click()
    expect(ready).to_be_visible()


def publish(page: Page) -> None:
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("menuitem", name="Publish now").click()


def wait_for(condition: object, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {seconds:.0f} s")


def wait_for_saved(path: Path, old: str | None, what: str) -> str:
    """The file's new text once decap-server has written all of it (it writes in place,
    so a reader can see the file empty or half-written for a moment)."""
    seen: list[str] = []

    def done() -> bool:
        text = path.read_text(encoding="utf-8") if path.is_file() else None
        settled = text is not None and text != old and text.endswith("\n")
        settled = settled and bool(seen) and seen[-1] == text
        seen.append(text or "")
        return settled

    wait_for(done, what)
    return seen[-1]


def choose(page: Page, field: Locator, option: str) -> None:
    """Pick an option in one of Decap's select or relation widgets."""
    field.click()
    field.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def markdown_box(page: Page, label: str) -> Locator:
    """The editable text of the visible Markdown field whose label starts with ``label``."""
    field = page.get_by_label("markdown field").filter(
        has=page.get_by_text(re.compile(rf"^{re.escape(label)}"))
    )
    return field.filter(visible=True).get_by_role("textbox")


def visible_field(page: Page, label: str) -> Locator:
    return page.get_by_label(label, exact=True).filter(visible=True)


SHOT_HEIGHT = 2400  # a tall window for the shots, so the form needs no scrolling


def shot(page: Page, shots: Path, name: str, first: Locator, last: Locator) -> None:
    """A 1280-wide PNG of the form from one field (with its label) to another."""
    page.set_viewport_size({"width": 1280, "height": SHOT_HEIGHT})
    try:
        # No focus ring or caret in the picture, so that the same steps give the same PNG.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.wait_for_timeout(500)  # let the widgets settle in the new size
        top, bottom = first.bounding_box(), last.bounding_box()
        assert top and bottom, "the fields to show are not on screen"
        y = top["y"] - 48
        height = bottom["y"] + bottom["height"] + 36 - y
        assert y >= 70 and y + height <= SHOT_HEIGHT, "the fields do not fit in the shot"
        page.screenshot(
            path=shots / f"cms-{name}.png",
            clip={"x": 0, "y": y, "width": 1280, "height": height},
            animations="disabled",
        )
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})


def validate(cms: LocalCMS) -> None:
    result = invoke("validate", "--content-root", str(cms.content_root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All content is valid" in result.stderr + result.stdout


def area_page(page: Page, cms: LocalCMS) -> Page:
    assert cms.build(), "the copy did not build"
    page.goto(f"{cms.site_url}/neighbourhoods/{AREA}/")
    return page


def read_yaml(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_an_officer_adds_an_update_about_a_priority(page: Page, cms: LocalCMS, shots: Path) -> None:
    updates = cms.content_root / "neighbourhoods" / AREA / "updates"
    before = set(updates.iterdir())
    priorities = read_yaml(cms.content_root / "neighbourhoods" / AREA / "priorities.yaml")
    priority_id = next(p["id"] for p in priorities if p["title"] == PRIORITY_TITLE)

    opened = time.perf_counter()
    open_cms(page, cms, f"/collections/{AREA}-updates/new")
    page.get_by_label("Title", exact=True).fill(UPDATE_TITLE)
    page.get_by_label("Date", exact=True).fill("2026-11-23T10:00")
    choose(page, page.get_by_label("Category", exact=True), "Good news")
    page.get_by_label("Summary").fill("We marked forty bikes at Saturday's market.")
    choose(page, page.get_by_label("Priority"), PRIORITY_TITLE)
    markdown_box(page, "Text of the update").click()
    page.keyboard.type("Thank you to everyone who came. Marked bikes are rarely stolen.")
    shot(
        page, shots, "update", page.get_by_label("Title", exact=True), page.get_by_label("Priority")
    )
    publish(page)
    wait_for(lambda: set(updates.iterdir()) - before, "the update's file appearing")
    seconds = time.perf_counter() - opened
    print(f"\nForm opened to update saved: {seconds:.1f} s")

    (saved,) = set(updates.iterdir()) - before
    assert saved.suffix == ".md" and saved.name.startswith("2026-11-23-")
    text = wait_for_saved(saved, None, "the update's file written")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["title"] == UPDATE_TITLE
    assert header["category"] == "Good news"
    assert header["priority"] == priority_id
    assert "Marked bikes are rarely stolen." in text.split("---\n", 2)[2]
    validate(cms)

    area_page(page, cms)
    expect(page.get_by_role("link", name=UPDATE_TITLE).first).to_be_visible()


def test_an_officer_closes_a_priority_and_adds_a_meeting(
    page: Page, cms: LocalCMS, shots: Path
) -> None:
    folder = cms.content_root / "neighbourhoods" / AREA
    priorities_file, events_file = folder / "priorities.yaml", folder / "events.yaml"
    priorities_before, events_before = read_yaml(priorities_file), read_yaml(events_file)
    assert next(p for p in priorities_before if p["title"] == PRIORITY_TITLE)["status"] != "closed"

    open_cms(page, cms, f"/collections/{AREA}/entries/priorities")
    entry = page.get_by_text(PRIORITY_TITLE, exact=True).locator("xpath=..")
    entry.get_by_role("button").first.click()  # the entry's expand button
    choose(page, visible_field(page, "Status"), "closed")
    markdown_box(page, "Outcome").click()
    page.keyboard.type(OUTCOME)
    shot(
        page,
        shots,
        "priority-outcome",
        visible_field(page, "Status"),
        markdown_box(page, "Outcome"),
    )
    old = priorities_file.read_text(encoding="utf-8")
    publish(page)
    text = wait_for_saved(priorities_file, old, "priorities.yaml saved")
    assert text.split("\n", 1)[0] == old.split("\n", 1)[0]  # the schema line
    # Every line but the status stays as the officer's colleagues wrote it.
    assert set(old.splitlines()) - set(text.splitlines()) == {"  status: open"}
    after = read_yaml(priorities_file)
    closed = next(p for p in after if p["title"] == PRIORITY_TITLE)
    assert closed["status"] == "closed" and closed["outcome"].strip() == OUTCOME
    original = next(p for p in priorities_before if p["title"] == PRIORITY_TITLE)
    changed = {"status", "outcome"}
    assert {k: v for k, v in closed.items() if k not in changed} == {
        k: v for k, v in original.items() if k not in changed
    }
    assert [p for p in after if p is not closed] == [
        p for p in priorities_before if p is not original
    ], "the other priorities must be saved as they were"

    # Straight from one file's form to another's: the form must show the new file.
    page.goto(f"{cms.admin_url}#/collections/{AREA}/entries/events")
    expect(page.get_by_text(f"{len(events_before)} entries")).to_be_visible()
    page.get_by_role("button", name="Add event").click()
    visible_field(page, "Id").fill("2027-02-town-centre-meeting")
    visible_field(page, "Title").fill(EVENT_TITLE)
    choose(page, visible_field(page, "Type"), "meeting")
    visible_field(page, "Start").fill("2027-02-10T19:00")
    visible_field(page, "End").fill("2027-02-10T20:30")
    visible_field(page, "Place").fill("Ludlow Assembly Rooms")
    visible_field(page, "Address").fill("1 Mill Street, Ludlow")
    visible_field(page, "Postcode").fill("SY8 1AZ")
    shot(page, shots, "event", visible_field(page, "Id"), visible_field(page, "Postcode"))
    old = events_file.read_text(encoding="utf-8")
    publish(page)
    text = wait_for_saved(events_file, old, "events.yaml saved")
    assert text.startswith(old), "the file's own text, comments and quoting, stays"

    events = read_yaml(events_file)
    assert events[:-1] == events_before, "the other events must be saved as they were"
    added = events[-1]
    assert added["title"] == EVENT_TITLE and added["type"] == "meeting"
    assert str(added["start"]) == "2027-02-10 19:00" and str(added["end"]) == "2027-02-10 20:30"
    assert "description" not in added and "booking" not in added  # empty fields left out
    validate(cms)

    area_page(page, cms)
    closed_list = page.get_by_text(re.compile(r"closed priorities? and what changed"))
    closed_list.click()  # closed priorities are folded away under their summary
    expect(page.get_by_role("heading", name=PRIORITY_TITLE)).to_be_visible()
    expect(page.get_by_text(OUTCOME[:40]).first).to_be_visible()
    expect(page.get_by_text(EVENT_TITLE).first).to_be_visible()
