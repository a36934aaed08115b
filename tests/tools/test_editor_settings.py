"""Editor support: every YAML file names its JSON Schema; VS Code maps them too."""

from __future__ import annotations

import configparser
import fnmatch
import json
from pathlib import Path

from support import PROJECT

from neighbourhood_policing.models import FILE_MODELS

PREFIX = "# yaml-language-server: $schema="


def schema_for(name: str) -> str:
    return name.replace(".yaml", ".schema.json")


def test_every_yaml_file_points_at_its_schema() -> None:
    files = sorted((PROJECT / "neighbourhoods").glob("**/*.yaml"))
    assert len(files) >= 4, "the sample site has no YAML files"
    missing = []
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        expected = f"{PREFIX}../../schemas/{schema_for(path.name)}"
        if first != expected:
            missing.append(f"{path.relative_to(PROJECT)}: first line should be {expected}")
        else:
            assert (path.parent / first[len(PREFIX) :]).resolve().is_file()
    assert missing == []


def test_vscode_maps_each_kind_of_file_to_its_schema() -> None:
    settings = json.loads((PROJECT / ".vscode/settings.json").read_text("utf-8"))
    mapping = settings["yaml.schemas"]
    assert sorted(mapping) == sorted(f"./schemas/{schema_for(n)}" for n in FILE_MODELS)
    for schema, globs in mapping.items():
        assert (PROJECT / schema).is_file()
        name = Path(schema).name.replace(".schema.json", ".yaml")
        assert fnmatch.fnmatch(f"neighbourhoods/ludlow/{name}", globs[0])
        assert not fnmatch.fnmatch("neighbourhoods/ludlow/other.yaml", globs[0])
    extensions = json.loads((PROJECT / ".vscode/extensions.json").read_text("utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_editorconfig() -> None:
    config = configparser.ConfigParser()
    config.read_string((PROJECT / ".editorconfig").read_text("utf-8").replace("root = true", ""))
    assert config["*"]["charset"] == "utf-8" and config["*"]["end_of_line"] == "lf"
    assert config["*.{yaml,yml,geojson,json}"]["indent_size"] == "2"
    assert config["*.{yaml,yml,geojson,json}"].get("indent_style", "space") == "space"
    assert config["*.md"]["trim_trailing_whitespace"] == "false"
    assert config["Makefile"]["indent_style"] == "tab"
