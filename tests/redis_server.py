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


class RedisServer:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.url = f"redis://127.0.0.1:{port}/0"

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
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while process.poll() is None and time.monotonic() < deadline and not _answers(port):
            time.sleep(0.05)
        if process.poll() is None and _answers(port):
            break
        process.kill()
        process.wait()
    else:
        pytest.fail("could not start a redis-server for the test")
    server = RedisServer(process, port)
    try:
        yield server
    finally:
        server.thaw()
        process.terminate()
        process.wait(timeout=10)
