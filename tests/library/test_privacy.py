"""The personal data guard: warnings with file and line; errors under `validate --strict`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support import PROJECT

from neighbourhood_policing.privacy import PrivacyRules, scan
from neighbourhood_policing.settings import pelican_settings
from neighbourhood_policing.tools.build import run_validate

RULES = PrivacyRules.from_settings(
    {
        "FORCE_DOMAINS": ["westmercia.police.uk"],
        "PRIVACY_ALLOWED_PHONES": ["0800 555 111"],
        "CONTACT_EMAIL": "neighbourhoods@westmercia.police.uk",
    },
    team_phones=["01584 813000"],
    team_emails=["alpha.snt@example.police.uk"],
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call John on 07700 900123 if you saw anything.", "phone"),
        ("Ring +44 7700 900123.", "phone"),
        ("Ring +44 (0)1584 813 001.", "phone"),
        ("Ring (01584) 813001.", "phone"),
        ("Ring 01584-813-001.", "phone"),
        ("Email jane.smith@gmail.com with photos.", "email"),
        ("Email j@westmercia.police.uk.evil.com", "email"),
        ("A silver car, AB12 CDE, was seen.", "registration"),
        ("A van (registration A123 BCD) was seen.", "registration"),
        ("An old car, ABC 123D, was seen.", "registration"),
        ("The burglary was at 14 Mill Lane, SY8 1RU.", "postcode"),
        ("Reported near WR11 4TP yesterday.", "postcode"),
        ("Reported near SY81RU yesterday.", "postcode"),
    ],
)
def test_personal_data_is_found(text: str, kind: str) -> None:
    findings = list(scan(text, RULES))
    assert [f.kind for f in findings] == [kind], findings
    assert findings[0].line == 1


@pytest.mark.parametrize(
    "text",
    [
        "In an emergency call 999; otherwise call 101.",
        "Call Crimestoppers anonymously on 0800 555 111.",
        "Call the team on 01584 813000 or 01584 813 000.",
        "Quote crime reference 22/000123/26 when you call.",
        "Email ludlow.snt@westmercia.police.uk or alpha.snt@example.police.uk.",
        "Email neighbourhoods@westmercia.police.uk.",
        "Patrols in the SY8 district and on the A49, at 10:00 on 2026-11-20.",
        "PCSO 4521 and PS 1001 were on patrol with the ASB team and CCTV.",
        "See https://www.example.org/report/07700900123 for details.",
        "Text relay on 18000; NHS 111.",
    ],
)
def test_force_numbers_and_ordinary_text_pass(text: str) -> None:
    assert list(scan(text, RULES)) == []


def test_line_numbers_count_the_metadata_block() -> None:
    text = "Title: x\nDate: 2026-11-20 10:00\nCategory: Appeal\n\nFirst.\n\nCall 07700 900123.\n"
    assert [(f.line, f.kind) for f in scan(text, RULES)] == [(7, "phone")]


def _update(root: Path, body: str) -> Path:
    path = root / "neighbourhoods/alpha/updates/2026-11-21-appeal.md"
    path.write_text(
        f"Title: Appeal\nDate: 2026-11-21 10:00\nCategory: Appeal\n\n{body}\n", encoding="utf-8"
    )
    return path


def test_validate_warns_and_strict_fails(mini_copy: Path) -> None:
    _update(
        mini_copy,
        "A man was seen at 3 Oak Road, SY8 2AB.\n\nCall Dave on 07700 900 456 or email "
        "dave@example.com. The car was AB12 CDE.\n\nOr call 101, 999 or Crimestoppers on "
        "0800 555 111, or email neighbourhoods@westmercia.police.uk.",
    )
    stream = io.StringIO()
    assert run_validate(mini_copy, stream=stream) == 0
    report = stream.getvalue()
    where = "neighbourhoods/alpha/updates/2026-11-21-appeal.md"
    for line, needle in ((5, "'SY8 2AB'"), (7, "'07700 900 456'"), (7, "'dave@example.com'")):
        assert f"{where}:{line}: warning: contains" in report and needle in report, report
    assert f"{where}:7: warning: contains what looks like a vehicle registration 'AB12 CDE'" in (
        report
    )
    for allowed in ("'0800 555 111'", "'101'", "'999'", "neighbourhoods@westmercia"):
        assert allowed not in report
    assert "4 warning(s)" in report

    strict = io.StringIO()
    assert run_validate(mini_copy, strict=True, stream=strict) == 2
    assert "4 problem(s) to fix." in strict.getvalue()


def test_force_domains_come_from_the_settings(mini_copy: Path, tmp_path: Path) -> None:
    _update(mini_copy, "Email sgt.jones@westmercia.police.uk or x@partner.gov.uk.")
    settings = pelican_settings(content_root=mini_copy)
    assert settings["FORCE_DOMAINS"] == ["westmercia.police.uk"]
    stream = io.StringIO()
    run_validate(mini_copy, strict=True, stream=stream)
    assert "'x@partner.gov.uk'" in stream.getvalue()
    assert "sgt.jones" not in stream.getvalue()
    config = tmp_path / "conf.py"
    config.write_text(
        f"import sys\nsys.path.insert(0, {str(PROJECT)!r})\n"
        "from pelicanconf import *\n"
        "FORCE_DOMAINS = ['westmercia.police.uk', 'partner.gov.uk']\n",
        encoding="utf-8",
    )
    assert run_validate(mini_copy, strict=True, stream=io.StringIO(), config=config) == 0


def test_a_build_shows_the_warnings_but_still_builds(mini_copy: Path, tmp_path: Path, caplog):
    from support import build

    _update(mini_copy, "Call 07700 900123.")
    build(mini_copy, tmp_path / "out")
    assert (tmp_path / "out/neighbourhoods/alpha/updates/2026-11-21-appeal/index.html").exists()
    assert any("07700 900123" in r.getMessage() for r in caplog.records)
