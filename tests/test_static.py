"""Production static files: the Dockerfile's collectstatic step works and the pages' assets are in the manifest."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def test_the_dockerfile_collectstatic_step_builds_a_manifest(tmp_path):
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    step = re.search(r"RUN ((?:\w+=\S+\s+(?:\\\s*)?)+)python manage.py collectstatic", dockerfile)
    assert step, "the Dockerfile collects static files"
    env = dict(re.findall(r"(\w+)=(\S+)", step.group(1)))
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR, env={**clean, **env, "STATIC_ROOT": str(tmp_path)}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for asset in ("css/app.css", "js/app.js", "django_htmx/htmx-2.min.js"):
        assert asset in manifest
        assert (tmp_path / (manifest[asset] + ".gz")).exists() or (tmp_path / manifest[asset]).exists()
