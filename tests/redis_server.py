"""A redis-server owned by one test, on a free port, that the test can freeze (SIGSTOP) and thaw (SIGCONT)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _spawn(binary: str, port: int) -> subprocess.Popen | None:
    """redis-server on `port`, configured like production's (nothing kept on disk), once it answers; None if it
    could not (the port was taken)."""
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while process.poll() is None and time.monotonic() < deadline and not _answers(port):
        time.sleep(0.05)
    if process.poll() is None and _answers(port):
        return process
    process.kill()
    process.wait()
    return None


class RedisServer:
    def __init__(self, binary: str, process: subprocess.Popen, port: int):
        self.binary, self.process, self.port = binary, process, port
        self.url = f"redis://127.0.0.1:{port}/0"

    def kill(self):
        """As if the Redis host died: no shutdown, no goodbye to its clients."""
        self.process.kill()
        self.process.wait()

    def start(self):
        """Start it again on the same port (after kill)."""
        process = _spawn(self.binary, self.port)
        if process is None:
            raise AssertionError("redis-server did not start again")
        self.process = process

    def freeze(self):
        """Stop the process without closing its sockets: connections are accepted by the kernel, never answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16).startswith(b"+PONG")
    return False


@contextlib.contextmanager
def redis_server():
    """Start a redis-server for the test; skip when it is not installed (fail when CELERY_WORKER_TESTS=required)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CELERY_WORKER_TESTS", "").lower() == "required":
            pytest.fail("redis-server is not installed and CELERY_WORKER_TESTS=required")
        pytest.skip("redis-server is not installed")
    for _attempt in range(5):  # another process may take the free port between our probe and redis binding it
        port = _free_port()
        process = _spawn(binary, port)
        if process is not None:
            break
    else:
        pytest.fail("could not start a redis-server for the test")
    server = RedisServer(binary, process, port)
    try:
        yield server
    finally:
        if server.process.poll() is None:  # the test may have killed it
            server.thaw()
            server.process.terminate()
            server.process.wait(timeout=10)


@contextlib.contextmanager
def cache_on(server: RedisServer):
    """The cache (rate limits, send windows) on `server`, with the production client options (timeouts)."""
    from django.conf import settings
    from django.test import override_settings

    location = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}
    with override_settings(CACHES={"default": {**location, "OPTIONS": settings.REDIS_CACHE_OPTIONS}}):
        yield

