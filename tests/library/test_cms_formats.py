"""The CMS's file formats (admin/formats.js), run in Node on every file of the sample site.

Decap hands a format a file's text to read (``fromFile``) and the form's data to write
(``toFile``). A file opened in the CMS and saved without changes goes through both: here
each of the sample site's area files and updates does. An area file must come back byte
for byte (comments, quoting, layout); an update must read back as the same metadata and
text, now in front matter; the site must load as the same validated models. An edit
must change only what it changed: every comment and quote elsewhere stays.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from support import PROJECT

from neighbourhood_policing.loading import load_site

# Reads a JSON list of [path, collection name or null, edit or null] on stdin and writes
# {path: saved text}. An edit is the body of a function given the form's data, as a
# change in the form would make it.
ROUND_TRIP = """
import { readFileSync } from "node:fs";
import * as yaml from "yaml";
import { createFormats, fieldsByFile } from "./admin/formats.js";

const config = yaml.parse(readFileSync("admin/config.yml", "utf8"));
const formats = createFormats(yaml, fieldsByFile(config));
const jobs = JSON.parse(readFileSync(0, "utf8"));
const out = {};
for (const [path, collectionName, edit] of jobs) {
  const text = readFileSync(path, "utf8");
  if (collectionName === null) {
    const data = formats.areaFiles.fromFile(text);
    if (edit) new Function("data", edit)(data);
    out[path] = formats.areaFiles.toFile(data);
  } else {
    const collection = config.collections.find((c) => c.name === collectionName);
    const order = collection.fields.map((field) => field.name);
    out[path] = formats.pelicanMarkdown.toFile(formats.pelicanMarkdown.fromFile(text), order);
  }
}
process.stdout.write(JSON.stringify(out));
"""

AREA_FILES = ("area.yaml", "priorities.yaml", "patrols.yaml", "events.yaml")


def round_trip(jobs: list[tuple[str, str | None, str | None]]) -> dict[str, str]:
    if not (PROJECT / "node_modules" / "yaml").is_dir():
        pytest.fail("the CMS's npm packages are missing: run `make setup-cms`")
    result = subprocess.run(
        ["node", "--input-type=module", "-e", ROUND_TRIP],
        cwd=PROJECT,
        input=json.dumps(jobs),
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the sample content with every area file and update opened and saved."""
    copy = tmp_path_factory.mktemp("cms-formats") / "site"
    for folder in ("content", "neighbourhoods"):
        shutil.copytree(PROJECT / folder, copy / folder)
    jobs: list[tuple[str, str | None, str | None]] = []
    for area in sorted((PROJECT / "neighbourhoods").iterdir()):
        if not area.is_dir():
            continue
        for name in AREA_FILES:
            if (area / name).is_file():
                jobs.append((f"neighbourhoods/{area.name}/{name}", None, None))
        for update in sorted((area / "updates").glob("*.md")):
            jobs.append((update.relative_to(PROJECT).as_posix(), f"{area.name}-updates", None))
    for update in sorted((PROJECT / "content" / "updates").glob("*.md")):
        jobs.append((update.relative_to(PROJECT).as_posix(), "force-wide-updates", None))
    texts = round_trip(jobs)
    assert len(texts) == len(jobs)
    for path, text in texts.items():
        (copy / path).write_text(text, encoding="utf-8")
    return copy, texts


def test_area_files_come_back_byte_for_byte(saved: tuple[Path, dict[str, str]]) -> None:
    _, texts = saved
    checked = 0
    for path, text in texts.items():
        if not path.endswith(".yaml"):
            continue
        assert text == (PROJECT / path).read_text(encoding="utf-8"), path
        checked += 1
    on_disk = [p for name in AREA_FILES for p in (PROJECT / "neighbourhoods").glob(f"*/{name}")]
    assert checked == len(on_disk) > 40


EVENTS = """\
# yaml-language-server: $schema=../../schemas/events.schema.json
# Meetings for the winter; ask the sergeant before moving one.
- id: market-surgery
  title: Beat surgery at the market # the council's wording
  type: beat surgery
  start: "2026-12-05 10:00"
  end: "2026-12-05 12:00"
  place: Ludlow Market
  address: Castle Square, Ludlow
  postcode: SY8 1AS

# Cancelled if the hall is flooded.
- id: priorities-meeting
  title: Setting our priorities
  type: meeting
  start: "2027-01-20 18:30"
  end: "2027-01-20 20:00"
  place: Ludlow Assembly Rooms
  address: 1 Mill Street, Ludlow
  postcode: SY8 1AZ
  booking: 'No need to book.'
"""

