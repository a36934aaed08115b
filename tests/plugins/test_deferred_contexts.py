"""A page waiting to be rendered keeps only what its context does not share with others,
and is rendered with exactly the context it was given: the same values, the very objects."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Template

from neighbourhoods.incremental import MAX_OWN_VALUES, Deferred

TEMPLATE = Template("{{ title }}")


def shared_context() -> dict[str, object]:
    return {f"SETTING_{n}": [n] for n in range(200)} | {"articles": [object()], "title": "Home"}


def test_each_page_gets_back_the_very_context_it_was_deferred_with(tmp_path: Path) -> None:
    deferred = Deferred(tmp_path)
    shared = shared_context()
    given = []
    for number in range(5):
        page = dict(shared)
        page.update(title=f"Page {number}", output_file=f"p{number}/index.html")
        if number == 3:
            del page["SETTING_7"]  # a page without a value the others have
            page["articles"] = [object()]  # another object, though alike
        given.append(page)
        deferred.add(TEMPLATE, page, page["output_file"], None, shared)
    for job, page in zip(deferred.jobs, given, strict=True):
        context = job.context()
        assert context.keys() == page.keys()
        assert all(context[name] is page[name] for name in page)
    # The pages share one base: what each keeps of its own is small.
    assert len({id(job.base) for job in deferred.jobs}) == 1
    assert max(len(job.own) for job in deferred.jobs) <= 3


def test_a_page_unlike_the_base_starts_a_new_one(tmp_path: Path) -> None:
    deferred = Deferred(tmp_path)
    first = shared_context()
    other = {f"OTHER_{n}": n for n in range(MAX_OWN_VALUES + 1)}
    deferred.add(TEMPLATE, first, "a.html", None, None)
    deferred.add(TEMPLATE, other, "b.html", None, None)
    deferred.add(TEMPLATE, dict(other, title="B2"), "c.html", None, None)
    a, b, c = deferred.jobs
    assert a.base is not b.base and b.base is c.base
    assert b.context() == other and c.context() == dict(other, title="B2")
    assert a.context() == first
