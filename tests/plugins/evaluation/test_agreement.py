"""Agreement between coders: Cohen's kappa and Krippendorff's alpha, checked against
published worked examples, and shown on the themes page with what they mean."""

from __future__ import annotations

import html as markup

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.plugins.evaluation.agreement import cohen_kappa, krippendorff_alpha
from lms.plugins.evaluation.models import Theme
from tests.plugins.evaluation.test_coding import seed_codebook, theme_id
from tests.plugins.evaluation.test_dashboard import cells

THEMES = "/cohorts/north-2026/evaluation/themes"
SILO = "Organisational structures › Silo working"


def test_krippendorffs_own_worked_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    observers, twelve units, values missing; nominal alpha = 0.743."""
    n = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert round(krippendorff_alpha(data), 3) == 0.743


def test_cohens_kappa_worked_example():
    """Wikipedia, "Cohen's kappa": 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: 0.4."""
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_undefined_agreement_is_none_not_an_error():
    assert cohen_kappa([], []) is None
    assert cohen_kappa([1, 1, 1], [1, 1, 1]) is None  # chance alone predicts it all
    assert krippendorff_alpha([[1, 0, None], [None, None, 1]]) is None  # nothing pairable
    assert krippendorff_alpha([[0, 0], [0, 0]]) is None  # no variation
    with pytest.raises(ValueError):
        cohen_kappa([1], [1, 0])


def code(client, text, theme: str) -> None:
    response = client.post(
        f"/cohorts/north-2026/evaluation/texts/{text.source}",
        data={"excerpt": "silo working between teams", "themes": [theme_id(theme)]},
    )
    assert response.status_code == 302


def ten_texts_coded_twice(app, cohort, lead, add_trainees, fakes, client_for, make_membership):
    """Lead: Silo working in texts 0-5, Shared language in 6-9. Tutor: Silo working in
    0-3 and 6, Shared language in 4, 5, 7, 8, 9. Silo working: 4 yes/yes, 2 lead only, 1
    tutor only, 3 no/no; Shared language: 3, 1, 2 and 4. Each has 7 of 10 alike and
    chance agreement 0.5: kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4."""
    seed_codebook(app, cohort)
    texts = [
        fakes[0].add_text(author, f"Text {n}: silo working between teams held us back.")
        for n, author in enumerate(add_trainees(cohort, 10))
    ]
    tutor = make_membership(cohort, "tutor").user
    as_lead, as_tutor = client_for(lead), client_for(tutor)
    for n, text in enumerate(texts):
        code(as_lead, text, "Silo working" if n <= 5 else "Shared language")
        code(as_tutor, text, "Silo working" if n in (0, 1, 2, 3, 6) else "Shared language")
    return as_lead, as_tutor


def test_kappa_and_alpha_on_the_themes_page(
    app, cohort, lead, add_trainees, fakes, client_for, make_membership
):
    as_lead, _ = ten_texts_coded_twice(
        app, cohort, lead, add_trainees, fakes, client_for, make_membership
    )
    response = as_lead.get(THEMES)
    assert response.status_code == 200
    page = markup.unescape(response.get_data(as_text=True))
    agreement = page[page.index("Agreement between coders") :]
    assert "Cohen's kappa" in agreement and "Krippendorff's alpha" in agreement
    # 7 texts where anyone used Silo working, 4 where both did. Alpha for two coders
    # and 20 answers (11 yes, 9 no), 3 texts apart: 1 - 19 * 6 / (2 * 11 * 9) = 0.42.
    assert cells(agreement, SILO) == ["7", "4", "fewer than 5", "0.40", "0.42"]
    assert cells(agreement, "Organisational structures") == [
        "7",
        "4",
        "fewer than 5",
        "0.40",
        "0.42",
    ]
    assert cells(agreement, "Shared language") == ["6", "3", "fewer than 5", "0.40", "0.42"]
    # Overall, every theme and sub-theme as chosen: 6 texts apart out of themes x 10.
    themes = db.session.scalar(select(func.count(Theme.id)))
    values, yes = 2 * 10 * themes, 20
    overall = 1 - (values - 1) * 12 / (2 * (values - yes) * yes)
    assert (
        f"Krippendorff's alpha over every theme and sub-theme: {round(overall, 2)}, from 10 "
        "texts coded by two or more of 2 coders." in agreement
    )
    assert "1 is full agreement, 0 is no better than chance" in agreement
    # The lead's dashboard shows the same table.
    dashboard = markup.unescape(as_lead.get("/cohorts/north-2026/evaluation").get_data(True))
    assert cells(dashboard[dashboard.index("Agreement between coders") :], SILO)[3:] == [
        "0.40",
        "0.42",
    ]


def test_agreement_is_not_worked_out_from_one_coder_or_few_texts(
    app, cohort, lead, add_trainees, fakes, client_for, make_membership
):
    seed_codebook(app, cohort)
    texts = [
        fakes[0].add_text(author, f"Text {n}: silo working between teams held us back.")
        for n, author in enumerate(add_trainees(cohort, 6))
    ]
    as_lead = client_for(lead)
    for text in texts:
        code(as_lead, text, "Silo working")
    response = as_lead.get(THEMES)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not worked out yet: no text has been coded by two or more coders." in page
    assert "Nothing to show yet." in page[page.index("Agreement between coders") :]

    as_tutor = client_for(make_membership(cohort, "tutor").user)
    for text in texts:
        code(as_tutor, text, "Silo working")
    page = markup.unescape(as_lead.get(THEMES).get_data(as_text=True))
    agreement = page[page.index("Agreement between coders") :]
    assert cells(agreement, SILO) == ["6", "6", "100.0", "too few texts", "too few texts"]
    assert "Not worked out yet: 6 texts have been coded by two or more coders" in agreement


def test_a_theme_from_few_peoples_texts_shows_no_agreement_figures(
    app, cohort, lead, add_trainees, fakes, client_for, make_membership
):
    as_lead, as_tutor = ten_texts_coded_twice(
        app, cohort, lead, add_trainees, fakes, client_for, make_membership
    )
    # Two more texts, both coders use Collective leadership: 2 people's texts only.
    for n, author in enumerate(add_trainees(cohort, 2)):
        text = fakes[0].add_text(author, f"Extra {n}: silo working between teams again.")
        code(as_lead, text, "Collective leadership")
        code(as_tutor, text, "Collective leadership")
    response = as_lead.get(THEMES)
    assert response.status_code == 200
    agreement = markup.unescape(response.get_data(as_text=True))
    agreement = agreement[agreement.index("Agreement between coders") :]
    assert cells(agreement, "Collective leadership") == [
        "fewer than 5",
        "fewer than 5",
        "not shown",
        "not shown",
        "not shown",
    ]
    assert cells(agreement, SILO)[0] == "7"
    assert "from 12 texts coded by two or more of 2 coders" in agreement
