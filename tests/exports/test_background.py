"""Large exports: queued for the worker (run inline here), progress and a download link on their page, the file kept
privately for its owner only and for a limited time, then deleted by the sweep."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import UnitMember
from exports import services
from exports.models import Export, ExportStatus
from signing_platform.accounts.models import AuditEvent
from tests.factories import EmployerUserFactory

pytestmark = pytest.mark.django_db
S = ExportStatus


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Anything over one row is a large export."""
    settings.EXPORT_DIRECT_MAX_ROWS = 1


@pytest.fixture
def two_invitations(cast, invite, second_graduate):
    invite()
    invite(favorite=second_graduate.favorite)


def start(client, django_capture_on_commit_callbacks, **query):
    """Press 导出Excel on 签约中; the queued task runs inline when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing", **query})


def test_a_large_export_is_built_in_the_background_then_downloaded(
    client, cast, two_invitations, django_capture_on_commit_callbacks, xlsx
):
    client.force_login(cast.employer)
    response = start(client, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:status", args=[export.pk])
    assert (export.status, export.background, export.row_count, export.rows_written) == (S.DONE, True, 2, 2)
    assert export.expires_at == export.finished_at + timedelta(hours=24)
    assert AuditEvent.objects.get(action="export").detail["rows"] == 2
    page = client.get(response["Location"]).content.decode()
    download_url = reverse("exports:download", args=[export.pk])
    assert f'href="{download_url}"' in page and "已完成" in page and "hx-get" not in page.split('id="export-status"')[1]
    download = client.get(download_url)
    assert download["Content-Disposition"].startswith('attachment; filename="export-')
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff" and download["Cache-Control"] == "private, no-store"
    book = xlsx(download)
    assert [row[0] for row in book.body] == [1, 2] and {row[1] for row in book.body} == {"张三", "李四"}
    assert cast.graduate.id_number() not in book.text


def test_the_file_is_kept_privately_with_a_name_that_says_nothing(
    client, cast, two_invitations, django_capture_on_commit_callbacks, settings
):
    client.force_login(cast.employer)
    start(client, django_capture_on_commit_callbacks)
    name = Export.objects.get().file.name
    assert name.startswith("exports/") and name.endswith(".xlsx") and "张三" not in name
    assert os.path.exists(os.path.join(settings.PRIVATE_MEDIA_ROOT, name))


def test_while_it_is_built_the_page_shows_progress_and_asks_again(client, cast, two_invitations):
    client.force_login(cast.employer)
    response = client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})  # not run yet
    export = Export.objects.get()
    assert export.status == S.PENDING
    Export.objects.filter(pk=export.pk).update(status=S.RUNNING, rows_written=1)
    status_url = response["Location"]
    page = client.get(status_url).content.decode()
    assert "已生成 1 / 2 条" in page and '<progress id="export-progress" max="2" value="1">' in page
    assert f'href="{status_url}">刷新</a>' in page  # without JavaScript
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="export-status"')
    assert f'hx-get="{status_url}" hx-trigger="load delay:2s"' in fragment
    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_the_same_export_asked_twice_while_waiting_is_queued_once(client, cast, two_invitations):
    client.force_login(cast.employer)
    first = client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    second = client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    assert first["Location"] == second["Location"] and Export.objects.count() == 1
    # Other filters are another export.
    third = client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing", "year": "2026"})
    assert third["Location"] != first["Location"] and Export.objects.filter(background=True).count() == 2


def test_only_the_user_who_asked_sees_the_page_and_the_file(
    client, cast, two_invitations, django_capture_on_commit_callbacks
):
    client.force_login(cast.employer)
    start(client, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    urls = [reverse("exports:status", args=[export.pk]), reverse("exports:download", args=[export.pk])]
    colleague = EmployerUserFactory()
    UnitMember.objects.create(user=colleague, unit=cast.unit)
    for user in (colleague, cast.other_employer, cast.school_reviewer, cast.student):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(cast.employer)
    assert client.get(reverse("exports:status", args=[export.pk + 1])).status_code == 404
    client.logout()
    assert client.get(urls[1]).status_code == 302  # to the sign-in page


def test_past_its_time_the_link_is_gone_and_the_sweep_deletes_the_file(
    client, cast, two_invitations, django_capture_on_commit_callbacks, settings, clock
):
    client.force_login(cast.employer)
    start(client, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    path = os.path.join(settings.PRIVATE_MEDIA_ROOT, export.file.name)
    download_url, status_url = reverse("exports:download", args=[export.pk]), reverse("exports:status", args=[export.pk])
    clock.advance(hours=23, minutes=59)
    client.force_login(cast.employer)  # a sign-in lasts 8 hours
    assert services.exports_sweep() == 0 and os.path.exists(path)
    assert client.get(download_url).status_code == 200
    clock.advance(minutes=1)
    # Gone at its time, before the sweep has run.
    assert client.get(download_url).status_code == 404
    assert "文件已超过保留时间并已删除" in client.get(status_url).content.decode()
    assert services.exports_sweep() == 1
    assert not os.path.exists(path)
    export.refresh_from_db()
    assert (export.status, export.file.name) == (S.EXPIRED, "")
    assert services.exports_sweep() == 0
    assert client.get(download_url).status_code == 404
    assert "文件已超过保留时间并已删除" in client.get(status_url).content.decode()


def test_retention_is_a_setting(client, cast, two_invitations, django_capture_on_commit_callbacks, settings):
    settings.EXPORT_RETENTION_HOURS = 2
    client.force_login(cast.employer)
    start(client, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    assert export.expires_at == export.finished_at + timedelta(hours=2)


def test_a_queued_export_the_broker_lost_is_queued_again_by_the_sweep(client, cast, two_invitations, clock,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(cast.employer)
    client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})  # its task never ran
    export = Export.objects.get()
    services.exports_sweep()
    assert Export.objects.get().status == S.PENDING  # still young: maybe just waiting in the queue
    clock.advance(minutes=3)
    services.exports_sweep()
    export.refresh_from_db()
    assert (export.status, export.row_count) == (S.DONE, 2)


def test_an_export_whose_worker_died_fails_after_an_hour_and_says_so(client, cast, two_invitations, clock):
    client.force_login(cast.employer)
    client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(status=S.RUNNING)
    services.exports_sweep()
    assert Export.objects.get().status == S.RUNNING
    clock.advance(hours=1)
    client.force_login(cast.employer)
    services.exports_sweep()
    page = client.get(reverse("exports:status", args=[export.pk])).content.decode()
    assert Export.objects.get().status == S.FAILED and "导出超时，请重新导出" in page
    # A late task for it builds nothing.
    assert services.export_build(export_id=export.pk) == 0


def test_the_task_builds_an_export_once(client, cast, two_invitations, django_capture_on_commit_callbacks):
    client.force_login(cast.employer)
    start(client, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    name = export.file.name
    assert services.export_build(export_id=export.pk) == 0
    export.refresh_from_db()
    assert export.file.name == name


def test_an_owner_who_lost_access_before_the_build_gets_nothing(client, cast, two_invitations):
    client.force_login(cast.employer)
    client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    export = Export.objects.get()
    UnitMember.objects.filter(user=cast.employer).update(is_active=False)
    assert services.export_build(export_id=export.pk) == 0
    export.refresh_from_db()
    assert (export.status, export.error, export.file.name) == (S.FAILED, "导出已取消：账号已无权导出该列表", "")


def test_a_failing_build_is_marked_failed(client, cast, two_invitations, monkeypatch):
    client.force_login(cast.employer)
    client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    export = Export.objects.get()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "write_xlsx", broken)
    assert services.export_build(export_id=export.pk) == 0
    export.refresh_from_db()
    assert (export.status, export.error) == (S.FAILED, "生成失败，请重新导出")
    assert "生成失败，请重新导出" in client.get(reverse("exports:status", args=[export.pk])).content.decode()


def test_the_export_shows_the_list_as_it_stood_when_asked(client, cast, invite, two_invitations, clock,
                                                         django_capture_on_commit_callbacks):
    client.force_login(cast.employer)
    client.post(reverse("exports:start", args=["employer_list"]), {"tab": "signing"})
    export = Export.objects.get()
    clock.advance(days=8)  # both invitations are past their deadline now
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.row_count == 2 and export.created_at < timezone.now()
