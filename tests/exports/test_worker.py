"""A large export through the production path: queued on Redis, written by a real worker process, downloaded."""

import pytest
from django.urls import reverse

from exports.models import Export, ExportStatus
from tests.celery_helpers import celery_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_a_real_worker_builds_a_large_export_for_its_owner(client, cast, invite, second_graduate, settings, worker,
                                                           redis_url, wait_for, xlsx):
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    invite()
    invite(favorite=second_graduate.favorite)
    client.force_login(cast.employer)
    with celery_broker(redis_url):
        response = client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
        export = Export.objects.get()
        assert response["Location"] == reverse("exports:status", args=[export.pk])
        wait_for(lambda: Export.objects.get(pk=export.pk).status == ExportStatus.DONE, worker=worker)
    page = client.get(response["Location"]).content.decode()
    assert "已生成" not in page and "下载" in page
    book = xlsx(client.get(reverse("exports:download", args=[export.pk])))
    assert {row[1] for row in book.body} == {"张三", "李四"}
    assert cast.graduate.id_number() not in book.text
    client.force_login(cast.other_employer)
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404
