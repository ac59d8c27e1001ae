"""signing_platform/web.py: pagination from either end, links built once, domain NotFound answered as 404."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from contracts.models import Contract
from signing_platform.errors import NotFound
from signing_platform.web import NotFoundMiddleware, paginate, url_for_pk

pytestmark = pytest.mark.django_db


def test_every_page_read_from_either_end_holds_the_rows_an_offset_would(cast, many_invitations):
    many_invitations(44)
    keys = Contract.objects.order_by("-last_event_at", "-pk").values_list("pk", flat=True)
    expected = list(keys)
    assert len(expected) == 44
    for number in range(1, 6):
        page = paginate(RequestFactory().get("/", {"page": number}), keys, per_page=10, count=44)
        assert list(page.object_list) == expected[(number - 1) * 10:number * 10], number
    last = paginate(RequestFactory().get("/", {"page": "999"}), keys, per_page=10, count=44)
    assert last.number == 5 and list(last.object_list) == expected[40:]


def test_a_deferred_join_loads_the_page_keys_in_order(cast, many_invitations):
    many_invitations(12)
    keys = Contract.objects.order_by("pk").values_list("pk", flat=True)
    page = paginate(RequestFactory().get("/", {"page": 2}), keys, per_page=5,
                    load=lambda ids: [f"row {pk}" for pk in ids])
    assert page.object_list == [f"row {pk}" for pk in list(keys)[5:10]]


def test_url_for_pk_matches_reverse():
    assert url_for_pk("contracts:employer_detail")(42) == reverse("contracts:employer_detail", args=[42])
    assert url_for_pk("contracts:withdraw")(7) == reverse("contracts:withdraw", args=[7])


def test_not_found_from_a_view_is_a_404():
    middleware = NotFoundMiddleware(lambda request: HttpResponse())
    with pytest.raises(Exception) as raised:
        middleware.process_exception(RequestFactory().get("/"), NotFound())
    assert raised.type.__name__ == "Http404"
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None
