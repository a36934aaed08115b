"""Reusing unchanged pages: a Pelican writer whose templates are looked up in the cache.

Every page any generator writes goes through ``Writer.write_file``; this writer hands it
a stand-in for the template whose ``render`` first works out the page's key: the
digests of every variable the template and the templates it extends, includes and
imports can read (found with Jinja's own ``meta`` analysis), taken from the page's
context or the environment's globals. When the last good build made the same file from
the same key, its bytes are used; otherwise the page is rendered and recorded. See
``neighbourhood_policing.incremental`` for what each digest covers.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Template
from pelican.writers import Writer

from neighbourhood_policing.incremental import BuildCache


class _CachedTemplate:
    def __init__(self, template: Template, cache: BuildCache) -> None:
        self.template = template
        self.cache = cache

    def render(self, context: dict[str, Any]) -> str:
        rel = str(context.get("output_file") or "")
        key = self.cache.key(self.template, context) if rel else None
        if key is not None:
            data = self.cache.outputs.reuse(rel, key)
            if data is not None:
                return data.decode("utf-8")
        text = self.template.render(context)
        if key is not None:
            self.cache.outputs.record(rel, key, text.encode("utf-8"))
        return text


class CachingWriter(Writer):
    """Pelican's writer, reusing each page the last good build made from the same inputs."""

    def write_file(self, name: Any, template: Template, context: dict[str, Any], *args: Any,
                   **kwargs: Any) -> Any:  # fmt: skip
        cache = self.settings.get("BUILD_CACHE")
        if isinstance(cache, BuildCache):
            template = _CachedTemplate(template, cache)  # type: ignore[assignment]
        return super().write_file(name, template, context, *args, **kwargs)
