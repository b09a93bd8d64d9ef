"""Memos on codings: written with the coding or afterwards by its own coder, shown on the
theme page next to the excerpt to coders who may read the text, kept across an expired
session, part of the coder's personal data and removed on erasure."""

from __future__ import annotations

import html as markup
import re

from sqlalchemy import select

from lms.extensions import db
from lms.plugins.evaluation.coding import MAX_MEMO
from lms.plugins.evaluation.models import Coding
from tests.conftest import PASSWORD
from tests.plugins.evaluation.test_coding import seed_codebook, theme_id

TEXTS = "/cohorts/north-2026/evaluation/texts"
MEMO = "Panel chosen by the carers themselves: compare with week 9."


def theme_page(name: str) -> str:
    return f"/cohorts/north-2026/evaluation/codebook/{theme_id(name)}"


def memo_url(coding: Coding) -> str:
    return f"{TEXTS}/{coding.source}/codings/{coding.id}/memo"


def coded_with_a_memo(app, cohort, lead, add_trainees, fakes, client_for):
    seed_codebook(app, cohort)
    author, other_author = add_trainees(cohort, 2)
    text = fakes[0].add_text(author, "The carers chose who sat on the panel.")
    hidden = fakes[0].add_text(other_author, "Our forum met in the library.", week=4)
    client = client_for(lead)
    for item, memo in ((text, MEMO), (hidden, "Library: a neutral place.")):
        response = client.post(
            f"{TEXTS}/{item.source}",
            data={
                "excerpt": item.text.split()[1],
                "themes": [theme_id("Equal and reciprocal relationships")],
                "memo": memo,
            },
        )
        assert response.status_code == 302
    return client, text, hidden


def test_a_memo_written_with_the_coding_is_shown_next_to_the_excerpt(
    app, cohort, lead, add_trainees, fakes, client_for, make_membership
):
    client, text, hidden = coded_with_a_memo(app, cohort, lead, add_trainees, fakes, client_for)
    coding = db.session.scalar(select(Coding).where(Coding.source == text.source))
    assert coding.memo == MEMO
    page = client.get(f"{TEXTS}/{text.source}")
    assert page.status_code == 200 and MEMO in page.text
    assert f'action="{memo_url(coding)}"' in page.text  # the coder may change it

    # A tutor who may read the first text but not the second sees only the first's memo.
    tutor = make_membership(cohort, "tutor")
    fakes[0].readers[hidden.source] = {lead.memberships[0].id}
    as_tutor = client_for(tutor.user)
    codebook = as_tutor.get("/cohorts/north-2026/evaluation/codebook")
    assert codebook.status_code == 200
    assert f'href="{theme_page("Equal and reciprocal relationships")}#passages"' in codebook.text
    themes = as_tutor.get(theme_page("Equal and reciprocal relationships"))
    assert themes.status_code == 200
    body = markup.unescape(themes.text)
    row = body[body.index("“carers”") : body.index("</tr>", body.index("“carers”"))]
    assert MEMO in row and "Another coder" in row
    assert "Library: a neutral place." not in body and "“forum”" not in body
    # Others read a memo; they cannot change it, and its form is not theirs to see.
    coded = as_tutor.get(f"{TEXTS}/{text.source}")
    assert coded.status_code == 200 and MEMO in coded.text
    assert memo_url(coding) not in coded.text
    refused = as_tutor.post(memo_url(coding), data={"memo": "Mine now"})
    assert refused.status_code == 404
    assert db.session.get(Coding, coding.id).memo == MEMO


def test_a_coder_changes_and_removes_their_memo(app, cohort, lead, add_trainees, fakes, client_for):
    client, text, _ = coded_with_a_memo(app, cohort, lead, add_trainees, fakes, client_for)
    coding = db.session.scalar(select(Coding).where(Coding.source == text.source))
    changed = client.post(memo_url(coding), data={"memo": "  Second thoughts.  "})
    assert changed.status_code == 302
    assert db.session.get(Coding, coding.id).memo == "Second thoughts."
    too_long = "x" * (MAX_MEMO + 1)
    refused = client.post(memo_url(coding), data={"memo": too_long})
    assert refused.status_code == 400
    assert f"The memo must be {MAX_MEMO:,} characters or fewer" in refused.text
    assert re.search(rf'<textarea[^>]*id="memo-{coding.id}"[^>]*>\s*{too_long}', refused.text)
    assert not re.search(r'<textarea[^>]*id="memo"[^>]*>\s*x', refused.text)
    assert db.session.get(Coding, coding.id).memo == "Second thoughts."
    assert client.post(memo_url(coding), data={"memo": ""}).status_code == 302
    assert db.session.get(Coding, coding.id).memo == ""
    # A memo too long with a new coding stores nothing.
    before = db.session.scalar(select(db.func.count(Coding.id)))
    page = client.post(
        f"{TEXTS}/{text.source}",
        data={"excerpt": "panel", "themes": [theme_id("Shared language")], "memo": too_long},
    )
    assert page.status_code == 400 and "characters or fewer" in page.text
    # The memo typed for the new coding stays in its box, not in the others'.
    assert re.search(rf'<textarea[^>]*id="memo-{coding.id}"[^>]*>\s*</textarea>', page.text)
    assert re.search(rf'<textarea[^>]*id="memo"[^>]*>\s*{too_long}', page.text)
    assert db.session.scalar(select(db.func.count(Coding.id))) == before


