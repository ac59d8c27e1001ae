import time

from django.conf import settings
from django.core.management.base import BaseCommand

from signing_platform.celery import app


class Command(BaseCommand):
    help = (
        "Run every job of the Celery beat schedule once, in this process (or every --every seconds until stopped). "
        "For the embedded default, which has no broker; production runs them with `celery beat`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds instead of running once")

    def handle(self, *args, every=0, **options):
        app.loader.import_default_modules()
        while True:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                result = app.tasks[entry["task"]].apply().get()
                self.stdout.write(f"{name}: {result}")
            if not every:
                return
            time.sleep(every)
