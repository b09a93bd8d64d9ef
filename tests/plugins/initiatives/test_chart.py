"""The journey chart: an SVG of the ladder and the jigsaw, with a text alternative and table."""

from __future__ import annotations

from datetime import date

from lms.plugins.initiatives.charts import Point, describe, journey_svg
from tests.plugins.initiatives.conftest import day, update_data


def test_the_chart_is_an_svg_with_alt_text_and_a_data_table(client, start_initiative, world):
    initiative = start_initiative()
    later = update_data(recorded_on=day(date(2026, 12, 9)), rung="6", culture="3")
    client.post(world.url("/mine/updates/new"), data=later)

    page = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    src = world.url(f"/{initiative.id}/journey.svg")
    assert f'src="{src}"' in page
    assert (
        'alt="Chart of 2 progress updates. Participation was at rung 4 (Consultation) at '
        "baseline and is at rung 6 (Partnership) now." in page
    )
    assert "The journey as a table" in page
    assert '<th scope="row" class="govuk-table__header">Baseline</th>' in page
    assert "6 Partnership" in page
    assert "style=" not in page  # the page itself obeys style-src 'self'

    response = client.get(src)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<script" not in svg
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert client.get(src).get_data(as_text=True) == svg  # deterministic


def test_the_chart_is_deterministic_and_copes_with_no_updates():
    points = [Point("Baseline", date(2026, 9, 10), 3, (1, 2, 1, 1))]
    assert journey_svg(points) == journey_svg(points)
    assert "<svg" in journey_svg([])
    assert describe([]).startswith("No progress updates yet")
    assert "rung 3 (Informing) at baseline." in describe(points)


def test_no_chart_before_the_baseline(client, start_initiative, world):
    initiative = start_initiative(baseline=False)
    page = client.get(world.url(f"/{initiative.id}")).get_data(as_text=True)
    assert "No progress updates yet, so there is no journey to show." in page
    assert "journey.svg" not in page
