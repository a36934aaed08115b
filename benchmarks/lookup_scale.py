"""Postcode lookup at national scale: 1.8 million postcodes against 4,000 areas.

Generates, into a temporary folder, a coverage of synthetic areas (a Voronoi diagram
over Great Britain's extent, each edge densified to about 1 km so boundaries have
realistic vertex counts) and a ``postcodes.csv`` of points, half spread evenly and half
clustered round a few hundred towns, grouped into outward codes by a grid (a crowded
cell spills into further districts of at most 4,000 postcodes, as real ones split).

Then, in a fresh process (so the peak memory is the lookup's own, not the generator's),
it does what the build does: read the CSV (``lookup.read_postcodes``), match every
postcode to its area (``lookup.assign``), build the shards (``lookup.build_shards``) and
write them atomically, and reports the time, peak memory (ru_maxrss), the number of
shards and the largest shard (raw and gzipped).

Run: ``.venv/bin/invoke bench-lookup`` (options: --postcodes, --areas).
"""

from __future__ import annotations

import gzip
import multiprocessing
import resource
import shutil
import string
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from neighbourhood_policing import lookup, urls
from neighbourhood_policing.files import write_atomic

#: Great Britain's extent, roughly (longitude, latitude).
EXTENT = (-5.6, 50.1, 1.7, 58.5)
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters inward codes use
MAX_PER_DISTRICT = 10 * len(LETTERS) ** 2  # sector digit x two letters = 4,000


def generate_areas(count: int, rng: np.random.Generator) -> list[Any]:
    minx, miny, maxx, maxy = EXTENT
    seeds = shapely.points(rng.uniform(minx, maxx, count), rng.uniform(miny, maxy, count))
    frame = shapely.box(*EXTENT)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame)
    areas = [shapely.segmentize(cell.intersection(frame), 0.01) for cell in cells.geoms]
    # Slug order is the order ties are settled in; here the generated order stands for it.
    return areas


def generate_postcodes(path: Path, count: int, rng: np.random.Generator) -> None:
    minx, miny, maxx, maxy = EXTENT
    even = count // 2
    towns = np.column_stack(
        [rng.uniform(minx + 0.5, maxx - 0.5, 400), rng.uniform(miny + 0.5, maxy - 0.5, 400)]
    )
    which = rng.integers(0, len(towns), count - even)
    lon = np.concatenate(
        [rng.uniform(minx, maxx, even), towns[which, 0] + rng.normal(0, 0.05, count - even)]
    )
    lat = np.concatenate(
        [rng.uniform(miny, maxy, even), towns[which, 1] + rng.normal(0, 0.03, count - even)]
    )
    lon, lat = np.clip(lon, minx, maxx), np.clip(lat, miny, maxy)
    # Districts: a 54 x 54 grid (about 2,900 cells, as many as Great Britain's districts).
    cell = (
        np.minimum(((lon - minx) / (maxx - minx) * 54).astype(int), 53) * 54
        + np.minimum(((lat - miny) / (maxy - miny) * 54).astype(int), 53)
    )
    order = np.argsort(cell, kind="stable")
    rank = np.empty(count, dtype=np.int64)
    sorted_cells = cell[order]
    starts = np.searchsorted(sorted_cells, sorted_cells, side="left")
    rank[order] = np.arange(count) - starts
    district = cell * 8 + rank // MAX_PER_DISTRICT
    unit = rank % MAX_PER_DISTRICT
    letters = string.ascii_uppercase
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("postcode,latitude,longitude\n")
        for d, u, y, x in zip(district.tolist(), unit.tolist(), lat.tolist(), lon.tolist(),
                              strict=True):
            area = letters[d // 26 // 100 % 26] + letters[d // 100 % 26]
            outward = f"{area}{d % 100}"
            inward = f"{u // 400}{LETTERS[u // 20 % 20]}{LETTERS[u % 20]}"
            stream.write(f"{outward} {inward},{y:.6f},{x:.6f}\n")


def measure(workdir: str) -> dict[str, Any]:
    """The timed part (in its own process): read, match, shard, write."""
    folder = Path(workdir)
    areas = list(shapely.from_wkb(np.load(folder / "areas.npy", allow_pickle=True)))
    refs = [lookup.AreaRef(f"area-{n:04d}", f"Area {n}") for n in range(len(areas))]
    start = time.perf_counter()
    postcodes = lookup.read_postcodes(folder / "postcodes.csv")
    read = time.perf_counter()
    result = lookup.assign(postcodes.longitudes, postcodes.latitudes, areas)
    matched = time.perf_counter()
    shards = lookup.build_shards(postcodes.codes, result.owner, refs)
    output = folder / "output"
    largest, largest_name = 0, ""
    for outward, shard in shards.items():
        data = lookup.shard_bytes(shard)
        write_atomic(output / urls.shard_path(outward), data)
        if len(data) > largest:
            largest, largest_name = len(data), outward
    done = time.perf_counter()
    largest_gzip = len(
        gzip.compress((output / urls.shard_path(largest_name)).read_bytes(), mtime=0)
    )
    return {
        "postcodes": len(postcodes),
        "areas": len(areas),
        "problems": len(postcodes.problems),
        "unassigned": result.unassigned,
        "overlaps": result.overlaps,
        "read_seconds": read - start,
        "match_seconds": matched - read,
        "shard_seconds": done - matched,
        "seconds": done - start,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "shards": len(shards),
        "largest_shard": largest_name,
        "largest_shard_bytes": largest,
        "largest_shard_gzip_bytes": largest_gzip,
    }


def _child(workdir: str, queue: Any) -> None:
    queue.put(measure(workdir))


def run(postcodes: int = 1_800_000, areas: int = 4_000, seed: int = 2026) -> dict[str, Any]:
    """Generate the data, then measure the lookup in a fresh process; returns the figures."""
    rng = np.random.default_rng(seed)
    workdir = Path(tempfile.mkdtemp(prefix="lookup-bench-"))
    try:
        shapes = generate_areas(areas, rng)
        np.save(workdir / "areas.npy", np.asarray(shapely.to_wkb(shapes), dtype=object))
        generate_postcodes(workdir / "postcodes.csv", postcodes, rng)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        process = context.Process(target=_child, args=(str(workdir), queue))
        process.start()
        figures = queue.get()
        process.join()
        figures["csv_mib"] = (workdir / "postcodes.csv").stat().st_size / 2**20
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover
    for key, value in run().items():
        print(f"{key:>26}: {value}")
