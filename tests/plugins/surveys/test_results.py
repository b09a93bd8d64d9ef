"""Results and exports for leads: aggregates only, suppression, pseudonyms, downloads."""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from lms.core.models import Cohort
from lms.extensions import db
from lms.plugins.surveys import exports, services
from lms.plugins.surveys.analysis import CSV_HEADER
from lms.plugins.surveys.models import SurveyResponse
from tests.conftest import PASSWORD


@pytest.fixture
def cohort_with_results(make_cohort, make_membership, add_response):
    """Six consenting trainees with pre and post answers, one without consent."""
    cohort = make_cohort()
    people = []
    for index, (pre, post) in enumerate([(2, 4), (3, 4), (3, 3), (2, 3), (1, 3), (4, 5)]):
        member = make_membership(
            cohort, evaluation_consent=True, sector="charity" if index < 4 else "statutory"
        )
        add_response(member, "pre", pre, text="Named colleague Jo Bloggs" if index == 0 else None)
        add_response(member, "post", post)
        people.append(member)
    refused = make_membership(cohort, evaluation_consent=False)
    add_response(refused, "pre", 5)
    add_response(refused, "post", 1)
    lead = make_membership(cohort, role="lead")
    return cohort, people, lead


def test_leads_see_paired_aggregates(cohort_with_results, client_for):
    cohort, people, lead = cohort_with_results
    page = client_for(lead.user).get(f"/cohorts/{cohort.slug}/surveys/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Survey results" in html and "Confidence scale score" in html
    pre, post = np.array([2, 3, 3, 2, 1, 4]), np.array([4, 4, 3, 3, 3, 5])
    assert f"{pre.mean():.2f}" in html and f"{post.mean():.2f}" in html
    assert f"{(post - pre).mean():.2f}" in html
    assert "83%" in html  # 5 of 6 improved; the non-consenting member is not counted
    # Response rates count every trainee: 7 submitted of 7.
    assert "100%" in html
    # Hidden: the 0-10 rating (nobody answered it here) and, in the sector breakdown,
    # statutory (2 people) and so charity too (else total minus charity reveals it).
    assert html.count("Fewer than 5 responses") == 3
    for member in people:
        assert member.user.email not in html and member.user.family_name + "<" not in html
    assert "Jo Bloggs" not in html


def test_trainees_and_tutors_cannot_see_results(cohort_with_results, make_membership, client_for):
    cohort, people, _ = cohort_with_results
    tutor = make_membership(cohort, role="tutor", group="Group A")
    for member in (people[0], tutor):
        client = client_for(member.user)
        for path in ("results", "results.csv", "responses.csv", "responses.xlsx"):
            assert client.get(f"/cohorts/{cohort.slug}/surveys/{path}").status_code == 403


def test_fewer_than_five_pairs_are_suppressed_everywhere(
    make_cohort, make_membership, add_response, client_for
):
    cohort = make_cohort()
    for _ in range(4):
        member = make_membership(cohort, evaluation_consent=True)
        add_response(member, "pre", 2)
        add_response(member, "post", 4)
    lead = make_membership(cohort, role="lead")
    client = client_for(lead.user)
    html = client.get(f"/cohorts/{cohort.slug}/surveys/results").get_data(as_text=True)
    assert "Fewer than 5 responses" in html
    assert "2.00" not in html and "4.00" not in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/cohorts/{cohort.slug}/surveys/results.csv").get_data(as_text=True)
            )
        )
    )
    assert tuple(rows[0]) == CSV_HEADER
    assert all(row[-2] == "true" and set(row[3:-2]) == {""} for row in rows[1:])
    assert all("fewer than 5" in row[-1].lower() for row in rows[1:])  # and says why
    assert [row[2] for row in rows[1:]][-1] == "scale"


