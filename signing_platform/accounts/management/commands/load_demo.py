from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from signing_platform.demo import load_all


class Command(BaseCommand):
    help = "Load the demo data of the embedded default (idempotent) and print how to sign in."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for the embedded default only (DEBUG on); it has a published password.")
        lines = load_all()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。打开 http://127.0.0.1:8000 登录："))
        for line in lines:
            self.stdout.write(f"  · {line}")
        self.stdout.write("  · 短信验证码请在 http://127.0.0.1:8000/dev/outbox/（短信发件箱）查看")
