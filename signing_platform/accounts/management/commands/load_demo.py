from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from signing_platform.demo import load_all

# Addresses a server listens on that a browser cannot open: print the loopback address instead.
_ANY_ADDRESS = {"0.0.0.0", "::", "[::]", ""}


def site_url(address: str) -> str:
    """The http:// address to print for a `runserver` address ("127.0.0.1:8123", "0.0.0.0:8000", "8000")."""
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"--address 应为 主机:端口（如 127.0.0.1:8000），不是 {address!r}")
    if host in _ANY_ADDRESS:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Load the demo data of the embedded default (idempotent) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address", default="127.0.0.1:8000",
            help="host:port the server will listen on (as given to runserver), for the links printed",
        )

    def handle(self, *args, address, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for the embedded default only (DEBUG on); it has a published password.")
        base = site_url(address)
        lines = load_all()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。打开 {base} 登录："))
        for line in lines:
            self.stdout.write(f"  · {line}")
        self.stdout.write(f"  · 短信验证码请在 {base}/dev/outbox/（短信发件箱）查看")
