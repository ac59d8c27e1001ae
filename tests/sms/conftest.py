import pytest
from django.test import RequestFactory


@pytest.fixture
def make_request():
    """A request from a given client address, as the rate limits see it."""

    def make(ip="10.0.0.1"):
        return RequestFactory().post("/", REMOTE_ADDR=ip)

    return make
