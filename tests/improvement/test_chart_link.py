"""`RunChart.imageUrl`: the picture of a measure's run chart behind a signed link.

The owner opens PNG and SVG at both sizes, drawn from the same analysis the API shows; every
attacker's way in answers the one 404 of every link (another teacher's token for the owner's
measure, an altered token, a measure since deleted, an owner no longer active), an old link
410; asking for the link costs no query, for one measure or many."""

import io
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id
from PIL import Image

from backend.signed_links import LinkKind, seal
from improvement import chart_links
from improvement.chart_links import ChartImageFormat, ChartImageSize, ChartSource, ChartTicket
from improvement.models import DataPoint, PdsaMeasure
from improvement.services.annotations import annotation_add
from improvement.services.measures import measure_create, pdsa_measure_link
from improvement.services.pdsa import pdsa_create
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal
from tests.factories import CoordinatorFactory, LeaderFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("backend.urls")]

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RISING_TREND = (12, 14, 11, 13, 12, 15, 11, 13, 12, 14, 12, 13, 15, 17, 19)
CHART = """
query($id: ID!, $format: ChartImageFormat, $size: ChartImageSize) { node(id: $id) {
  ... on Measure { runChart {
    median signals { kind pointIndexes } annotations { on text }
    imageUrl(format: $format, size: $size)
  } }
} }"""
MY_PDSAS = """
{ myPdsas(first: 10) { edges { node { measures { runChart {
    phone: imageUrl print: imageUrl(format: SVG, size: PRINT)
} } } } } }"""


def record(measure, values=RISING_TREND):
    """Weekly points ending today, oldest first."""
    today = timezone.localdate()
    DataPoint.objects.bulk_create(
        DataPoint(
            measure=measure,
            client_id=uuid.uuid4(),
            on=today - timedelta(days=7 * (len(values) - 1 - i)),
            value=v,
        )
        for i, v in enumerate(values)
    )


@pytest.fixture
def charted(owner, measure):
    record(measure)
    annotation_add(
        owner=owner,
        measure=measure,
        on=timezone.localdate() - timedelta(days=7 * 4),
        text="Think time starts",
    )
    return measure


def link(api, measure, **args) -> str:
    data = api.data(CHART, {"id": to_global_id("Measure", measure.pk), **args})
    return data["node"]["runChart"]["imageUrl"]


def path_of(url: str) -> str:
    return urlsplit(url).path


def owner_token(measure, viewer_id, **overrides) -> str:
    ticket = ChartTicket(
        overrides.get("source", ChartSource.MEASURE),
        measure.pk,
        viewer_id,
        overrides.get("format", ChartImageFormat.PNG),
        overrides.get("size", ChartImageSize.PHONE),
    )
    return chart_links.sign(ticket, expires_at=chart_links.link_expiry())


def assert_good_answer(response, content_type):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"].startswith("private, max-age=")
    assert 0 < int(response["Cache-Control"].rsplit("=", 1)[1]) <= 15 * 60
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith('inline; filename="run-chart-')


# -- the owner -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "pixels"), [(None, (720, 480)), ("PHONE", (720, 480)), ("PRINT", (1600, 1000))]
)
def test_the_owner_opens_the_png(api_for, owner, charted, client, size, pixels):
    url = link(api_for(owner), charted, size=size)
    assert url.startswith("http://testserver/improvement/charts/")

    response = client.get(path_of(url))

    assert_good_answer(response, "image/png")
    assert response["Content-Disposition"].endswith('.png"')
    assert response.content.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == pixels


@pytest.mark.parametrize(("size", "width"), [("PHONE", "720"), ("PRINT", "1600")])
def test_the_owner_opens_the_svg_drawn_from_the_charts_analysis(
    api_for, owner, charted, client, size, width
):
    api = api_for(owner)
    shown = api.data(CHART, {"id": to_global_id("Measure", charted.pk)})["node"]["runChart"]

    response = client.get(path_of(link(api, charted, format="SVG", size=size)))

    assert_good_answer(response, "image/svg+xml")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    root = ET.fromstring(response.content)  # noqa: S314 (our own output, parsed to check it)
    assert root.tag == f"{SVG}svg" and root.get("width") == width
    classes = [el.get("class") for el in root.iter()]
    assert "median" in classes
    labels = ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]
    assert shown["median"] == 13
    assert any(label.startswith("median 13") for label in labels)
    # The same signal points and notes as the API's RunChart.
    (trend,) = shown["signals"]
    marked = [el for el in root.iter() if el.get("class") == "signal-point"]
    assert [int(el.get("data-index")) for el in marked] == trend["pointIndexes"]
    notes = [el for el in root.iter() if el.get("class") == "annotation"]
    assert len(notes) == len(shown["annotations"]) == 1
    assert "Think time starts" in "".join(notes[0].itertext())


def test_the_link_is_the_same_for_the_same_ask_within_a_second(api_for, owner, charted):
    """Phones' image caches key on the URL: asking twice gives one picture to keep."""
    api = api_for(owner)
    with time_machine.travel(timezone.now(), tick=False):
        assert link(api, charted) == link(api, charted)
        assert link(api, charted) != link(api, charted, format="SVG")


# -- attackers ---------------------------------------------------------------------------------


def test_another_teachers_token_for_the_owners_measure_is_not_found(client, charted, other_teacher):
    """A token names whom it was made for; the chart opens only while that person owns the
    measure (what PACKET links do), so a token made for someone else opens nothing."""
    response = client.get(f"/improvement/charts/{owner_token(charted, other_teacher.pk)}")
    assert link_refusal(response) == NOT_FOUND_ANSWER