EDIT = """
data.items[1].title = "Setting our priorities for 2027";
data.items[1].booking = "";
data.items.push({id: "bike-marking", title: "Bike marking", type: "engagement event",
  start: "2027-02-06 10:00", end: "2027-02-06 13:00", place: "Ludlow Market",
  address: "Castle Square, Ludlow", postcode: "SY8 1AS", description: "", booking: null});
"""


def test_an_edit_changes_only_what_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(EVENTS, encoding="utf-8")
    (saved,) = round_trip([(str(path), None, EDIT)]).values()
    lines = saved.splitlines()
    for kept in EVENTS.splitlines()[:13]:  # the first event, its comments and quotes
        assert kept in lines
    assert "# Cancelled if the hall is flooded." in lines
    assert "  title: Setting our priorities for 2027" in lines
    assert not any(line.startswith("  booking:") for line in lines)  # emptied: left out
    added = yaml.safe_load(saved)[-1]
    assert list(added) == [
        "id",
        "title",
        "type",
        "start",
        "end",
        "place",
        "address",
        "postcode",
    ]  # the models' order, empty fields left out
    assert '  start: "2027-02-06 10:00"' not in lines and "  start: 2027-02-06 10:00" in lines


def test_times_that_yaml_1_1_would_read_as_numbers_are_quoted(tmp_path: Path) -> None:
    path = tmp_path / "patrols.yaml"
    source = (PROJECT / "neighbourhoods" / "ludlow" / "patrols.yaml").read_text("utf-8")
    path.write_text(source, encoding="utf-8")
    edit = "data.items[0].when[0].start = '19:00'; data.items[0].name = 'yes';"
    (saved,) = round_trip([(str(path), None, edit)]).values()
    patrol = yaml.safe_load(saved)[0]
    assert patrol["when"][0]["start"] == "19:00" and patrol["name"] == "yes"


def test_keys_come_out_in_the_models_order(saved: tuple[Path, dict[str, str]]) -> None:
    _, texts = saved
    update = texts["neighbourhoods/ludlow/updates/" + _first_update("ludlow")]
    header = yaml.safe_load(update.split("---\n")[1])
    assert list(header)[:3] == ["title", "date", "category"]


def _first_update(area: str) -> str:
    return sorted(p.name for p in (PROJECT / "neighbourhoods" / area / "updates").glob("*.md"))[0]


def test_saved_files_give_the_same_site(saved: tuple[Path, dict[str, str]]) -> None:
    copy, texts = saved
    before = load_site(PROJECT)
    after = load_site(copy)
    assert not after.errors, after.errors
    assert set(after.areas) == set(before.areas)
    for slug, record in before.areas.items():
        other = after.areas[slug]
        assert other.area == record.area, slug
        assert other.priorities == record.priorities, slug
        assert other.patrols == record.patrols, slug
        assert other.events == record.events, slug
    assert set(after.updates) == set(before.updates)
    for source, info in before.updates.items():
        assert after.updates[source].meta == info.meta, source
        body = texts[source].split("\n---\n", 1)[1].strip()
        assert body == _body(PROJECT / source), source


def _body(path: Path) -> str:
    """An update's text after its header, in either form."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if text.startswith("---\n"):
        return text.split("\n---\n", 1)[1].strip()
    return text.split("\n\n", 1)[1].strip() if "\n\n" in text else ""


def test_an_empty_list_file_gets_its_first_entry_written_out(tmp_path: Path) -> None:
    path = tmp_path / "priorities.yaml"
    path.write_text(
        "# yaml-language-server: $schema=../../schemas/priorities.schema.json\n[]\n", "utf-8"
    )
    edit = (
        "data.items.push({id: 'parking', title: 'Parking near the school', status: 'open',"
        " agreed: '2026-11-01', agreed_with: 'Residents', agreed_how: 'survey',"
        " review: '2027-05-01', problem: 'Cars on the zigzags.', actions: [], outcome: ''});"
    )
    (saved,) = round_trip([(str(path), None, edit)]).values()
    assert saved.splitlines()[1] == "- id: parking"
    (priority,) = yaml.safe_load(saved)
    assert priority["agreed"].isoformat() == "2026-11-01" and "outcome" not in priority
