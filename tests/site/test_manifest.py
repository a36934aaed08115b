"""The sample site is exactly what the committed manifest says, file for file, byte for byte.

A refactor or a speed-up must not change what residents get; when a change is meant to
change the site, regenerate the manifest (see tests/support/manifest.py) so that the
difference is there to review.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from support.manifest import SAMPLE_MANIFEST, manifest


def test_the_sample_site_matches_its_manifest(sample_output: Path) -> None:
    expected = SAMPLE_MANIFEST.read_text(encoding="utf-8")
    actual = manifest(sample_output)
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                "committed manifest",
                "this build",
                n=0,
            )
        )
        raise AssertionError(
            "The built sample site differs from tests/site/sample-output.sha256. If the change "
            "is meant to change the site, run: .venv/bin/python tests/support/manifest.py "
            f"--write\n{diff}"
        )