@pytest.mark.parametrize(
    "make_reader",
    [
        lambda owner: LeaderFactory(school=owner.school),
        lambda owner: CoordinatorFactory(),
        lambda owner: StaffFactory(),
    ],
    ids=["leader", "coordinator", "staff"],
)
def test_no_one_else_gets_a_link_to_the_owners_chart(api_for, owner, charted, make_reader):
    data = api_for(make_reader(owner)).data(CHART, {"id": to_global_id("Measure", charted.pk)})
    assert data["node"] is None


def test_another_teacher_gets_no_link_to_the_owners_chart(api_for, charted, other_teacher):
    data = api_for(other_teacher).data(CHART, {"id": to_global_id("Measure", charted.pk)})
    assert data["node"] is None


def test_the_owners_link_opened_in_another_teachers_session_answers_as_for_anyone(
    api_for, owner, charted, other_teacher, client
):
    """Like every link of the service the link is the permission (phones' image views send no
    bearer header): it is bound to the person it was made for, not to whoever opens it, and
    the view never reads a session. Kept short-lived for that reason."""
    url = link(api_for(owner), charted)
    client.force_login(other_teacher)
    assert client.get(path_of(url)).status_code == 200


def test_an_altered_token_is_not_found(api_for, owner, charted, client):
    token = path_of(link(api_for(owner), charted)).rsplit("/", 1)[1]
    for altered in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token[:10] + ("x" if token[10] != "x" else "y") + token[11:],
        token + "A",
        "nonsense",
    ):
        response = client.get(f"/improvement/charts/{altered}")
        assert link_refusal(response) == NOT_FOUND_ANSWER, altered


def test_a_token_of_another_kind_is_not_found(charted, owner, client):
    payload = ["measure", charted.pk, owner.pk, "PNG", "PHONE"]
    token = seal(LinkKind.MAP_IMAGE, payload, expires_at=chart_links.link_expiry())
    assert link_refusal(client.get(f"/improvement/charts/{token}")) == NOT_FOUND_ANSWER


def test_an_unknown_source_or_format_is_not_found(charted, owner, client):
    for payload in (
        ["snapshot", charted.pk, owner.pk, "PNG", "PHONE"],
        ["measure", charted.pk, owner.pk, "GIF", "PHONE"],
        ["measure", charted.pk, owner.pk, "PNG", "POSTER"],
        ["measure", charted.pk, owner.pk],
    ):
        token = seal(LinkKind.RUN_CHART_IMAGE, payload, expires_at=chart_links.link_expiry())
        assert link_refusal(client.get(f"/improvement/charts/{token}")) == NOT_FOUND_ANSWER


def test_an_expired_link_says_so(api_for, owner, charted, client):
    url = link(api_for(owner), charted)
    with time_machine.travel(timezone.now() + chart_links.LINK_LIFETIME + timedelta(seconds=1)):
        assert link_refusal(client.get(path_of(url))) == EXPIRED_ANSWER


def test_a_deleted_measure_is_not_found(api_for, owner, charted, client):
    url = link(api_for(owner), charted)
    charted.delete()
    assert link_refusal(client.get(path_of(url))) == NOT_FOUND_ANSWER


def test_an_owner_no_longer_active_is_not_found(api_for, owner, charted, client):
    url = link(api_for(owner), charted)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert link_refusal(client.get(path_of(url))) == NOT_FOUND_ANSWER


def test_a_measure_whose_points_are_gone_is_not_found(api_for, owner, charted, client):
    url = link(api_for(owner), charted)
    charted.points.all().delete()
    assert link_refusal(client.get(path_of(url))) == NOT_FOUND_ANSWER


def test_too_many_renders_are_rate_limited(api_for, owner, charted, client, monkeypatch):
    monkeypatch.setattr(chart_links, "RENDERS_PER_MINUTE", 2)
    url = path_of(link(api_for(owner), charted))
    answers = [client.get(url) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert link_refusal(answers[2]) == (429, "RATE_LIMITED")
    assert int(answers[2]["Retry-After"]) >= 1


# -- cost ---------------------------------------------------------------------------------------


def _cycles(owner, slq, count):
    for n in range(count):
        pdsa = pdsa_create(owner=owner, slq=slq, change_idea=f"idea {n}", predictions="p")
        measure = measure_create(owner=owner, name=f"measure {n}")
        pdsa_measure_link(owner=owner, pdsa=pdsa, measure=measure)
        record(measure, values=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))


def _queries(api) -> tuple[int, list[str]]:
    api.data(MY_PDSAS)  # warm-up: the session and permission lookups are cached after
    with CaptureQueriesContext(connection) as captured:
        body = api.data(MY_PDSAS)
    urls = [
        url
        for edge in body["myPdsas"]["edges"]
        for measure in edge["node"]["measures"]
        for url in measure["runChart"].values()
    ]
    return len(captured), urls


def test_image_links_cost_the_same_queries_for_one_measure_or_four(api_for, owner, slq):
    api = api_for(owner)
    _cycles(owner, slq, 1)
    one, urls = _queries(api)
    assert len(urls) == 2
    _cycles(owner, slq, 3)
    four, urls = _queries(api)
    assert four == one
    assert PdsaMeasure.objects.count() == 4
    assert len(set(urls)) == 8
