"""The curriculum loader: the shipped programme is valid; each kind of broken file is
reported with its file, line and field; content is sanitised and re-read on change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lms import SHIPPED_CURRICULUM, create_app
from lms.core.curriculum import CurriculumInvalid, render_markdown
from lms.core.curriculum_loader import CurriculumStore, check_curriculum, load_programme

SHIPPED = SHIPPED_CURRICULUM / "involving-people"


@pytest.fixture
def copy(tmp_path) -> Path:
    target = tmp_path / "involving-people"
    shutil.copytree(SHIPPED, target)
    return target


def week_file(folder: Path, number: int) -> Path:
    return next((folder / "weeks").glob(f"{number:02d}-*.md"))


def messages(folder: Path) -> list[str]:
    return [str(error) for error in check_curriculum(folder)]


def test_the_shipped_programme_is_valid_and_complete():
    programme = load_programme(SHIPPED)
    assert programme.number_of_weeks == 35
    assert [week.number for week in programme.weeks] == list(range(1, 36))
    assert {wave.wave: wave.opens_week for wave in programme.survey_waves}["pre"] == 1
    assert {wave.wave: wave.opens_week for wave in programme.survey_waves}["post"] == 35
    assert "confidence" in programme.instruments
    titles = " ".join(week.title for week in programme.weeks).lower()
    for topic in ("arnstein", "co-production", "whole-system", "silo", "shared language"):
        assert topic in titles


def test_a_missing_field_is_named_with_its_line(copy):
    path = week_file(copy, 3)
    path.write_text(path.read_text().replace("title:", "headline:", 1))
    found = messages(copy)
    assert any(
        m.startswith("involving-people/weeks/03-") and "title: this field is required" in m
        for m in found
    ), found
    assert any(":3: headline: unknown field" in m for m in found), found


def test_a_duplicate_week_number_names_both_files(copy):
    path = week_file(copy, 5)
    path.write_text(path.read_text().replace("week: 5", "week: 4", 1))
    found = messages(copy)
    assert any("week: week 4 is also defined in involving-people/weeks/04-" in m for m in found)
    assert any("these are missing: 5" in m for m in found)


def test_thirty_four_weeks_is_refused(copy):
    week_file(copy, 35).unlink()
    assert any("the programme has 35 weeks but these are missing: 35" in m for m in messages(copy))


def test_bad_yaml_is_located(copy):
    path = week_file(copy, 7)
    lines = path.read_text().splitlines()
    lines[2] = "title: [unclosed"
    path.write_text("\n".join(lines))
    found = messages(copy)
    assert any(m.startswith("involving-people/weeks/07-") and "invalid YAML" in m for m in found)


def test_an_unknown_phase_lists_the_known_ones(copy):
    path = week_file(copy, 9)
    text = path.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("phase:"))
    path.write_text(text.replace(text.splitlines()[line - 1], "phase: daydreaming", 1))
    found = messages(copy)
    assert any(
        f":{line}: phase: unknown phase 'daydreaming'; known: foundations" in m for m in found
    )


def test_every_error_is_listed_at_once(copy):
    week_file(copy, 35).unlink()
    path = week_file(copy, 2)
    path.write_text(path.read_text().replace("title:", "titel:", 1))
    assert len(messages(copy)) >= 3


def test_the_cli_exits_non_zero_listing_errors(copy):
    lms = Path(sys.executable).with_name("lms")
    ok = subprocess.run(
        [str(lms), "curriculum", "check", str(SHIPPED)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    week_file(copy, 35).unlink()
    bad = subprocess.run(
        [str(lms), "curriculum", "check", str(copy)], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "missing: 35" in bad.stderr


def test_the_app_refuses_to_start_on_an_invalid_curriculum(copy, tmp_path):
    week_file(copy, 1).unlink()
    with pytest.raises(CurriculumInvalid, match="missing: 1"):
        create_app(
            {
                "CURRICULUM_PATH": str(copy.parent),
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )


def test_markdown_is_sanitised():
    html = render_markdown("Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert 'href="javascript' not in html
    assert "<strong>bold</strong>" in html


def test_editing_a_week_file_changes_what_is_served_without_a_restart(copy):
    store = CurriculumStore(copy.parent)
    assert store.get("involving-people").week(2).title != "A new title"
    path = week_file(copy, 2)
    text = path.read_text()
    old_title = load_programme(copy).week(2).title
    path.write_text(text.replace(old_title, "A new title", 1))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert store.get("involving-people").week(2).title == "A new title"


def test_an_edit_shows_once_the_recheck_interval_has_passed(copy, monkeypatch):
    from lms.core import curriculum_loader

    clock = [1000.0]
    monkeypatch.setattr(curriculum_loader.time, "monotonic", lambda: clock[0])
    store = CurriculumStore(copy.parent, recheck_seconds=2.0)
    old_title = store.get("involving-people").week(2).title
    path = week_file(copy, 2)
    path.write_text(path.read_text().replace(old_title, "A new title", 1))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    clock[0] += 1.9  # within the interval the files are not looked at
    assert store.get("involving-people").week(2).title == old_title
    clock[0] += 0.2
    assert store.get("involving-people").week(2).title == "A new title"


def test_a_broken_edit_keeps_serving_the_last_good_copy(copy):
    store = CurriculumStore(copy.parent)
    good = store.get("involving-people").week(2).title
    week_file(copy, 2).write_text("not front matter")
    assert store.get("involving-people").week(2).title == good