def test_results_csv_has_the_figures_and_breakdowns(cohort_with_results, client_for):
    cohort, _, lead = cohort_with_results
    client = client_for(lead.user)
    body = client.get(f"/cohorts/{cohort.slug}/surveys/results.csv").get_data(as_text=True)
    rows = {row["item_id"]: row for row in csv.DictReader(io.StringIO(body))}
    scale = rows["scale"]
    assert scale["group_by"] == "all" and scale["suppressed"] == "false"
    assert int(scale["n_paired"]) == 6
    assert float(scale["mean_change"]) == pytest.approx(7 / 6, abs=1e-4)
    assert rows["overall_rating"]["suppressed"] == "true"  # nobody answered it: n = 0
    by_sector = client.get(f"/cohorts/{cohort.slug}/surveys/results.csv?by=sector").get_data(
        as_text=True
    )
    groups = {
        (r["group_by"], r["group"], r["suppressed"]) for r in csv.DictReader(io.StringIO(by_sector))
    }
    assert groups == {("sector", "charity", "true"), ("sector", "statutory", "true")}
    assert client.get(f"/cohorts/{cohort.slug}/surveys/results.csv?by=email").status_code == 404


def test_response_exports_use_pseudonyms(cohort_with_results, client_for, app):
    cohort, people, lead = cohort_with_results
    client = client_for(lead.user)
    body = client.get(f"/cohorts/{cohort.slug}/surveys/responses.csv")
    assert body.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert len(rows) == 12  # the non-consenting member is left out
    ids = {row["respondent"] for row in rows}
    assert len(ids) == 6
    for member in people:
        assert member.user.email not in body.get_data(as_text=True)
        assert str(member.id) not in {i.removeprefix("P-") for i in ids}
    # Pre and post of one person share one pseudonym.
    by_id = {}
    for row in rows:
        by_id.setdefault(row["respondent"], set()).add(row["wave"])
    assert all(waves == {"pre", "post"} for waves in by_id.values())

    xlsx = client.get(f"/cohorts/{cohort.slug}/surveys/responses.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0][:4] == ["respondent", "instrument", "wave", "submitted_on"]
    assert {row[0] for row in table[1:]} == ids
    # Answers on the scale are numbers a spreadsheet can add up, not text.
    assert all(isinstance(row[4], int) for row in table[1:])


def test_pseudonyms_are_stable_in_a_cohort_and_differ_across_cohorts(
    app, make_cohort, make_membership, add_response
):
    from lms.core import disclosure
    from lms.plugins.evaluation import coding

    cohort, other_cohort = make_cohort(), make_cohort()
    member = make_membership(cohort)
    pre, post = add_response(member, "pre", 3), add_response(member, "post", 4)
    first = services.pseudonym(cohort.id, pre)
    assert first == services.pseudonym(cohort.id, post)
    assert first != services.pseudonym(other_cohort.id, pre)
    # One rule in core, one length; survey answers and coded quotes released separately
    # cannot be joined on the pseudonym.
    assert len(first) == len(coding.pseudonym(cohort.id, member.id)) == 2 + 12
    assert first == disclosure.pseudonym(cohort.id, str(member.id), "surveys")
    assert first != coding.pseudonym(cohort.id, member.id)
    app.config["SECRET_KEY"] = "another-secret"
    assert services.pseudonym(cohort.id, pre) != first


def test_results_load_in_a_fixed_number_of_queries(
    app, make_cohort, make_membership, add_response, client_for
):
    def count_for(size: int) -> int:
        cohort = make_cohort()
        for _ in range(size):
            member = make_membership(cohort, evaluation_consent=True)
            add_response(member, "pre", 2)
            add_response(member, "post", 3)
        client = client_for(make_membership(cohort, role="lead").user)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/cohorts/{cohort.slug}/surveys/results").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_for(5) == count_for(50)


def test_evaluation_tables_give_the_headline_results(app, cohort_with_results):
    cohort, _, _ = cohort_with_results
    from lms.plugins.surveys import lms_evaluation_tables

    [table] = lms_evaluation_tables(cohort)
    assert table["columns"][:2] == ["Measure", "People paired"]
    first = table["rows"][0]
    assert first[0] == "Confidence scale score" and first[1] == 6
    assert round(first[4], 2) == 1.17  # raw numbers: the evaluation formats them
    assert table["formats"]["p (Wilcoxon)"] == "p"


def test_erasure_unlinks_but_keeps_the_aggregates(
    app, cohort_with_results, make_membership, add_response
):
    cohort, people, _ = cohort_with_results
    from lms.plugins.surveys import lms_erase_personal_data, lms_personal_data
    from lms.plugins.surveys.exports import results_rows

    instrument = services.instrument_of(cohort, services.find_wave(cohort, "pre"))
    before = [row.result for row in results_rows(cohort, instrument)]
    mine = lms_personal_data(people[0].user)["surveys"]
    assert [r["wave"] for r in mine] == ["pre", "post"]
    assert mine[0]["answers"]["helps_most"] == "Named colleague Jo Bloggs"

    lms_erase_personal_data(people[0].user)
    db.session.commit()
    assert lms_personal_data(people[0].user) == {"surveys": []}
    kept = db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.anonymous_key.is_not(None))
    ).all()
    assert len(kept) == 2 and {r.membership_id for r in kept} == {None}
    assert kept[0].anonymous_key == kept[1].anonymous_key
    assert all(a.text is None for r in kept for a in r.answers)  # free text deleted
    assert [row.result for row in results_rows(cohort, instrument)] == before

    # Without consent to evaluation use, nothing is kept.
    refused = make_membership(cohort, evaluation_consent=False)
    add_response(refused, "pre", 2)
    lms_erase_personal_data(refused.user)
    db.session.commit()
    assert (
        db.session.scalar(select(SurveyResponse).where(SurveyResponse.membership_id == refused.id))
        is None
    )


