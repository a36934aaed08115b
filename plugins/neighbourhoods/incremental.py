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

from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, meta
from pelican.contents import Content
from pelican.paginator import Page as ListPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

from neighbourhood_policing.incremental import Digester, OutputCache, Uncacheable, _hash
from neighbourhood_policing.site import AreaRecord, Site, UpdateInfo

_MISSING = "(missing)"


class RenderCache:
    """The output cache and the digester of one build."""

    def __init__(self, outputs: OutputCache, root: Path) -> None:
        self.outputs = outputs
        self.digester = Digester(root)
        self._names: dict[str, frozenset[str] | None] = {}
        digester = self.digester
        digester.handlers = [
            (Content, self._content),
            (UpdateInfo, self._update),
            (AreaRecord, self._area),
            (Site, self._site),
            (ListPage, self._list_page),
            (Paginator, lambda p: _hash("paginator", str(p.num_pages), str(p.count))),
            (URLWrapper, lambda w: _hash("wrapper", type(w).__name__, w.name, w.url)),
        ]

    # -- digests of the site's own objects ---------------------------------------------
    def _file(self, rel: str) -> str:
        root = self.digester.root
        return self.digester.file(root / rel) if root else _MISSING

    def _area_shallow(self, record: AreaRecord) -> str:
        """An area's own content: what an update's page may show of its areas."""
        return _hash(
            "area",
            record.slug,
            record.area.model_dump_json(),
            *(p.model_dump_json() for p in record.priorities),
            *(p.model_dump_json() for p in record.patrols),
            *(e.model_dump_json() for e in record.events),
        )

    def _area(self, record: AreaRecord) -> str:
        known = {"slug", "folder", "area", "priorities", "patrols", "events", "shape"}
        extras = [
            (name, value)
            for name, value in vars(record).items()
            if name not in known and name not in {"own_updates", "updates"}
        ]
        parts = [self._area_shallow(record)]
        for name, value in sorted(extras, key=lambda item: item[0]):
            parts += [name, self._nested(value)]
        for info in record.updates:
            parts += [info.source, self._file(info.source)]
        return _hash(*parts)

    def _nested(self, value: Any) -> str:
        """Inside an area: other areas and updates by their own content only (no cycles)."""
        if isinstance(value, AreaRecord):
            return self._area_shallow(value)
        if isinstance(value, UpdateInfo):
            return _hash("update", value.source, self._file(value.source))
        if isinstance(value, (list, tuple)):
            return _hash("seq", *(self._nested(item) for item in value))
        if isinstance(value, dict):
            return _hash("map", *(f"{k!r}{self._nested(v)}" for k, v in sorted(value.items())))
        return self.digester.digest(value)

    def _update(self, info: UpdateInfo) -> str:
        parts = [
            "update",
            info.source,
            self._file(info.source),
            info.url,
            info.meta.model_dump_json(),
            *(self._area_shallow(r) for r in info.area_records),
        ]
        if info.article is not None:
            parts.append(self._content(info.article))
        return _hash(*parts)

    def _content(self, content: Content) -> str:
        """An update or page as Pelican made it: its rendered text, metadata and areas."""
        d = self.digester
        parts = [
            type(content).__name__,
            str(content.source_path),
            content.content,
            content.summary or "",
            content.url,
            content.save_as,
            str(content.status),
            d.digest({k: v for k, v in content.metadata.items() if k != "summary"}),
        ]
        info = getattr(content, "update", None)
        if isinstance(info, UpdateInfo):
            parts += [info.meta.model_dump_json(), info.url]
            parts += [self._area_shallow(r) for r in info.area_records]
        return _hash(*parts)

    def _site(self, site: Site) -> str:
        parts = [self._area(record) for record in site.areas.values()]
        parts += [self._update(info) for info in site.updates.values()]
        return _hash("site", site.build_date.isoformat(), *parts)

    def _list_page(self, page: ListPage) -> str:
        d = self.digester
        return _hash(
            "page",
            str(page.number),
            str(page.paginator.num_pages),
            page.url,
            page.save_as,
            d.digest(list(page.object_list)),
        )

    # -- templates ---------------------------------------------------------------------
    def names(self, environment: Environment, name: str | None) -> frozenset[str] | None:
        """Every variable a template can read, with what it extends, includes and imports."""
        if name is None:
            return None
        if name not in self._names:
            self._names[name] = None  # a template that includes itself reads nothing new
            try:
                source = environment.loader.get_source(environment, name)[0]  # type: ignore[union-attr]
            except Exception:
                return None
            tree = environment.parse(source)
            found = set(meta.find_undeclared_variables(tree))
            for referenced in meta.find_referenced_templates(tree):
                more = self.names(environment, referenced)
                if more is None:
                    return None  # a dynamic include: nothing can be assumed
                found |= more
            self._names[name] = frozenset(found)
        return self._names[name]

    def key(self, template: Template, context: dict[str, Any]) -> str | None:
        names = self.names(template.environment, template.name)
        if names is None:
            return None
        parts = [template.name or "", str(context.get("output_file"))]
        globals_ = template.environment.globals
        try:
            for name in sorted(names):
                if name in context:
                    value = context[name]
                elif name in globals_:
                    value = globals_[name]
                else:
                    parts += [name, _MISSING]
                    continue
                parts += [name, self.digester.digest(value)]
        except Uncacheable:
            return None
        return _hash(*parts)


class _CachedTemplate:
    def __init__(self, template: Template, cache: RenderCache) -> None:
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
        if isinstance(cache, RenderCache):
            template = _CachedTemplate(template, cache)  # type: ignore[assignment]
        return super().write_file(name, template, context, *args, **kwargs)
