"""Reading editors' YAML safely, remembering the line of every value.

PyYAML's SafeLoader is the parser; on top of it this module:

* refuses anchors and aliases (``&``/``*``), which editors never need and which
  allow "billion laughs" alias bombs, before any of them is expanded;
* refuses duplicate keys in a mapping (PyYAML silently keeps the last one);
* records the line of every key and value so that a validation error can say
  ``path:line``;
* accepts a UTF-8 byte-order mark and CRLF line endings;
* refuses files that are not UTF-8 text or are too large, control characters,
  and nesting deeper than any of our files needs (which would otherwise exhaust
  Python's recursion limit slowly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: The largest YAML or Markdown file we read (editors' files are a few KB).
MAX_FILE_BYTES = 1_000_000
#: The deepest nesting of lists and blocks we accept (our files need fewer than 10).
MAX_DEPTH = 32

Loc = tuple[str | int, ...]


class ContentFileError(Exception):
    """A problem that stops a file from being read at all."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class LineMap:
    """Where each value of a parsed document stands in its file (1-based lines)."""

    lines: dict[Loc, int] = field(default_factory=dict)

    def line_for(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest parent that has one."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read an editor's text file: UTF-8 (BOM allowed), LF or CRLF, not too large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentFileError(f"cannot be read ({exc.strerror})") from exc
    if size > max_bytes:
        raise ContentFileError(
            f"is {size / 1_000_000:.1f} MB, larger than the {max_bytes // 1_000_000} MB limit; "
            "split it up, or put large files such as images elsewhere"
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise ContentFileError(
            "is a binary file, not text; only Markdown (.md) and YAML (.yaml) files belong here"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentFileError(
            "is not UTF-8 text; save it again as UTF-8 (most editors offer this under "
            "'Save with encoding')",
            line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _NoAliasComposer(Composer):
    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ContentFileError(
                "uses a YAML alias (*name); aliases and anchors are not allowed here, "
                "write the value out in full",
                event.start_mark.line + 1,
            )
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise ContentFileError(
                f"uses a YAML anchor (&{anchor}); anchors and aliases are not allowed here, "
                "write the value out in full",
                event.start_mark.line + 1,
            )
        return super().compose_node(parent, index)


def _too_deep(mark: Any) -> ContentFileError:
    return ContentFileError(
        f"is nested more than {MAX_DEPTH} levels deep; none of our files needs that many, "
        "check the indentation and brackets",
        mark.line + 1 if mark is not None else None,
    )


class _DepthLimitedScanner(yaml.scanner.Scanner):
    """Refuses deep nesting while scanning, before anything recursive sees it."""

    def add_indent(self, column: int) -> bool:
        added = super().add_indent(column)
        if added and len(self.indents) > MAX_DEPTH:
            raise _too_deep(self.get_mark())
        return added

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level + len(self.indents) >= MAX_DEPTH:
            raise _too_deep(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


class _Loader(
    yaml.reader.Reader,
    _DepthLimitedScanner,
    yaml.parser.Parser,
    _NoAliasComposer,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        _DepthLimitedScanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _NoAliasComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge")
}


def _build(loader: Any, node: Node, loc: Loc, lines: LineMap) -> Any:
    lines.lines.setdefault(loc, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise ContentFileError(
            f"uses the YAML tag '{tag[:60]}'; tags are not allowed here, write a plain value",
            node.start_mark.line + 1,
        )
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ContentFileError(
                    "has a key that is a list or mapping; keys must be plain words",
                    key_node.start_mark.line + 1,
                )
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ContentFileError(
                    "uses a YAML merge key (<<); write the values out in full",
                    key_node.start_mark.line + 1,
                )
            key = str(key_node.value)
            if key in result:
                first = lines.lines.get((*loc, key), "?")
                raise ContentFileError(
                    f"has '{key}' twice in the same block (first on line {first}); "
                    "keep one and delete the other",
                    key_node.start_mark.line + 1,
                )
            lines.lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, (*loc, key), lines)
        return result
    if isinstance(node, SequenceNode):
        return [
            _build(loader, item, (*loc, index), lines) for index, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError):
        # An impossible date such as 2026-02-30: keep the text so that the model
        # reports it with its field name and line.
        return str(node.value)


#: libyaml (PyYAML's C extension) parses about ten times faster than pure Python. Files it
#: reads plainly (no anchor, alias or deep nesting, no error) take that path; anything
#: else is read again by the pure-Python loader above, whose checks and messages decide.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
_FAST_MAX_DEPTH = MAX_DEPTH // 2


def _plain_for_fast_path(text: str) -> bool:
    depth = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return False
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _FAST_MAX_DEPTH:
                return False
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return True


def _parse_fast(text: str) -> tuple[Any, LineMap] | None:
    """The data and lines through libyaml, or None for the pure-Python loader to decide."""
    if _FAST_LOADER is None:
        return None
    try:
        if not _plain_for_fast_path(text):
            return None
        loader = _FAST_LOADER(text)
        try:
            node = loader.get_single_node()
            lines = LineMap()
            if node is None:
                return None, lines
            return _build(loader, node, (), lines), lines
        finally:
            loader.dispose()
    except (yaml.YAMLError, ContentFileError, RecursionError):
        return None


def parse_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document, returning the data and where each value stands."""
    fast = _parse_fast(text)
    if fast is not None:
        return fast
    lines = LineMap()
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(text, exc) from exc
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        return _build(loader, node, (), lines), lines
    except yaml.reader.ReaderError as exc:
        raise _reader_problem(text, exc) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "is not valid YAML"
        hint = _yaml_hint(problem)
        raise ContentFileError(
            f"is not valid YAML: {problem}{hint}", mark.line + 1 if mark else None
        ) from exc
    except yaml.YAMLError as exc:
        raise ContentFileError(f"is not valid YAML: {exc}") from exc
    finally:
        loader.dispose()


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> ContentFileError:
    line = text.count("\n", 0, max(exc.position, 0)) + 1
    character = exc.character if isinstance(exc.character, str) else chr(exc.character or 0)
    return ContentFileError(
        f"contains an invisible control character (U+{ord(character):04X}) that YAML does not "
        "allow; delete it (it often comes from copying text out of another program)",
        line,
    )


def _yaml_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return (
            " (a value containing ': ' needs quotes around it, or the line is indented "
            "differently from the ones above)"
        )
    if "found character '\\t'" in problem:
        return " (use spaces, not tabs, to indent)"
    if "expected <block end>" in problem or "did not find expected" in problem:
        return " (check the indentation matches the lines above, and that quotes are closed)"
    return ""


def load_yaml_file(path: Path) -> tuple[Any, LineMap]:
    """Read and parse a YAML file; raises ContentFileError with a line where known."""
    return parse_yaml(read_text(path))
