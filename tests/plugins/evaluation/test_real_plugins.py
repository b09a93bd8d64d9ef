"""The evaluation with the real reflections, initiatives and surveys plugins on the demo
cohort: every section has figures and charts, and no reflection text leaks into them."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.core.demo import DEMO_PASSWORD, create_demo
from lms.core.models import Membership
from lms.extensions import db
from tests.plugins.evaluation.conftest import TODAY


@pytest.fixture
def app_config(app_config):
    # This module alone runs with the real plugins the other evaluation tests fake.
    return {**app_config, "DISABLED_PLUGINS": []}


@pytest.fixture
def demo(app):
    cohort, _ = create_demo(today=date.fromisoformat(TODAY))
    db.session.commit()
    lead = db.session.scalar(
        select(Membership).where(Membership.cohort_id == cohort.id, Membership.role == "lead")
    )
    return cohort, lead.user


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    following = html.find('<h2 class="govuk-heading-m" id=', start + 1)
    return html[start : following if following != -1 else len(html)]


def test_the_dashboard_shows_every_plugins_figures_and_charts(app, demo, login_as):
    from lms.plugins.reflections.models import Version

    cohort, lead = demo
    client = login_as(lead, password=DEMO_PASSWORD)
    page = client.get(f"/cohorts/{cohort.slug}/evaluation")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # The plugin's stylesheet is linked from <head> (base.html's `head` block).
    assert html.index("/evaluation.css") < html.index("</head>")

    engagement = section(html, "engagement")
    assert "Reflections submitted and reviewed per course week" in engagement
    assert "Reflections: weekly submission rate" in engagement
    initiatives = section(html, "initiatives")
    for title in (
        "Change initiatives: status now",
        "Mean rung on Arnstein&#39;s ladder: baseline to latest update",
        "SCIE whole-system jigsaw",
    ):
        assert title in initiatives, title
    # Figures, not only headings: the demo's 12 consenting trainees give shown means.
    mean_row = re.search(r"Mean rung</th>(.*?)</tr>", initiatives, re.S).group(1)
    assert len(re.findall(r">\s*[1-8]\.\d\s*<", mean_row)) == 2
    confidence = section(html, "confidence")
    assert "change from the start to the end (paired)" in confidence
    assert "turned off" not in html

    charts = set(re.findall(r'src="(/cohorts/[^"]+/evaluation/charts/[^"]+\.svg)"', html))
    keys = {url.rsplit("/", 1)[1] for url in charts}
    for key in (
        "reflections-weekly.svg",
        "initiatives-rag.svg",
        "initiatives-mean-rung.svg",
    ):
        assert key in keys, key
    # Every paired figure is suppressed on this date: no empty axes, a sentence instead.
    assert "surveys-confidence-change.svg" not in keys
    assert "There is no chart: none of its figures can be drawn yet" in confidence
    assert "No passages have been coded for themes yet." in html
    assert "themes-frequency.svg" not in html
    for url in charts:
        response = client.get(url)
        assert response.status_code == 200 and b"<svg" in response.data, url

    # Free text reaches the evaluation only through coding, never a dashboard table.
    answers = [
        text
        for (answers_json,) in db.session.execute(select(Version.answers_json))
        for text in json.loads(answers_json).values()
        if len(text) > 20
    ]
    assert answers, "the demo has reflections"
    for text in answers:
        assert text not in html


def test_the_codable_texts_come_from_all_three_plugins(app, demo):
    cohort, _ = demo
    texts = [
        text
        for result in app.extensions["lms"].hook.lms_codable_texts(
            cohort=cohort, sources=None, reader=None
        )
        for text in result
    ]
    kinds = {text.kind for text in texts}
    assert {"reflection", "survey"} <= kinds
    consenting = set(
        db.session.scalars(
            select(Membership.id).where(
                Membership.cohort_id == cohort.id, Membership.evaluation_consent.is_(True)
            )
        )
    )
    assert {text.membership_id for text in texts} <= consenting


def test_a_record_id_past_the_databases_range_in_a_text_address_is_404(app, demo, login_as):
    cohort, lead = demo
    client = login_as(lead, password=DEMO_PASSWORD)
    for plugin in ("reflections", "initiatives", "surveys"):
        for number in (10**21, 2**31, "٣"):
            url = f"/cohorts/{cohort.slug}/evaluation/texts/{plugin}:{number}:analysis"
            response = client.get(url)
            assert response.status_code == 404, (plugin, number)
            assert "Page not found" in response.get_data(as_text=True)
            posted = client.post(url, data={"excerpt": "x", "themes": ["1"]})
            assert posted.status_code == 404, (plugin, number)
