"""DATABASE_REPLICA_URL: the reviewer history pages read from the replica, the queues and every write from the
primary, and a transaction always reads the primary."""

import pytest
from django.db import connections, transaction
from django.urls import reverse

from contracts import services
from contracts.models import Contract
from signing_platform.replica import REPLICA, ReplicaRouter, reads_from_replica

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(monkeypatch):
    """A configured replica (its settings only: the test itself never opens a second database)."""
    monkeypatch.setitem(connections.settings, REPLICA, {**connections.settings["default"]})


@pytest.fixture
def routed(monkeypatch):
    """Where each read of a request would go; the reads themselves still run on the test database."""
    decisions = []
    route = ReplicaRouter.db_for_read

    def record(self, model, **hints):
        decisions.append(route(self, model, **hints))
        return "default"

    monkeypatch.setattr(ReplicaRouter, "db_for_read", record)
    return decisions


def test_without_a_replica_everything_reads_the_primary():
    assert reads_from_replica(lambda request: ReplicaRouter().db_for_read(Contract))(None) == "default"


def test_a_marked_view_reads_the_replica_but_not_inside_a_transaction(replica):
    router = ReplicaRouter()
    assert reads_from_replica(lambda request: router.db_for_read(Contract))(None) == REPLICA
    assert router.db_for_read(Contract) == "default"
    assert reads_from_replica(lambda request: router.db_for_write(Contract))(None) == "default"

    def inside_a_transaction(request):
        with transaction.atomic():
            return router.db_for_read(Contract)

    assert reads_from_replica(inside_a_transaction)(None) == "default"


def test_the_review_history_reads_from_the_replica_and_the_queue_does_not(client, cast, invite, replica, routed):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    services.approve(actor=cast.college_reviewer, contract=contract)
    client.force_login(cast.college_reviewer)
    routed.clear()
    history = client.get(reverse("contracts:review_history"))
    assert history.status_code == 200 and cast.graduate.name in history.content.decode()
    assert REPLICA in routed
    routed.clear()
    assert client.get(reverse("contracts:review_queue")).status_code == 200
    assert routed and set(routed) == {"default"}


def test_an_export_reads_its_rows_from_the_replica(client, cast, invite, replica, routed):
    invite()
    client.force_login(cast.employer)
    routed.clear()
    response = client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    # The export's own row is written on the primary; the rows it lists are read where a replica read goes.
    assert REPLICA in routed
