"""National-scale benchmark: thousands of areas, tens of thousands of updates.

Generates synthetic but valid content into a temporary folder, then times
validation (load_site) and a full build, and reports peak memory. Run it with
`.venv/bin/invoke bench` (options: --areas, --updates).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from neighbourhood_policing.loading import load_site
from neighbourhood_policing.settings import PROJECT
from neighbourhood_policing.tools.build import build_site

AREA = """name: Area {n}
district: District {d}
summary: Synthetic area {n} for the scale benchmark.
description: The team covers **Area {n}** and nearby villages.
team:
  - name: Officer {n}
    role: PC
contact:
  email: area{n}@example.police.uk
"""
PRIORITIES = """- id: asb
  title: Anti-social behaviour
  status: open
  agreed: 2026-01-01
  agreed_with: Residents
  agreed_how: residents' meeting
  review: 2027-06-01
  problem: Groups gathering at night.
  actions:
    - date: 2026-02-01
      text: Patrols started.
"""
EVENTS = """- id: surgery
  title: Beat surgery
  type: beat surgery
  start: "2026-12-0{day} 10:00"
  end: "2026-12-0{day} 12:00"
  place: Library
  address: 1 High Street
  postcode: SY8 1AA
"""
UPDATE = """Title: Update {u} for area {n}
Date: {date:%Y-%m-%d %H:%M}
Category: {category}
Summary: A synthetic update.

Paragraph one of update {u}, with a [link](https://example.org/) and some **bold** text.

- a list item
- another item
"""
CATEGORIES = ["Crime update", "Appeal", "Crime prevention advice", "Good news", "News"]


def generate(root: Path, areas: int, updates: int) -> None:
    """Write `areas` area folders and `updates` updates spread across them."""
    # The site pages every footer links to, and the force-wide updates they link to,
    # as a force would have them.
    shutil.copytree(PROJECT / "content", root / "content")
    start = dt.datetime(2024, 1, 1, 9, 0)
    for n in range(areas):
        folder = root / "neighbourhoods" / f"area-{n:05d}"
        (folder / "updates").mkdir(parents=True)
        (folder / "area.yaml").write_text(AREA.format(n=n, d=n % 40))
        (folder / "priorities.yaml").write_text(PRIORITIES)
        (folder / "events.yaml").write_text(EVENTS.format(day=1 + n % 9))
        lon, lat = -3.0 + (n % 50) * 0.02, 52.0 + (n // 50) * 0.02
        ring = [[lon, lat], [lon + 0.02, lat], [lon + 0.02, lat + 0.02], [lon, lat + 0.02]]
        ring.append(ring[0])
        boundary = {"type": "Polygon", "coordinates": [ring]}
        (folder / "boundary.geojson").write_text(json.dumps(boundary))
    for u in range(updates):
        n = u % areas
        date = start + dt.timedelta(minutes=37 * u)
        text = UPDATE.format(u=u, n=n, date=date, category=CATEGORIES[u % len(CATEGORIES)])
        path = root / "neighbourhoods" / f"area-{n:05d}" / "updates" / f"u{u:06d}.md"
        path.write_text(text)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(areas: int = 1000, updates: int = 20000, build: bool = True) -> dict[str, float]:
    """Generate content, then time validation and (optionally) a full build."""
    results: dict[str, float] = {"areas": areas, "updates": updates}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = Path(tmp) / "site"
        began = time.perf_counter()
        generate(root, areas, updates)
        results["generate_s"] = time.perf_counter() - began
        began = time.perf_counter()
        site = load_site(root, build_date=dt.date(2026, 11, 24))
        results["validate_s"] = time.perf_counter() - began
        assert not site.errors, [str(p) for p in site.errors[:5]]
        if build:
            began = time.perf_counter()
            build_site(PROJECT / "pelicanconf.py", content_root=root, output=Path(tmp) / "out")
            results["build_s"] = time.perf_counter() - began
            files = sum(1 for _ in (Path(tmp) / "out").rglob("*.html"))
            results["html_files"] = files
        results["peak_rss_mb"] = peak_rss_mb()
    return results
