"""JSON Schema files generated from the content models, for editors' completion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .models import FILE_MODELS, UpdateMeta

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, one for each kind of file editors touch."""
    documents: dict[str, dict[str, Any]] = {}
    for name, (model, description) in FILE_MODELS.items():
        schema = TypeAdapter(model).json_schema()
        schema = {"$schema": SCHEMA_DIALECT, "title": name, "description": description, **schema}
        documents[name.replace(".yaml", ".schema.json")] = schema
    update = UpdateMeta.model_json_schema()
    update = {
        "$schema": SCHEMA_DIALECT,
        "title": "update metadata",
        "description": "The 'Key: value' lines at the top of an update's Markdown file.",
        **update,
    }
    documents["update.schema.json"] = update
    return documents


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path, *, check: bool = False) -> list[str]:
    """Write (or with check=True, compare) the schema files; returns the stale names."""
    folder.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, schema in schema_documents().items():
        path = folder / name
        text = render(schema)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not check:
                path.write_text(text, encoding="utf-8")
    return stale
