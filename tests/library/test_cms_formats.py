"""The CMS's file formats (admin/formats.js), run in Node on every file of the sample site.

Decap hands a format a file's text to read (``fromFile``) and the form's data to write
(``toFile``). A file opened in the CMS and saved without changes goes through both: here
each of the sample site's area files and updates does, and the result must read back as
the same content (the same validated models, the same update metadata and text), keep
its first line (the schema line editors' tools read) and its keys in the models' order.
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

# Reads a JSON list of [path, collection name or null] on stdin, writes {path: text}.
ROUND_TRIP = """
import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { createFormats, fieldsByFile } from "./admin/formats.js";

const config = parse(readFileSync("admin/config.yml", "utf8"));
const formats = createFormats({ parse, stringify }, fieldsByFile(config));
const jobs = JSON.parse(readFileSync(0, "utf8"));
const out = {};
for (const [path, collectionName] of jobs) {
  const text = readFileSync(path, "utf8");
  if (collectionName === null) {
    out[path] = formats.areaFiles.toFile(formats.areaFiles.fromFile(text));
  } else {
    const collection = config.collections.find((c) => c.name === collectionName);
    const order = collection.fields.map((field) => field.name);
    out[path] = formats.pelicanMarkdown.toFile(formats.pelicanMarkdown.fromFile(text), order);
  }
}
process.stdout.write(JSON.stringify(out));
"""

AREA_FILES = ("area.yaml", "priorities.yaml", "patrols.yaml", "events.yaml")


def round_trip(jobs: list[tuple[str, str | None]]) -> dict[str, str]:
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
    jobs: list[tuple[str, str | None]] = []
    for area in sorted((PROJECT / "neighbourhoods").iterdir()):
        if not area.is_dir():
            continue
        for name in AREA_FILES:
            if (area / name).is_file():
                jobs.append((f"neighbourhoods/{area.name}/{name}", None))
        for update in sorted((area / "updates").glob("*.md")):
            jobs.append((update.relative_to(PROJECT).as_posix(), f"{area.name}-updates"))
    for update in sorted((PROJECT / "content" / "updates").glob("*.md")):
        jobs.append((update.relative_to(PROJECT).as_posix(), "force-wide-updates"))
    texts = round_trip(jobs)
    assert len(texts) == len(jobs)
    for path, text in texts.items():
        (copy / path).write_text(text, encoding="utf-8")
    return copy, texts


def test_area_files_keep_their_data_and_schema_line(saved: tuple[Path, dict[str, str]]) -> None:
    _, texts = saved
    checked = 0
    for path, text in texts.items():
        if not path.endswith(".yaml"):
            continue
        original = (PROJECT / path).read_text(encoding="utf-8")
        assert text.split("\n", 1)[0] == original.split("\n", 1)[0], path
        assert yaml.safe_load(text) == yaml.safe_load(original), path
        checked += 1
    on_disk = [p for name in AREA_FILES for p in (PROJECT / "neighbourhoods").glob(f"*/{name}")]
    assert checked == len(on_disk) > 40


def test_keys_come_out_in_the_models_order(saved: tuple[Path, dict[str, str]]) -> None:
    _, texts = saved
    priorities = yaml.safe_load(texts["neighbourhoods/ludlow/priorities.yaml"])
    assert list(priorities[0])[:4] == ["id", "title", "status", "agreed"]
    text = texts["neighbourhoods/ludlow/area.yaml"]
    assert text.index("\nname:") < text.index("\nteam:") < text.index("\ncontact:")
    assert "\nteam:\n  - name:" in text  # nested lists indented, as the files are written


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
