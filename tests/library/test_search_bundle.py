"""The Pagefind bundle of the sample site: whole, and the same whatever order Pagefind
wrote its filters in (Pagefind 1.5 keeps them in a hash map; see make_stable)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import cbor2
import pytest

from neighbourhood_policing.search_bundle import (
    SIGNATURE,
    BundleFormatError,
    make_stable,
    pagefind_hash,
)


def read(path: Path):
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(SIGNATURE)
    return cbor2.loads(data[len(SIGNATURE) :])


def meta_path(bundle: Path) -> Path:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"


def write_as_pagefind(path: Path, value) -> str:
    """Write a file the way Pagefind does, named by Pagefind's hash; returns the hash."""
    body = cbor2.dumps(value)
    path.write_bytes(gzip.compress(SIGNATURE + body, compresslevel=6))
    return pagefind_hash(body)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def bundle(sample_output: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "pagefind"
    shutil.copytree(sample_output / "pagefind", copy)
    return copy


def test_the_bundle_names_every_file_by_its_contents(sample_output: Path) -> None:
    bundle = sample_output / "pagefind"
    meta = read(meta_path(bundle))
    assert meta_path(bundle).name == f"pagefind.en_{pagefind_hash(cbor2.dumps(meta))[:10]}.pf_meta"
    filters = dict(meta[3])
    assert sorted(filters) == ["area", "category", "type"]
    assert [name for name, _ in meta[3]] == sorted(filters), "filters listed in name order"
    for name, file_hash in filters.items():
        index = read(bundle / "filter" / f"{file_hash}.pf_filter")
        assert index[0] == name
        assert file_hash == f"en_{pagefind_hash(cbor2.dumps(index))[:7]}"
        values = [value for value, _ in index[1]]
        assert values == sorted(values)
    assert {v for v, _ in read(bundle / "filter" / f"{filters['type']}.pf_filter")[1]} == {
        "area", "event", "page", "priority", "update"
    }
    assert sorted(p.name for p in (bundle / "filter").iterdir()) == sorted(
        f"{h}.pf_filter" for h in filters.values()
    )


def test_another_order_from_pagefind_gives_the_same_bundle(bundle: Path) -> None:
    before = files(bundle)
    old_meta = meta_path(bundle)
    meta = read(old_meta)
    shuffled = []
    for name, file_hash in reversed(meta[3]):  # the filters, and each one's values, reversed
        path = bundle / "filter" / f"{file_hash}.pf_filter"
        index = read(path)
        path.unlink()
        new_hash = "en_" + write_as_pagefind(path, [name, list(reversed(index[1]))])[:7]
        path.rename(bundle / "filter" / f"{new_hash}.pf_filter")
        shuffled.append([name, new_hash])
    meta[3] = shuffled
    old_meta.unlink()
    meta_hash = "en_" + write_as_pagefind(old_meta, meta)[:10]
    old_meta.rename(bundle / f"pagefind.{meta_hash}.pf_meta")
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    entry["languages"]["en"]["hash"] = meta_hash
    (bundle / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    assert files(bundle) != before

    make_stable(bundle)
    assert files(bundle) == before


def test_a_bundle_in_a_format_it_does_not_know_is_an_error(bundle: Path) -> None:
    path = meta_path(bundle)
    path.write_bytes(gzip.compress(SIGNATURE + cbor2.dumps({"not": "a list"})))
    with pytest.raises(BundleFormatError, match=path.name):
        make_stable(bundle)


def test_pages_read_on_several_processes_are_the_pages_one_reads(
    sample_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At national scale the pages to index are read on every core: the same pages, in
    the same order, with the same hashes as one process finds."""
    from neighbourhood_policing import search_bundle
    from neighbourhood_policing.outputs import NewSite

    site = NewSite(sample_output)
    alone, marks = search_bundle._indexed_pages(site, workers=2)  # too few to fork
    monkeypatch.setattr(search_bundle, "MIN_PAGES_PER_WORKER", 1)
    assert search_bundle._indexed_pages(site, workers=2) == (alone, marks)
    assert len(alone) > 50
    assert all(marks[sha] for _, sha in alone) and not all(marks.values())
    assert all(not rel.startswith("pagefind/") for rel, _ in alone)
    assert "neighbourhoods/bridgnorth/index.html" in dict(alone)  # an area page


def test_a_kept_page_whose_bytes_are_known_is_not_read(tmp_path: Path) -> None:
    """A page the build kept, whose hash the output record vouches for, is not read
    again when the last build learnt whether those bytes are indexed."""
    import hashlib
    from types import SimpleNamespace

    from neighbourhood_policing.outputs import NewSite
    from neighbourhood_policing.search_bundle import _indexed_pages

    staging, published = tmp_path / "staging", tmp_path / "out"
    (staging / "a").mkdir(parents=True)
    written = b"<main data-pagefind-body>A</main>"
    (staging / "a/index.html").write_bytes(written)
    published.mkdir()  # the kept page is not there: reading it would fail
    kept = {"b/index.html": SimpleNamespace(sha="f" * 64)}
    site = NewSite(staging, published, kept)
    pages, marks = _indexed_pages(site, 1, {"f" * 64: True})
    sha = hashlib.sha256(written).hexdigest()
    assert pages == [("a/index.html", sha), ("b/index.html", "f" * 64)]
    assert marks == {sha: True, "f" * 64: True}
    with pytest.raises(FileNotFoundError):  # not known: read
        _indexed_pages(site, 1, {})


def test_a_shard_pagefind_left_incomplete_is_indexed_again(
    tmp_path: Path, sample_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind has been seen to exit before its last file was whole on a loaded
    machine: such a shard is indexed again from its staged folder, never published."""
    import shutil

    from neighbourhood_policing import search_bundle

    site = tmp_path / "site"
    shutil.copytree(sample_output, site, ignore=shutil.ignore_patterns("pagefind"))
    real, calls = search_bundle._finish_shard, []

    def flaky(folder: Path, primary: bool) -> None:
        calls.append(folder)
        if len(calls) == 1:
            raise search_bundle.IncompleteBundle("cut off")
        real(folder, primary)

    monkeypatch.setattr(search_bundle, "_finish_shard", flaky)
    cache = tmp_path / "cache"
    result = search_bundle.start_index(site, [], cache=cache).finish()
    assert len(calls) == 2 and result.indexed_shards == 1
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
