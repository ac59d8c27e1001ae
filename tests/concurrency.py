"""Run calls at the same moment on real concurrent database connections (PostgreSQL race tests)."""

import threading

from django.db import connection


def at_once(*calls, refusals: tuple[type[Exception], ...]) -> list[str]:
    """Each call in its own thread and connection, released together by a barrier.

    Returns "ok" or "refused" (one of `refusals` was raised) per call, in call order; any other exception fails the test.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except refusals:
            outcomes[index] = "refused"
        except Exception as exc:  # anything else is a bug the test must show
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(outcome in ("ok", "refused") for outcome in outcomes), outcomes
    return outcomes
