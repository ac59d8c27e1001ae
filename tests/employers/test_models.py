import pytest
from django.db import IntegrityError, transaction

from employers.models import AuthenticationRequest, Region, RequestStatus, Unit
from tests.employers.factories import AuthenticationRequestFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_regions_hold_the_31_mainland_provinces_with_their_cities():
    provinces = Region.objects.filter(parent__isnull=True)
    assert provinces.count() == 31
    assert not provinces.filter(code__in=["710000", "810000", "820000"]).exists()
    assert all(province.children.exists() for province in provinces)
    assert Region.objects.get(code="440300").name == "深圳市" and Region.objects.get(code="440300").parent.code == "440000"
    # A municipality has itself as its one city entry.
    assert list(Region.objects.get(code="500000").children.values_list("name", flat=True)) == ["重庆市"]
    assert Region.objects.get(code="650000").children.count() >= 14


def test_credit_code_is_unique_in_the_database():
    unit = UnitFactory()
    with pytest.raises(IntegrityError):
        Unit.objects.create(name="另一家", credit_code=unit.credit_code)


def test_a_unit_has_at_most_one_pending_request():
    request = AuthenticationRequestFactory()
    with pytest.raises(IntegrityError):
        AuthenticationRequestFactory(unit=request.unit, submitted_by=request.submitted_by)


def test_a_decided_request_has_a_decision_time():
    request = AuthenticationRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthenticationRequest.objects.filter(pk=request.pk).update(status=RequestStatus.APPROVED)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