def test_a_memo_written_as_the_session_expired_comes_back(
    app, cohort, lead, add_trainees, fakes, client_for
):
    _, text, _ = coded_with_a_memo(app, cohort, lead, add_trainees, fakes, client_for)
    coding = db.session.scalar(select(Coding).where(Coding.source == text.source))
    page = f"{TEXTS}/{text.source}"
    browser = app.test_client()
    browser.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get(page).text)[1]
    with browser.session_transaction() as session:
        session.clear()  # the session expired while the lead wrote
    memo = "Written after lunch: the panel is the co-production, not the survey."
    posted = browser.post(memo_url(coding), data={"memo": memo, "csrf_token": token})
    assert posted.status_code == 302
    assert posted.headers["Location"] == f"/sign-in?next={page}"
    assert db.session.get(Coding, coding.id).memo == MEMO  # nothing saved signed out
    signed_in = browser.post(
        posted.headers["Location"], data={"email": lead.email, "password": PASSWORD}
    )
    landed = browser.get(signed_in.headers["Location"])
    assert landed.status_code == 200
    assert re.search(rf'<textarea[^>]*id="memo-{coding.id}"[^>]*>\s*{re.escape(memo)}', landed.text)
    assert "this text was not saved" in landed.text


def test_memos_are_in_the_coders_download_and_go_on_erasure(
    app, cohort, lead, add_trainees, fakes, client_for
):
    from lms.core.privacy import erase_user, personal_data

    coded_with_a_memo(app, cohort, lead, add_trainees, fakes, client_for)
    data = personal_data(lead)["evaluation"]
    assert sorted(item["memo"] for item in data) == ["Library: a neutral place.", MEMO]
    erase_user(lead, None)
    db.session.commit()
    rows = db.session.execute(select(Coding.coder_id, Coding.memo)).all()
    assert rows == [(None, ""), (None, "")]


def test_the_memo_migration_keeps_codings_and_their_themes(make_app, app_config, tmp_path):
    """0016: existing codings get an empty memo; a downgrade drops the column and keeps
    every coding's themes (SQLite rebuilds the table, which would cascade to them)."""
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from lms.migrations_support import bind_migrate

    if not app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("builds its own SQLite file at an old revision")
    old = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with old.app_context():
        bind_migrate(old)
        upgrade(revision="0014_consent")
        now = "2026-01-01 00:00:00"
        with db.engine.begin() as sql:
            sql.execute(
                text(
                    "INSERT INTO cohorts (id, slug, name, programme, start_date, "
                    "session_weekday, reflections_shared_by_default, created_at) VALUES "
                    "(1, 'c1', 'c1', 'involving-people', '2025-09-01', 0, 1, :now)"
                ),
                {"now": now},
            )
            sql.execute(
                text(
                    "INSERT INTO evaluation_themes (id, cohort_id, name, definition, example, "
                    "created_at) VALUES (1, 1, 'Silo working', '', '', :now)"
                ),
                {"now": now},
            )
            sql.execute(
                text(
                    'INSERT INTO evaluation_codings (id, cohort_id, source, start, "end", '
                    "digest, created_at) VALUES (1, 1, 'reflections:1:a', 0, 4, 'x', :now)"
                ),
                {"now": now},
            )
            sql.execute(text("INSERT INTO evaluation_coding_themes VALUES (1, 1)"))
        upgrade(revision="0016_coding_memos")
        with db.engine.begin() as sql:
            assert sql.execute(text("SELECT memo FROM evaluation_codings")).scalar() == ""
            sql.execute(text("UPDATE evaluation_codings SET memo = 'A note'"))
        downgrade(revision="0014_consent")
        with db.engine.connect() as sql:
            columns = [row[1] for row in sql.execute(text("PRAGMA table_info(evaluation_codings)"))]
            assert "memo" not in columns
            links = sql.execute(text("SELECT coding_id, theme_id FROM evaluation_coding_themes"))
            assert links.all() == [(1, 1)]
