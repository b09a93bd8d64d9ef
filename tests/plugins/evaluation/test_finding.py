"""Finding texts to code: search and filters in the query string (no JavaScript), pages
that keep the filters, and the next text the coder has not coded."""

from __future__ import annotations

import html as markup
import re

from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.extensions import db
from tests.plugins.evaluation.test_coding import seed_codebook, theme_id

TEXTS = "/cohorts/north-2026/evaluation/texts"


def listed(response) -> list[str]:
    """The texts listed, as the links' sources, in order."""
    assert response.status_code == 200
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
        r'href="/cohorts/north-2026/evaluation/texts/([^"?]+)[^"]*">',
        response.text,
    )


def code(client, text, theme="Shared language", **extra):
    return client.post(
        f"{TEXTS}/{text.source}",
        data={"excerpt": text.text.split()[0], "themes": [theme_id(theme)], **extra},
    )


def texts_of_three_sectors(app, cohort, add_trainees, fakes):
    seed_codebook(app, cohort)
    statutory, voluntary, charity = (
        add_trainees(cohort, 1, sector=sector)[0]
        for sector in ("statutory", "voluntary", "charity")
    )
    add = fakes[0].add_text
    return [
        add(statutory, "Carers joined the panel in week one.", week=1),
        add(voluntary, "Silo working kept us apart.", week=2, prompt="Feelings"),
        add(charity, "The carers' forum chose the agenda.", week=3),
        add(statutory, "Budgets were the barrier this time.", week=3, prompt="Feelings"),
    ]


def test_texts_are_searched_and_filtered_from_the_query_string(
    app, cohort, lead, add_trainees, fakes, client_for
):
    texts = texts_of_three_sectors(app, cohort, add_trainees, fakes)
    sources = [t.source for t in texts]
    client = client_for(lead)
    page = client.get(TEXTS)
    assert listed(page) == sources
    assert '<form method="get"' in page.text and 'name="q"' in page.text
    assert '<option value="Reflection: Feelings">Reflection: Feelings</option>' in page.text

    assert listed(client.get(f"{TEXTS}?q=CARERS")) == [sources[0], sources[2]]
    assert listed(client.get(f"{TEXTS}?q=carers+agenda")) == [sources[2]]
    assert listed(client.get(f"{TEXTS}?week=3")) == [sources[2], sources[3]]
    assert listed(client.get(f"{TEXTS}?prompt=Reflection:+Feelings")) == [sources[1], sources[3]]
    assert listed(client.get(f"{TEXTS}?sector=statutory")) == [sources[0], sources[3]]
    assert listed(client.get(f"{TEXTS}?sector=statutory&week=3")) == [sources[3]]
    filtered = client.get(f"{TEXTS}?q=nobody+wrote+this")
    assert filtered.status_code == 200 and "No texts match these filters." in filtered.text
    assert "Clear filters" in filtered.text
    # Values that name nothing are left out, never an error.
    assert listed(client.get(f"{TEXTS}?week=x&sector=army&status=maybe")) == sources
    # The filters shown are the filters used.
    page = client.get(f"{TEXTS}?week=3&sector=charity").text
    assert '<option value="3" selected>Week 3</option>' in page
    assert '<option value="charity" selected>Charity</option>' in page
    # The audit log says which filters, not the words searched for.
    client.get(f"{TEXTS}?q=carers&week=1")
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert '"searched": true' in event.details and '"week": 1' in event.details
    assert "carers" not in event.details


def test_texts_are_filtered_by_who_coded_them(
    app, cohort, lead, add_trainees, fakes, client_for, make_membership
):
    texts = texts_of_three_sectors(app, cohort, add_trainees, fakes)
    sources = [t.source for t in texts]
    as_lead = client_for(lead)
    as_tutor = client_for(make_membership(cohort, "tutor").user)
    assert code(as_lead, texts[0]).status_code == 302
    assert code(as_tutor, texts[1]).status_code == 302

    assert listed(as_lead.get(f"{TEXTS}?status=mine")) == [sources[0]]
    assert listed(as_lead.get(f"{TEXTS}?status=not-mine")) == sources[1:]
    assert listed(as_lead.get(f"{TEXTS}?status=coded")) == sources[:2]
    assert listed(as_lead.get(f"{TEXTS}?status=uncoded")) == sources[2:]
    assert listed(as_tutor.get(f"{TEXTS}?status=mine")) == [sources[1]]
    row = as_lead.get(TEXTS).text
    row = row[row.index(sources[0]) : row.index("</tr>", row.index(sources[0]))]
    assert re.findall(r"<td[^>]*>(.*?)</td>", row)[-2:] == ["1", "Yes"]


