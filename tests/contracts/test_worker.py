"""The periodic expiry through the production path: a task on Redis, run by a real worker process."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import Contract, ContractStatus
from contracts.tasks import expire_overdue_invitations
from tests.celery_helpers import celery_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_a_real_worker_expires_overdue_invitations(cast, invite, worker, redis_url, wait_for):
    contract = invite()
    Contract.objects.filter(pk=contract.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    with celery_broker(redis_url):
        expire_overdue_invitations.delay()
        wait_for(lambda: Contract.objects.get(pk=contract.pk).status == ContractStatus.EXPIRED, worker=worker)
