"""What reading a content file gave last time, by the file's bytes: a rebuild parses only
the files that changed.

Only pure steps are remembered, each a function of the text alone (and, for the privacy
scan, of the rules): parsing a YAML file into data and line numbers, or the error that
stops it; and the privacy findings in an update. The neighbourhoods plugin keeps a
memory of its own (``markup.pickle``) for sanitised HTML, through ``remember``. Checks
that look at other files (links and images, areas named, priorities) run every time.
The memory lives in the build cache (``loader.pickle``) beside the output record,
stamped with the build's fingerprint (code, theme, settings, date), so a change of code
never meets an old answer; ``invoke validate`` and the tools read files afresh.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..files import write_atomic
from ..privacy import Finding, PrivacyRules, scan
from ..yamlfile import ContentFileError, LineMap, parse_yaml

VERSION = 1
FILE_NAME = "loader.pickle"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _rules_key(rules: PrivacyRules) -> str:
    parts = [",".join(sorted(values)) for values in (
        rules.force_domains, rules.allowed_phones, rules.allowed_emails
    )]  # fmt: skip
    return _sha("\n".join(parts))


class LoadMemo:
    """Answers of pure parsing steps, by the bytes they were made from."""

    def __init__(self, path: Path | None = None, stamp: str = "") -> None:
        self.path = path
        self.stamp = stamp
        self._old: dict[tuple[str, ...], Any] = {}
        self._new: dict[tuple[str, ...], Any] = {}
        self.hits = 0
        self._rules: tuple[PrivacyRules, str] | None = None
        if path is None:
            return
        try:
            with path.open("rb") as stream:
                stored = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                TypeError, ImportError):  # fmt: skip
            return
        if (
            isinstance(stored, dict)
            and stored.get("version") == VERSION
            and stored.get("stamp") == stamp
            and isinstance(stored.get("answers"), dict)
        ):
            self._old = stored["answers"]

    @classmethod
    def for_build(cls, settings: Mapping[str, Any], name: str = FILE_NAME) -> LoadMemo:
        """The memory ``name`` of the builds into this output (none outside a cached build)."""
        cache = settings.get("BUILD_CACHE")
        folder = settings.get("BUILD_CACHE_DIR")
        outputs = getattr(cache, "outputs", None)
        if outputs is None or not folder:
            return cls()
        return cls(Path(folder) / name, str(outputs.fingerprint))

    def _answer(self, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
        if key in self._new:
            return self._new[key]
        if key in self._old:
            self.hits += 1
            value = self._old[key]
        else:
            value = make()
        self._new[key] = value
        return value

    def yaml(self, text: str) -> tuple[Any, LineMap]:
        """``parse_yaml(text)``: raises the same ContentFileError for the same text."""

        def make() -> tuple[str, Any, Any]:
            try:
                return ("ok", *parse_yaml(text))
            except ContentFileError as exc:
                return ("error", exc.message, exc.line)

        answer = self._answer(("yaml", _sha(text)), make)
        if answer[0] == "error":
            raise ContentFileError(answer[1], answer[2])
        return answer[1], answer[2]

    def privacy(self, text: str, rules: PrivacyRules) -> list[Finding]:
        """``list(privacy.scan(text, rules))``."""
        if self._rules is None or self._rules[0] is not rules:
            self._rules = (rules, _rules_key(rules))
        return self._answer(
            ("privacy", _sha(text), self._rules[1]), lambda: list(scan(text, rules))
        )

    def remember(self, kind: str, text: str, make: Callable[[], Any]) -> Any:
        """``make()``, a pure function of ``text``, answered from memory when known."""
        return self._answer((kind, _sha(text)), make)

    def save(self) -> None:
        """Keep this load's answers (only those: the memory never outgrows the site)."""
        if self.path is None:
            return
        if self._old and self.hits == len(self._new) == len(self._old):
            return  # every answer came from the file, and it had no others: it is as it was
        stored = {"version": VERSION, "stamp": self.stamp, "answers": self._new}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, lambda f: pickle.dump(stored, f, protocol=pickle.HIGHEST_PROTOCOL))