def test_pages_keep_the_filters(app, cohort, lead, add_trainees, fakes, client_for):
    seed_codebook(app, cohort)
    (author,) = add_trainees(cohort, 1)
    for week in range(1, 36):
        for part in ("a", "b"):
            fakes[0].add_text(author, f"Week {week} text {part} about carers.", week, part)
    fakes[0].add_text(author, "Nothing to find here.", 36, "c")
    client = client_for(lead)
    first = client.get(f"{TEXTS}?q=carers")
    assert len(listed(first)) == 50
    assert "70 texts match the filters, page 1 of 2" in first.text
    following = markup.unescape(re.search(r'href="([^"]+)" rel="next"', first.text)[1])
    assert following == f"{TEXTS}?page=2&q=carers"
    second = client.get(following)
    assert len(listed(second)) == 20 and "page 2 of 2" in second.text
    # A page past the last shows the last.
    assert len(listed(client.get(f"{TEXTS}?q=carers&page=99"))) == 20


def test_next_uncoded_text_follows_the_filters(app, cohort, lead, add_trainees, fakes, client_for):
    texts = texts_of_three_sectors(app, cohort, add_trainees, fakes)
    client = client_for(lead)
    # From the list to the first text, and from a text to the next.
    first = client.get("/cohorts/north-2026/evaluation/texts/next")
    assert first.headers["Location"] == f"{TEXTS}/{texts[0].source}"
    page = client.get(f"{TEXTS}/{texts[0].source}?q=carers")
    assert page.status_code == 200
    link = markup.unescape(re.search(r'href="([^"]+)">Next uncoded text</a>', page.text)[1])
    assert link == f"{TEXTS}/next?after={texts[0].source}&q=carers"
    assert client.get(link).headers["Location"] == f"{TEXTS}/{texts[2].source}?q=carers"

    # Saving a coding goes to the next text matching the filters that I have not coded.
    saved = code(client, texts[0], "Shared language")
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"{TEXTS}/next?after={texts[0].source}"
    assert client.get(saved.headers["Location"]).headers["Location"] == (
        f"{TEXTS}/{texts[1].source}"
    )
    response = client.post(
        f"{TEXTS}/{texts[2].source}?q=carers",
        data={"excerpt": "carers", "themes": [theme_id("Shared language")]},
    )
    following = client.get(response.headers["Location"])
    assert following.headers["Location"] == f"{TEXTS}?q=carers"  # both carers texts coded
    listing = client.get(following.headers["Location"])
    assert "There are no more texts matching your filters that you have not coded." in (
        listing.text
    )
    # "Stay on this text" stays.
    stayed = code(client, texts[1], stay="Code passage and stay on this text")
    assert stayed.headers["Location"] == f"{TEXTS}/{texts[1].source}"


def test_a_tutor_finds_only_texts_they_may_read(
    app, cohort, lead, add_trainees, fakes, client_for, make_membership
):
    texts = texts_of_three_sectors(app, cohort, add_trainees, fakes)
    tutor = make_membership(cohort, "tutor")
    other = make_membership(cohort, "tutor")
    for text in texts[1:]:
        fakes[0].readers[text.source] = {other.id}
    client = client_for(tutor.user)
    assert listed(client.get(f"{TEXTS}?q=carers")) == [texts[0].source]
    assert listed(client.get(TEXTS)) == [texts[0].source]
    code(client, texts[0])
    after = client.get(f"{TEXTS}/next?after={texts[0].source}")
    assert after.headers["Location"] == TEXTS  # none left that this tutor may read
    hidden = client.get(f"{TEXTS}/{texts[2].source}")
    assert hidden.status_code == 404 and "forum" not in hidden.text
