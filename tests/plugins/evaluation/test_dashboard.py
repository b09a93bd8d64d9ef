"""The lead's dashboard: figures, charts, suppression, access and query counts."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import event, select

from lms.core.models import Cohort
from lms.extensions import db
from lms.plugins.evaluation.models import Theme


def cells(html: str, header: str) -> list[str]:
    """The cells of the table row whose header cell is `header`."""
    match = re.search(
        r'<th scope="row" class="govuk-table__header">' + re.escape(header) + r"</th>(.*?)</tr>",
        html,
        re.S,
    )
    assert match, f"no row {header!r}"
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    following = html.find('<h2 class="govuk-heading-m" id=', start + 1)
    return html[start : following if following != -1 else len(html)]


def known_cohort(cohort, add_trainees, fakes):
    """12 trainees: 7 statutory (2 withdrew) and 5 voluntary; 5 with lived experience.
    Week 6: 6 of the 10 active trainees submitted; every earlier week all did."""
    statutory = add_trainees(cohort, 7, sector="statutory", area="Belfast")
    voluntary = add_trainees(cohort, 5, sector="voluntary", area="Derry")
    for member in statutory[:5]:
        member.lived_experience = True
    for member in statutory[-2:]:
        member.withdrawn_at = datetime(2026, 9, 20)
    db.session.commit()
    reflections, _ = fakes
    late = {m.id for m in voluntary[:4]}
    reflections.status = lambda mid, week: "to do" if week == 6 and mid in late else "submitted"
    return statutory, voluntary


def test_the_lead_sees_participation_engagement_and_confidence(
    cohort, lead, add_trainees, fakes, login_as
):
    known_cohort(cohort, add_trainees, fakes)
    client = login_as(lead)
    html = client.get("/cohorts/north-2026/evaluation").get_data(as_text=True)

    assert '<h1 class="govuk-heading-l">Evaluation</h1>' in html
    participation = section(html, "participation")
    assert cells(participation, "Enrolled") == ["12"]
    # 2 withdrew: hidden, and so is the count it could be worked out from.
    assert cells(participation, "Withdrew") == ["fewer than 5"]
    assert cells(participation, "Still taking part") == ["not shown"]
    assert cells(participation, "Statutory") == ["7", "fewer than 5"]
    assert cells(participation, "Voluntary") == ["5", "fewer than 5"]
    assert cells(participation, "Belfast") == ["7"]
    assert cells(participation, "Yes") == ["5"]
    assert cells(participation, "No") == ["7"]

    engagement = section(html, "engagement")
    assert cells(engagement, "1")[:4] == ["10", "10", "100.0"] + cells(engagement, "1")[3:4]
    # 6 of 10: the 4 who did not submit would show through the count and the rate.
    assert cells(engagement, "6")[:3] == ["10", "not shown", "not shown"]
    assert "Reflections: status of each trainee, week by week" in engagement

    confidence = section(html, "confidence")
    assert cells(confidence, "Confidence scale score") == ["9", "3.1", "4.2"]
    # The evaluation's safety net hides a count of 3 the plugin left visible.
    assert cells(confidence, "I can challenge practice")[0] == "fewer than 5"
    # The plugin's notes are said once, in the method section, not under each table.
    assert "Counts of 1 to 4 are shown as" not in confidence
    method = section(html, "method")
    assert method.count("Counts of 1 to 4 are shown as") == 1
    assert "There are no change initiative figures yet." not in html
    assert "The initiatives plugin is turned off" in html
    assert (
        "The reflection submission rate of week 6, the latest week taught, is not shown "
        "because it would let the few trainees who did not submit be counted." in html
    )
    # Charts are images with a text alternative; no inline styles anywhere on the page.
    assert 'src="/cohorts/north-2026/evaluation/charts/surveys-confidence-change.svg"' in html
    assert 'alt="Slope chart of confidence scale: change' in html
    assert 'alt="Heatmap of 10 trainees' in html
    assert "style=" not in html
    assert "<script>" not in html


def test_charts_are_deterministic_svg(cohort, lead, add_trainees, fakes, login_as):
    known_cohort(cohort, add_trainees, fakes)
    client = login_as(lead)
    for key in (
        "participation-sector",
        "engagement-rates",
        "engagement-heatmap",
        "surveys-confidence-change",
    ):
        url = f"/cohorts/north-2026/evaluation/charts/{key}.svg"
        first, second = client.get(url), client.get(url)
        assert first.status_code == 200, key
        assert first.mimetype == "image/svg+xml"
        assert first.data.lstrip().startswith(b"<?xml") and b"<svg" in first.data
        assert first.data == second.data
    assert client.get("/cohorts/north-2026/evaluation/charts/nothing.svg").status_code == 404
    # A table without a chart has no chart.
    assert (
        client.get("/cohorts/north-2026/evaluation/charts/participation-area.svg").status_code
        == 404
    )


def test_a_cohort_of_three_shows_no_figure_from_fewer_than_five(
    cohort, lead, add_trainees, fakes, login_as
):
    add_trainees(cohort, 3, sector="charity", area="Antrim", lived_experience=True)
    html = login_as(lead).get("/cohorts/north-2026/evaluation").get_data(as_text=True)
    participation = section(html, "participation")
    assert cells(participation, "Enrolled") == ["fewer than 5"]
    # Not even the zeros of enrolment: with a total below 5 they would give the others
    # away. Nobody withdrew, and a table of zeros says only that.
    assert cells(participation, "Charity") == ["fewer than 5", "0"]
    assert cells(participation, "Statutory") == ["fewer than 5", "0"]
    assert cells(participation, "Antrim") == ["fewer than 5"]
    engagement = section(html, "engagement")
    assert cells(engagement, "6")[:3] == ["fewer than 5", "fewer than 5", "fewer than 5"]
    assert "The chart of each trainee is not shown: fewer than 5 trainees." in engagement
    assert "Heatmap of" not in html
    for figure in re.findall(r'<td class="govuk-table__cell">(\d+)</td>', participation):
        assert figure == "0" or int(figure) >= 5


def test_an_empty_cohort_before_its_start_still_renders(make_cohort, make_membership, login_as):
    from datetime import date

    cohort = make_cohort(slug="later", start=date(2027, 1, 4))
    lead = make_membership(cohort, "lead").user
    html = login_as(lead).get("/cohorts/later/evaluation").get_data(as_text=True)
    assert "The cohort has not started yet." in html
    assert "The surveys plugin is turned off, so there are no confidence survey figures." in html
    assert "The codebook has no themes yet" in html
    assert cells(section(html, "participation"), "Enrolled") == ["0"]


def test_only_the_cohorts_lead_may_see_it(
    cohort, lead, make_cohort, make_membership, login_as, client
):
    trainee = make_membership(cohort, "trainee").user
    tutor = make_membership(cohort, "tutor").user
    other_lead = make_membership(make_cohort(slug="south"), "lead").user
    assert client.get("/cohorts/north-2026/evaluation").status_code == 302  # sign in first
    for user in (trainee, tutor, other_lead):
        login_as(user)
        for url in (
            "/cohorts/north-2026/evaluation",
            "/cohorts/north-2026/evaluation/charts/participation-sector.svg",
            "/cohorts/north-2026/evaluation/report.docx",
            "/cohorts/north-2026/evaluation/report",
            "/cohorts/north-2026/evaluation/coded-excerpts.csv",
        ):
            response = client.get(url)
            assert response.status_code == 403, (user.email, url)
            assert b"North 2026" not in response.data
    login_as(lead)
    assert client.get("/cohorts/no-such-cohort/evaluation").status_code == 404


def test_the_lead_has_an_evaluation_link(cohort, lead, login_as):
    html = login_as(lead).get("/dashboard").get_data(as_text=True)
    assert 'href="/cohorts/north-2026/evaluation"' in html
    assert re.search(r'north-2026/evaluation"[^>]*>\s*Evaluation\s*<', html)


def count_queries(client, url) -> int:
    statements = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert response.status_code == 200
    return len(statements)


def test_the_dashboard_runs_a_fixed_number_of_queries(
    make_cohort, make_membership, add_trainees, fakes, login_as
):
    from datetime import date

    lead = None
    counts = []
    for slug, size in (("small", 5), ("large", 50)):
        cohort = make_cohort(slug=slug, start=date(2026, 9, 7))
        lead = make_membership(cohort, "lead", user=lead.user if lead else None)
        members = add_trainees(cohort, size, sector="voluntary", area=f"Area {size}")
        reflections, _ = fakes
        for member in members[:5]:
            reflections.add_text(member, f"Silo working held us back in {slug}.")
    client = login_as(lead.user)
    client.post("/cohorts/small/evaluation/codebook", data={"name": "Silo working"})
    # Each cohort keeps its own codebook: the lead copies this one on purpose.
    client.post("/cohorts/large/evaluation/codebook/copy", data={"source": "small"})
    for slug in ("small", "large"):
        theme = db.session.scalar(
            select(Theme.id).join(Cohort, Cohort.id == Theme.cohort_id).where(Cohort.slug == slug)
        )
        for text in [t for t in fakes[0].texts if slug in t.text]:
            client.post(
                f"/cohorts/{slug}/evaluation/texts/{text.source}",
                data={"excerpt": "Silo working", "themes": [str(theme)]},
            )
    client.get("/cohorts/small/evaluation")  # warm up (templates, first-use queries)
    counts = [count_queries(client, f"/cohorts/{slug}/evaluation") for slug in ("small", "large")]
    assert counts[0] == counts[1]
    html = client.get("/cohorts/large/evaluation").get_data(as_text=True)
    assert cells(section(html, "themes"), "Silo working") == ["5", "5"]