def test_demo_data_adds_pre_responses_once(app, make_cohort, make_membership):
    from datetime import timedelta

    from lms.core.schedule import monday_of
    from lms.plugins.surveys import lms_demo_data
    from tests.plugins.surveys.conftest import START

    cohort = make_cohort(breaks=[START + timedelta(weeks=6)])
    app.config["TODAY"] = (monday_of(START) + timedelta(weeks=10, days=2)).isoformat()
    for index in range(18):
        make_membership(cohort, group="Group A" if index % 2 else "Group B")
    lms_demo_data(cohort)
    lms_demo_data(cohort)
    db.session.commit()
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert len(responses) == 16 and {r.wave for r in responses} == {"pre"}
    assert all(r.is_submitted for r in responses)
    values = [a.value for r in responses for a in r.answers if a.item_id == "lead_change"]
    assert all(1 <= v <= 5 for v in values)


def test_the_app_works_with_the_plugin_disabled(make_app, make_cohort, make_membership):
    cohort = make_cohort()
    member = make_membership(cohort)
    other = make_app(DISABLED_PLUGINS=["surveys"])
    assert "surveys.answer" not in other.view_functions
    # The test client pushes `other`'s app context for each request itself.
    client = other.test_client()
    client.post("/sign-in", data={"email": member.user.email, "password": PASSWORD})
    page = client.get("/dashboard")
    assert page.status_code == 200 and "Surveys" not in page.get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.slug}/surveys/pre").status_code == 404


def test_nav_links_trainees_to_surveys_and_leads_to_results(
    make_cohort, make_membership, client_for
):
    cohort = make_cohort()
    trainee_page = client_for(make_membership(cohort).user).get("/dashboard").get_data(as_text=True)
    assert f'href="/cohorts/{cohort.slug}/surveys/"' in trainee_page
    lead_page = client_for(make_membership(cohort, role="lead").user).get("/dashboard")
    assert f'href="/cohorts/{cohort.slug}/surveys/results"' in lead_page.get_data(as_text=True)


