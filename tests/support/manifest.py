"""A manifest of a built site: one line per file, its SHA-256 and its path, sorted.

``tests/site/sample-output.sha256`` is the manifest of the sample site built with the
tests' pinned date. A change that should not change the site (a refactor, a faster
build) must leave it as it is; a change that should (new content, a template change)
rewrites it and shows the difference in review:

    .venv/bin/python tests/support/manifest.py --write
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE_MANIFEST = HERE.parent / "site" / "sample-output.sha256"


def manifest(folder: Path) -> str:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.path.insert(0, str(HERE.parent))
    from support import PROJECT, SOURCE_DATE_EPOCH, build

    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    with tempfile.TemporaryDirectory() as tmp:
        text = manifest(build(PROJECT, Path(tmp) / "output"))
    if "--write" in sys.argv:
        SAMPLE_MANIFEST.write_text(text, encoding="utf-8")
        print(f"Wrote {SAMPLE_MANIFEST}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
