"""A published entry's run chart as a picture: the same link kind and view as a teacher's own
chart (`improvement.chart_links`, source `library`), drawn from the frozen snapshot, opened
only while the entry is live and its person may still see it."""

import io
from urllib.parse import urlsplit

import pytest
from graphql_relay import to_global_id
from PIL import Image

from improvement.models import DataPoint, LibraryScope
from improvement.services.library import pdsa_publish, pdsa_unpublish
from tests.conftest import NOT_FOUND_ANSWER, link_refusal

pytestmark = [pytest.mark.django_db, pytest.mark.urls("backend.urls")]

CHART = """query($id: ID!) { libraryEntry(id: $id) {
  measures { runChart { median phone: imageUrl svg: imageUrl(format: SVG, size: PRINT) } }
} }"""


@pytest.fixture
def entry(owner, done):
    return pdsa_publish(actor=owner, pdsa=done, scope=LibraryScope.SCHOOL, commit_to_answer=True)


def _links(api, entry) -> dict:
    data = api.data(CHART, {"id": to_global_id("LibraryEntry", entry.pk)})
    return data["libraryEntry"]["measures"][0]["runChart"]


def test_a_colleague_in_scope_opens_the_published_chart(api_for, colleague, entry, client):
    links = _links(api_for(colleague), entry)
    png = client.get(urlsplit(links["phone"]).path)
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (720, 480)
    svg = client.get(urlsplit(links["svg"]).path)
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_the_picture_is_the_snapshot_not_the_live_measure(api_for, colleague, entry, done, client):
    before = client.get(urlsplit(_links(api_for(colleague), entry)["svg"]).path).content
    # The owner goes on recording after publishing: the shared chart stays as it was shared.
    DataPoint.objects.filter(measure__pdsas=done).update(value=99)
    after = client.get(urlsplit(_links(api_for(colleague), entry)["svg"]).path).content
    assert before == after


def test_the_link_stops_when_the_entry_is_unpublished(api_for, owner, colleague, entry, client):
    path = urlsplit(_links(api_for(colleague), entry)["phone"]).path
    pdsa_unpublish(actor=owner, entry=entry)
    assert link_refusal(client.get(path)) == NOT_FOUND_ANSWER


def test_a_link_made_for_someone_now_out_of_scope_opens_nothing(
    api_for, colleague, entry, client, stranger
):
    path = urlsplit(_links(api_for(colleague), entry)["phone"]).path
    colleague.school = stranger.school
    colleague.save(update_fields=["school"])
    assert link_refusal(client.get(path)) == NOT_FOUND_ANSWER
