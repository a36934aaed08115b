"""The lookup benchmark runs end to end at a tiny size (figures only; no timing asserted)."""

from __future__ import annotations

import sys

from support import PROJECT, invoke

sys.path.insert(0, str(PROJECT))

from benchmarks.lookup_scale import run


def test_tiny_lookup_benchmark_reports_every_figure():
    figures = run(postcodes=3000, areas=12, seed=7)
    assert figures["postcodes"] == 3000
    assert figures["areas"] == 12
    assert figures["problems"] == 0
    # The generated areas cover the extent without overlaps: every postcode is found once.
    assert figures["unassigned"] == 0
    assert figures["overlaps"] == 0
    assert figures["shards"] > 100
    assert 0 < figures["largest_shard_gzip_bytes"] <= figures["largest_shard_bytes"]
    for key in ("seconds", "read_seconds", "match_seconds", "shard_seconds", "peak_mib"):
        assert figures[key] > 0


def test_bench_lookup_task():
    result = invoke("bench-lookup", "--postcodes", "500", "--areas", "5")
    assert result.returncode == 0, result.stderr
    assert "largest_shard_gzip_bytes" in result.stdout
    assert "postcodes: 500" in result.stdout
