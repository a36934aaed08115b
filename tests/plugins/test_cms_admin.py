"""/admin/: the CMS's files in the output, left out of the sitemap, with its own policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import MINI, PROJECT, build

from neighbourhood_policing.cms import DECAP_DIST

HOSTING = PROJECT / "hosting"


@pytest.fixture(scope="module")
def admin_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(MINI, tmp_path_factory.mktemp("cms") / "output", CMS_ADMIN=True)


def test_admin_is_served_from_our_own_site(admin_output: Path) -> None:
    admin = admin_output / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "nothing from another site"
    bundle = (PROJECT / DECAP_DIST / "decap-cms.js").read_bytes()
    assert (admin / "decap-cms.js").read_bytes() == bundle
    assert (admin / "config.yml").read_bytes() == (PROJECT / "admin/config.yml").read_bytes()
    assert (admin / "yaml/index.js").is_file()
    assert "admin/" not in (admin_output / "sitemap.xml").read_text(encoding="utf-8")


def test_admin_is_left_out_by_default(mini_output: Path) -> None:
    assert not (mini_output / "admin").exists()


def _csp_lines(text: str) -> list[str]:
    return re.findall(r"Content-Security-Policy:? \"?([^\"\n]+)", text)


def test_admin_has_its_own_policy_and_public_pages_keep_theirs() -> None:
    nginx = (HOSTING / "nginx/neighbourhoods.conf").read_text(encoding="utf-8")
    block = nginx[nginx.index("location ^~ /admin/ {") :]
    admin_policy = _csp_lines(block)[0]
    public = " ".join(re.findall(r'^add_header Content-Security-Policy "([^"]*)"', nginx, re.M))
    for host in ("netlify", "cloudflare-pages"):
        text = (HOSTING / host / "_headers").read_text(encoding="utf-8")
        rules = text.split("\n/")
        admin_rule = next(rule for rule in rules if rule.startswith("admin/*"))
        assert _csp_lines(admin_rule) == [admin_policy]
        assert "X-Robots-Tag: noindex, nofollow" in admin_rule
        site_wide = next(rule for rule in rules if rule.startswith("*"))
        assert "unsafe" not in site_wide
    assert "unsafe-eval" in admin_policy and "'unsafe-inline'" in admin_policy
    assert public and "unsafe-eval" not in public and "unsafe-inline" not in public
    assert 'X-Robots-Tag "noindex, nofollow"' in block
