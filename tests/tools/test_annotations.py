"""On GitHub Actions, validation problems are also printed as workflow annotations."""

from __future__ import annotations

from pathlib import Path

from support import invoke

from neighbourhood_policing.problems import Problem


def break_content(root: Path) -> None:
    """An error with a line, a warning with a line, and a folder name with a comma."""
    events = root / "neighbourhoods/alpha/events.yaml"
    events.write_text(events.read_text("utf-8").replace("SY8 1AC", "SY8"), "utf-8")
    priorities = root / "neighbourhoods/alpha/priorities.yaml"
    text = priorities.read_text("utf-8").replace("review: 2027-03-01", "review: 2026-10-01")
    priorities.write_text(text, "utf-8")
    (root / "neighbourhoods/bad,name").mkdir()


ERROR = (
    "::error file=neighbourhoods/alpha/events.yaml,line=17::"
    "past-meeting.postcode: 'SY8' is not a full UK postcode, such as SY8 1RU"
)
WARNING = (
    "::warning file=neighbourhoods/alpha/priorities.yaml,line=7::market-asb.review: was due "
    "for review on 2026-10-01; review it with residents and set the next review date"
)
FOLDER = "::error file=neighbourhoods/bad%2Cname::the folder name 'bad,name' becomes the web"


def test_validate_prints_annotations_on_github_actions(mini_copy: Path) -> None:
    break_content(mini_copy)
    result = invoke("validate", "--content-root", str(mini_copy), env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert ERROR in lines
    assert WARNING in lines
    assert any(line.startswith(FOLDER) for line in lines)
    assert len(lines) == 3, result.stdout
    # The plain messages are still there for people reading the log.
    assert "neighbourhoods/alpha/events.yaml:17: past-meeting.postcode:" in result.stderr


def test_no_annotations_elsewhere(mini_copy: Path) -> None:
    break_content(mini_copy)
    result = invoke("validate", "--content-root", str(mini_copy), env={"GITHUB_ACTIONS": ""})
    assert result.returncode == 2
    assert "::" not in result.stdout
    assert "events.yaml:17:" in result.stderr


def test_a_failed_build_annotates_too(mini_copy: Path, tmp_path: Path) -> None:
    break_content(mini_copy)
    result = invoke(
        "build", "--content-root", str(mini_copy), "--output", str(tmp_path / "out"),
        env={"GITHUB_ACTIONS": "true"},
    )  # fmt: skip
    assert result.returncode == 2
    assert ERROR in result.stdout.splitlines()
    assert not (tmp_path / "out/index.html").exists()


def test_annotation_escaping() -> None:
    problem = Problem("a,b:c%d.yaml", 3, "x", "100% wrong\r\nnext: line", "warning")
    assert problem.github_annotation() == (
        "::warning file=a%2Cb%3Ac%25d.yaml,line=3::x: 100%25 wrong%0D%0Anext: line"
    )
    assert Problem("f.md", None, None, "bad").github_annotation() == "::error file=f.md::bad"
