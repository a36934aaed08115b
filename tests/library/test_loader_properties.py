"""Property-based tests: no input, however odd, makes a loader or validator raise anything
other than the clear ContentFileError (and load_site never raises at all)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import MINI

from neighbourhood_policing.checks.output import parse_css, parse_html, parse_ics, parse_xml
from neighbourhood_policing.loading import load_site, parse_header
from neighbourhood_policing.markup import plain_text, render_markdown, sanitise
from neighbourhood_policing.privacy import PrivacyRules, scan
from neighbourhood_policing.references import markdown_references, reference_problem
from neighbourhood_policing.yamlfile import ContentFileError, load_yaml_file, parse_yaml

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# YAML-ish text: the characters that matter to YAML, mixed with anything at all.
yaml_text = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n-:[]{}&*!|>'\"#%@`,?abc123\r\x00\x07\ufeff\x85", max_size=200),
)
# YAML values that a generated document may hold, including the types editors never write.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
header_text = st.one_of(
    st.text(),
    st.text(alphabet="Title:Date Category-Summary\n \t:areas,2026-11-20 10:00---", max_size=200),
)
html_text = st.one_of(
    st.text(),
    st.text(alphabet="<>/=\"' ahrefsciptonloadjavascript:#&;!-[]()", max_size=200),
)


@FAST
@given(yaml_text)
def test_parse_yaml_only_raises_content_file_error(text: str) -> None:
    try:
        parse_yaml(text)
    except ContentFileError as exc:
        assert exc.message
        assert exc.line is None or exc.line >= 1


@FAST
@given(documents)
def test_parse_yaml_reads_back_what_yaml_writes(data) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        parsed, lines = parse_yaml(text)
    except ContentFileError as exc:
        assert exc.message  # e.g. a tag such as !!binary that an editor never writes
        return
    if isinstance(data, dict) and data:
        assert isinstance(parsed, dict) and lines.line_for((next(iter(parsed)),)) == 1


@FAST
@given(st.binary(max_size=300))
def test_load_yaml_file_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "area.yaml"
        path.write_bytes(data)
        try:
            load_yaml_file(path)
        except ContentFileError as exc:
            assert exc.message


@FAST
@given(header_text)
def test_parse_header_never_raises(text: str) -> None:
    meta, _, error = parse_header(text)
    assert isinstance(meta, dict)
    if error:
        assert error[0] >= 1 and error[1]


@FAST
@given(st.text(max_size=400))
def test_render_markdown_and_sanitise_never_raise(text: str) -> None:
    html = str(render_markdown(text))
    assert sanitise(html) == html
    assert "<script" not in html.lower()
    plain_text(text)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "base"}:
            self.bad.append(tag)
        for name, value in attrs:
            url = re.sub(r"[\s\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name == "style":
                self.bad.append(f"{tag} {name}")
            if url.startswith(("javascript:", "vbscript:", "data:")):
                self.bad.append(f"{tag} {name}={value}")


@FAST
@given(html_text)
def test_sanitise_output_is_clean(text: str) -> None:
    cleaned = sanitise(text)
    assert sanitise(cleaned) == cleaned
    parser = _Tags()
    parser.feed(cleaned)
    parser.close()
    assert parser.bad == [], cleaned


@FAST
@given(st.text(max_size=300))
def test_privacy_scan_never_raises(text: str) -> None:
    rules = PrivacyRules.from_settings({"FORCE_DOMAINS": ["westmercia.police.uk"]})
    for finding in scan(text, rules):
        assert finding.line >= 1 and finding.message


@FAST
@given(st.text(max_size=200))
def test_reference_checks_never_raise(text: str) -> None:
    for line, target, image in markdown_references(text):
        assert line >= 1
        reference_problem(MINI, MINI / "content/pages/about.md", target, image)


@FAST
@given(html_text)
def test_output_parsers_never_raise(text: str) -> None:
    parse_html(text)
    parse_xml(text)
    parse_ics(text)
    parse_css(text)


# -- whole content folders ------------------------------------------------------------

area_files = st.sampled_from(
    [
        "neighbourhoods/alpha/area.yaml",
        "neighbourhoods/alpha/priorities.yaml",
        "neighbourhoods/alpha/patrols.yaml",
        "neighbourhoods/alpha/events.yaml",
        "neighbourhoods/alpha/boundary.geojson",
        "neighbourhoods/beta/area.yaml",
        "neighbourhoods/alpha/updates/2026-11-20-market-patrols.md",
        "neighbourhoods/gamma/area.yaml",
        "neighbourhoods/alpha/updates/new.md",
        "content/updates/new.md",
        "content/pages/about.md",
        "neighbourhoods/Bad Name/area.yaml",
    ]
)
contents = st.one_of(
    yaml_text,
    header_text,
    documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.binary(max_size=200),
)


@SLOW
@given(st.lists(st.tuples(area_files, contents), min_size=1, max_size=4))
def test_load_site_on_generated_folders(changes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        shutil.copytree(MINI, root)
        for rel, content in changes:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        site = load_site(root, dt.date(2026, 11, 24), settings={"FORCE_DOMAINS": ["x.uk"]})
        for problem in site.problems:
            assert problem.path and problem.message
            assert problem.line is None or problem.line >= 1
