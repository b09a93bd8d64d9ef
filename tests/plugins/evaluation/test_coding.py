"""Thematic coding: the codebook, coding passages without JavaScript, consent, masking."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.evaluation.models import Coding, Theme
from tests.plugins.evaluation.test_dashboard import cells

TEXT = (
    "At first the team thought co-production meant a survey.\n"
    "Organisational structures slowed us down, but my manager backed the carers' panel."
)


def theme_id(name: str) -> str:
    return str(db.session.scalar(select(Theme.id).where(Theme.name == name)))


def codings() -> int:
    return db.session.scalar(select(func.count(Coding.id)))


def seed_codebook(app, cohort):
    app.extensions["lms"].hook.lms_demo_data(cohort=cohort)
    db.session.commit()


def test_the_starter_codebook_is_added_once(app, cohort):
    seed_codebook(app, cohort)
    seed_codebook(app, cohort)
    names = set(db.session.scalars(select(Theme.name)))
    assert {
        "Organisational structures",
        "Silo working",
        "Collective leadership",
        "Shared language",
        "Confidence to challenge practice",
        "Equal and reciprocal relationships",
    } <= names
    assert db.session.scalar(select(func.count(Theme.id))) == len(names)
    silo = db.session.scalar(select(Theme).where(Theme.name == "Silo working"))
    assert silo.parent.name == "Organisational structures"


def test_a_tutor_keeps_the_codebook(cohort, make_membership, login_as):
    tutor = make_membership(cohort, "tutor").user
    client = login_as(tutor)
    page = client.post("/cohorts/north-2026/evaluation/codebook", data={"name": "  "})
    assert "Enter a name for the theme" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Theme.id))) == 0
    response = client.post(
        "/cohorts/north-2026/evaluation/codebook",
        data={"name": "Shared language", "definition": "Words we share", "example": "Co-pro"},
    )
    assert response.status_code == 302
    parent = theme_id("Shared language")
    client.post(
        "/cohorts/north-2026/evaluation/codebook", data={"name": "Jargon", "parent": parent}
    )
    html = client.get("/cohorts/north-2026/evaluation/codebook").get_data(as_text=True)
    assert "Shared language" in html and "Sub-theme: Jargon" in html and "Words we share" in html
    again = client.post(
        "/cohorts/north-2026/evaluation/codebook", data={"name": "shared language"}
    ).get_data(as_text=True)
    assert "There is already a theme called shared language here" in again
    assert db.session.scalar(select(func.count(Theme.id))) == 2
    # Tutors code, but the lead's dashboard is not theirs.
    assert client.get("/cohorts/north-2026/evaluation").status_code == 403


def test_coding_a_passage_through_the_form(app, cohort, lead, add_trainees, fakes, login_as):
    seed_codebook(app, cohort)
    reflections, _ = fakes
    (author,) = add_trainees(cohort, 1)
    text = reflections.add_text(author, TEXT)
    client = login_as(lead)
    listing = client.get("/cohorts/north-2026/evaluation/texts").get_data(as_text=True)
    assert "Week 3 reflection: Analysis" in listing
    assert author.user.given_name not in listing
    url = f"/cohorts/north-2026/evaluation/texts/{text.source}"
    page = client.get(url).get_data(as_text=True)
    assert "Organisational structures slowed us down" in page
    assert 'name="excerpt"' in page and 'type="checkbox"' in page
    assert "style=" not in page and "<script>" not in page

    # Pasted with different spacing and line breaks: still found.
    response = client.post(
        url,
        data={
            "excerpt": "Organisational structures\r\n  slowed us down",
            "themes": [theme_id("Organisational structures"), theme_id("Silo working")],
        },
    )
    assert response.status_code == 302
    coding = db.session.scalar(select(Coding))
    assert TEXT[coding.start : coding.end] == "Organisational structures slowed us down"
    assert coding.coder_id == lead.id
    assert sorted(t.name for t in coding.themes) == ["Organisational structures", "Silo working"]
    # Or by position, for a passage given as start and end.
    start = TEXT.index("my manager")
    client.post(
        url,
        data={
            "start": start,
            "end": start + len("my manager backed"),
            "themes": [theme_id("Collective leadership")],
        },
    )
    page = client.get(url).get_data(as_text=True)
    assert "“Organisational structures slowed us down”" in page
    assert "“my manager backed”" in page
    assert "Organisational structures › Silo working" in page
    assert codings() == 2


def test_bad_passages_are_refused_with_errors_next_to_the_field(
    app, cohort, lead, add_trainees, fakes, login_as
):
    seed_codebook(app, cohort)
    (author,) = add_trainees(cohort, 1)
    text = fakes[0].add_text(author, TEXT)
    client = login_as(lead)
    url = f"/cohorts/north-2026/evaluation/texts/{text.source}"
    theme = theme_id("Shared language")

    html = client.post(url, data={"excerpt": "words nobody wrote", "themes": [theme]})
    html = html.get_data(as_text=True)
    assert html.count("The passage must be copied exactly from the text") == 2  # summary + field
    assert 'href="#excerpt"' in html
    html = client.post(url, data={"excerpt": "a survey"}).get_data(as_text=True)
    assert "Choose at least one theme" in html
    assert "words nobody wrote" not in html or "Error:" in html
    html = client.post(url, data={"themes": [theme]}).get_data(as_text=True)
    assert "Enter the passage you want to code" in html
    html = client.post(url, data={"start": 5, "end": 9999, "themes": [theme]}).get_data(
        as_text=True
    )
    assert "The start and end must mark a passage of the text" in html
    html = client.post(url, data={"excerpt": "a survey", "themes": ["99999"]}).get_data(
        as_text=True
    )
    assert "Choose at least one theme" in html
    assert codings() == 0
    # A source that is not codable (or never existed) is not found.
    assert client.get("/cohorts/north-2026/evaluation/texts/reflections:999:x").status_code == 404
    assert (
        client.post(
            "/cohorts/north-2026/evaluation/texts/reflections:999:x",
            data={"excerpt": "a survey", "themes": [theme]},
        ).status_code
        == 404
    )


def code_five_people(app, cohort, lead, add_trainees, fakes, client):
    seed_codebook(app, cohort)
    authors = add_trainees(cohort, 5)
    for number, author in enumerate(authors):
        text = fakes[0].add_text(
            author, f"Person {number}: silo working between teams held back our initiative."
        )
        client.post(
            f"/cohorts/north-2026/evaluation/texts/{text.source}",
            data={"excerpt": "silo working between teams", "themes": [theme_id("Silo working")]},
        )
    assert codings() == 5
    return authors


def test_withdrawn_consent_removes_codings_everywhere(
    app, cohort, lead, add_trainees, fakes, login_as
):
    client = login_as(lead)
    authors = code_five_people(app, cohort, lead, add_trainees, fakes, client)
    themes = client.get("/cohorts/north-2026/evaluation/themes").get_data(as_text=True)
    assert cells(themes, "Organisational structures › Silo working") == ["5", "5"]
    assert cells(themes, "Organisational structures") == ["5", "5"]
    assert "Person 0: silo working" not in themes  # only the coded words are quoted
    assert "“silo working between teams”" in themes

    fakes[0].withdraw(authors[0])
    themes = client.get("/cohorts/north-2026/evaluation/themes").get_data(as_text=True)
    assert cells(themes, "Organisational structures › Silo working") == [
        "fewer than 5",
        "fewer than 5",
    ]
    dashboard = client.get("/cohorts/north-2026/evaluation").get_data(as_text=True)
    assert cells(dashboard, "Organisational structures") == ["fewer than 5", "fewer than 5"]
    withdrawn_source = f"reflections:{authors[0].id}3:analysis"
    csv = client.get("/cohorts/north-2026/evaluation/coded-excerpts.csv").get_data(as_text=True)
    assert csv.count("silo working between teams") == 4
    listing = client.get("/cohorts/north-2026/evaluation/texts").get_data(as_text=True)
    assert withdrawn_source not in listing
    assert client.get(f"/cohorts/north-2026/evaluation/texts/{withdrawn_source}").status_code == 404
    # The coding row stays (consent may be given again) but is counted nowhere.
    assert codings() == 5


def test_a_changed_text_drops_its_codings(app, cohort, lead, add_trainees, fakes, login_as):
    client = login_as(lead)
    authors = code_five_people(app, cohort, lead, add_trainees, fakes, client)
    fakes[0].withdraw(authors[1])
    fakes[0].add_text(authors[1], "Rewritten: nothing about teams here at all, none whatsoever.")
    csv = client.get("/cohorts/north-2026/evaluation/coded-excerpts.csv").get_data(as_text=True)
    assert csv.count("silo working between teams") == 4


def test_quotes_are_masked_and_attributed_by_pseudonym(
    app, cohort, lead, add_trainees, fakes, login_as, make_membership, make_user
):
    seed_codebook(app, cohort)
    colleague = make_membership(
        cohort,
        "tutor",
        user=make_user("siobhan@example.org", given_name="Siobhan", family_name="Quigley"),
    )
    (author,) = add_trainees(cohort, 1)
    words = (
        f"I am {author.user.given_name}; Siobhan Quigley and siobhan@example.org helped, "
        "and so did quigley's team."
    )
    text = fakes[0].add_text(author, words)
    client = login_as(lead)
    client.post(
        f"/cohorts/north-2026/evaluation/texts/{text.source}",
        data={"excerpt": words, "themes": [theme_id("Collective leadership")]},
    )
    csv = client.get("/cohorts/north-2026/evaluation/coded-excerpts.csv").get_data(as_text=True)
    assert "I am [name]; [name] and [email] helped, and so did [name]'s team." in csv
    for secret in ("Siobhan", "Quigley", "siobhan@", author.user.given_name, author.user.email):
        assert secret not in csv
    assert "P-" in csv
    assert colleague.user.full_name not in client.get(
        "/cohorts/north-2026/evaluation/themes"
    ).get_data(as_text=True)


def test_coders_may_remove_only_their_own_codings(
    app, cohort, lead, add_trainees, fakes, login_as, make_membership
):
    client = login_as(lead)
    code_five_people(app, cohort, lead, add_trainees, fakes, client)
    coding = db.session.scalar(select(Coding))
    tutor = make_membership(cohort, "tutor").user
    login_as(tutor)
    url = f"/cohorts/north-2026/evaluation/codings/{coding.id}/delete"
    assert client.post(url, data={}).status_code == 404
    login_as(lead)
    assert client.post(url, data={"source": coding.source}).status_code == 302
    assert codings() == 4


def test_agreement_between_two_coders(
    app, cohort, lead, add_trainees, fakes, login_as, make_membership
):
    client = login_as(lead)
    code_five_people(app, cohort, lead, add_trainees, fakes, client)
    tutor = make_membership(cohort, "tutor").user
    login_as(tutor)
    for text in fakes[0].texts:
        client.post(
            f"/cohorts/north-2026/evaluation/texts/{text.source}",
            data={"excerpt": "silo working", "themes": [theme_id("Silo working")]},
        )
    html = client.get("/cohorts/north-2026/evaluation/themes").get_data(as_text=True)
    assert "Agreement between coders" in html
    # Two different passages of each text (the tutor's is shorter), by the same 5 people.
    assert cells(html, "Organisational structures › Silo working")[:2] == ["10", "5"]
    agreement = html[html.index("Agreement between coders") :]
    assert cells(agreement, "Organisational structures › Silo working") == [
        "5",
        "5",
        "100.0",
        "too few texts",
        "too few texts",
    ]


def test_personal_data_and_erasure_of_a_coder(app, cohort, lead, add_trainees, fakes, login_as):
    from lms.core.privacy import erase_user, personal_data

    client = login_as(lead)
    code_five_people(app, cohort, lead, add_trainees, fakes, client)
    data = personal_data(lead)["evaluation"]
    assert len(data) == 5 and data[0]["cohort"] == "north-2026"
    assert data[0]["themes"] == ["Silo working"]
    assert "silo working between" not in str(data)  # others' words are not the coder's data
    erase_user(lead, None)
    db.session.commit()
    assert db.session.scalar(select(func.count(Coding.id)).where(Coding.coder_id.is_(None))) == 5
