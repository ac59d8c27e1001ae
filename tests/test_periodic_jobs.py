import pytest
from django.conf import settings
from django.core.management import call_command

from signing_platform.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.django_db
def test_the_embedded_runner_runs_each_job_once(capsys):
    call_command("run_periodic_jobs")
    out = capsys.readouterr().out
    for name in settings.CELERY_BEAT_SCHEDULE:
        assert f"{name}: " in out