def test_the_demo_lead_has_last_years_cohort_with_a_paired_rise(app):
    from lms.core.demo import DEMO_PASSWORD, PAST_SLUG, create_demo

    app.config["TODAY"] = "2026-11-27"
    cohort, _ = create_demo(date(2026, 11, 27))
    db.session.commit()
    lead = next(m for m in cohort.memberships if m.role == "lead")
    past = db.session.scalar(select(Cohort).where(Cohort.slug == PAST_SLUG))
    instrument = services.instrument_of(past, services.find_wave(past, "pre"))
    scale = [r for r in exports.results_rows(past, instrument) if r.item_id == "scale"][0]
    assert not scale.result.suppressed and scale.result.n_paired >= 5
    assert scale.result.ci95_low > 0  # a rise the demo can show, not noise
    browser = app.test_client()
    browser.post("/sign-in", data={"email": lead.user.email, "password": DEMO_PASSWORD})
    page = browser.get(f"/cohorts/{PAST_SLUG}/surveys/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html
    assert f"{scale.result.post_mean:.2f}" in html
    # This year's cohort stays the lead's first: the header still links to it.
    home = browser.get("/dashboard").get_data(as_text=True)
    assert f'href="/cohorts/{cohort.slug}/surveys/results"' in home


def test_answers_typed_as_formulas_download_as_text(
    app, make_cohort, make_membership, client_for, in_week
):
    """Issue 19, item 6: free text a trainee types is never a formula in a download."""
    from tests.plugins.surveys.conftest import full_answers

    app.config["SURVEYS_REQUIRE_CONSENT"] = False  # a deployment's setting, not a field
    cohort = make_cohort()
    trainee = make_membership(cohort)
    lead = make_membership(cohort, role="lead")
    in_week(2)
    formula = '=HYPERLINK("http://evil.example","Click")'
    posted = client_for(trainee.user).post(
        f"/cohorts/{cohort.slug}/surveys/pre",
        data={**full_answers(3), "helps_most": formula, "action": "submit"},
    )
    assert posted.status_code == 302
    client = client_for(lead.user)
    body = client.get(f"/cohorts/{cohort.slug}/surveys/responses.csv")
    assert body.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert row["helps_most"] == "'" + formula
    xlsx = client.get(f"/cohorts/{cohort.slug}/surveys/responses.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert "'" + formula in [cell.value for cell in sheet[2]]


def test_group_labels_in_results_csv_are_never_formulas():
    """Tutor-group and area names label results rows: neutralised like every cell."""
    from types import SimpleNamespace

    from lms.plugins.surveys.analysis import ResultRow

    figures = SimpleNamespace(suppressed=True, **dict.fromkeys(CSV_HEADER[3:-2]))
    row = ResultRow("tutor_group", '=HYPERLINK("http://evil.example")', "lead_change", figures)
    [_, cells] = list(csv.reader(io.StringIO(exports.results_csv([row]))))
    assert cells[:2] == ["tutor_group", '\'=HYPERLINK("http://evil.example")']


def test_the_same_wave_twice_is_named_next_to_the_field_not_page_not_found(
    make_cohort, make_membership, client_for
):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    browser = client_for(lead.user)
    response = browser.get(f"/cohorts/{cohort.slug}/surveys/results?from=post&to=post")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Page not found" not in page
    assert "govuk-error-summary" in page and 'href="#to"' in page
    assert 'id="to-error"' in page and "Choose a different wave to compare to" in page
    download = browser.get(f"/cohorts/{cohort.slug}/surveys/results.csv?from=pre&to=pre")
    assert download.status_code == 400
    assert "Choose a different wave to compare to" in download.get_data(as_text=True)


def test_a_one_week_wave_says_week_35_and_small_submission_counts_are_hidden(
    make_cohort, make_membership, add_response, client_for
):
    cohort = make_cohort()
    lead = make_membership(cohort, role="lead")
    for _ in range(3):
        add_response(make_membership(cohort, evaluation_consent=True), "pre", 3)
    response = client_for(lead.user).get(f"/cohorts/{cohort.slug}/surveys/results")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "(week 35)" in page and "weeks 35 to 35" not in page
    row = page.split("Start of the programme (weeks 1 to 3)</th>", 1)[1].split("</tr>", 1)[0]
    # Three trainees, three who submitted, and their rate: every figure about fewer than 5.
    assert row.count("fewer than 5") == 3 and ">3<" not in row


def test_a_tiny_p_value_reads_less_than_0_001(
    make_cohort, make_membership, add_response, client_for
):
    """Issue 18: p = 0.000002 printed as "0.000"; one function writes p-values now."""
    cohort = make_cohort()
    for index in range(20):
        member = make_membership(cohort, evaluation_consent=True)
        add_response(member, "pre", 1 + index % 2)
        add_response(member, "post", 4 + index % 2)
    lead = make_membership(cohort, role="lead")
    html = (
        client_for(lead.user).get(f"/cohorts/{cohort.slug}/surveys/results").get_data(as_text=True)
    )
    assert "&lt;0.001" in html and ">0.000<" not in html
