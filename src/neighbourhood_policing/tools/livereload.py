"""Live preview: what to watch, and a rebuilder that runs new code in a fresh process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..settings import PROJECT
from ..urls import AREAS_DIR


def watch_paths(content_root: Path | str) -> list[Path]:
    """What a live preview watches: content, neighbourhoods, theme, plugins and settings."""
    root = Path(content_root)
    paths = [root / "content", root / AREAS_DIR, PROJECT / "theme", PROJECT / "plugins"]
    paths += [PROJECT / "src"]
    paths += [PROJECT / "pelicanconf.py"]
    return [p for p in paths if p.exists()]


class Rebuilder:
    """Rebuilds the site after a change, reporting content problems plainly.

    Content and theme changes rebuild in this process (fast: nothing is imported
    again). A change to Python code (plugins or settings) rebuilds in a fresh
    process, so the new code is the code that runs.
    """

    def __init__(
        self,
        *,
        content_root: Path | str,
        output: Path | str,
        config: Path | str = PROJECT / "pelicanconf.py",
        log: Callable[[str], None] = print,
    ) -> None:
        self.content_root = Path(content_root)
        self.output = Path(output)
        self.config = Path(config)
        self.log = log
        self.last_seconds = 0.0
        self.code_mtime = self._code_mtime()

    def _code_mtime(self) -> float:
        code = [*(PROJECT / "plugins").rglob("*.py"), *(PROJECT / "src").rglob("*.py")]
        files = [*code, self.config, PROJECT / "pelicanconf.py"]
        return max((f.stat().st_mtime for f in files if f.exists()), default=0.0)

    def __call__(self) -> bool:
        """Rebuild now; True when the site was built."""
        from .build import run_build

        started = time.perf_counter()
        code_mtime = self._code_mtime()
        if code_mtime != self.code_mtime:
            self.code_mtime = code_mtime
            result = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from neighbourhood_policing.tools.build import run_build; "
                    "sys.exit(run_build(config=sys.argv[1], content_root=sys.argv[2], "
                    "output=sys.argv[3]))",
                    str(self.config),
                    str(self.content_root),
                    str(self.output),
                ],
                check=False,
            )
            code = result.returncode
        else:
            code = run_build(config=self.config, content_root=self.content_root, output=self.output)
        self.last_seconds = time.perf_counter() - started
        if code:
            self.log("The site was not rebuilt; the page shows the last good build.")
            return False
        self.log(f"Rebuilt in {self.last_seconds:.1f} s.")
        return True
