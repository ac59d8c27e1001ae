"""The export pages run a fixed number of queries, whether the list holds 1 row or 50 (rows are read in chunks)."""

import pytest
from django.urls import reverse

from exports.models import Export

pytestmark = pytest.mark.django_db


def posted(client, url, data, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.post(url, data)
    assert response.status_code in (200, 302)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("tab", ["favorites", "signing", "terminating"])
def test_a_direct_employer_export(client, cast, invite, many_invitations, django_assert_max_num_queries, tab):
    invite()
    client.force_login(cast.employer)
    url = reverse("exports:start", args=["employer_list"])
    posted(client, url, {"tab": tab}, django_assert_max_num_queries, 10)
    many_invitations(49)
    posted(client, url, {"tab": tab}, django_assert_max_num_queries, 10)


def test_a_direct_reviewer_export(client, cast, many_invitations, django_assert_max_num_queries):
    from contracts import services
    from contracts.models import Contract

    many_invitations(1)
    client.force_login(cast.college_reviewer)
    for kind in ("review_queue", "review_history", "roster"):
        posted(client, reverse("exports:start", args=[kind]), {}, django_assert_max_num_queries, 10)
    many_invitations(49)
    for contract in Contract.objects.all():
        services.accept(actor=contract.graduate.user, contract=contract)
    for kind in ("review_queue", "review_history", "roster"):
        posted(client, reverse("exports:start", args=[kind]), {}, django_assert_max_num_queries, 10)


def test_a_queued_export_and_its_page(client, cast, many_invitations, django_assert_max_num_queries, settings):
    settings.EXPORT_DIRECT_MAX_ROWS = 0
    many_invitations(3)
    client.force_login(cast.employer)
    posted(client, reverse("exports:start", args=["employer_list"]), {"tab": "signing"}, django_assert_max_num_queries,
           12)
    export = Export.objects.get()
    with django_assert_max_num_queries(3):
        assert client.get(reverse("exports:status", args=[export.pk])).status_code == 200
