import contextlib

from signing_platform.celery import app as celery_app


@contextlib.contextmanager
def celery_broker(url: str):
    """Publish tasks to the broker at `url` (not inline) for the duration; restores the test setup after."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def reset_pools():
        # Forget the cached connection and producer pools so the next publish connects to conf.broker_url.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reset_pools()
    # The settings' own (CELERY_) names: celery 5.6 does not let the short names override them at run time.
    conf.CELERY_BROKER_URL, conf.CELERY_TASK_ALWAYS_EAGER = url, False
    assert (conf.broker_url, conf.task_always_eager) == (url, False), "tasks would not go through the broker"
    try:
        yield
    finally:
        reset_pools()
        conf.CELERY_BROKER_URL, conf.CELERY_TASK_ALWAYS_EAGER = saved
