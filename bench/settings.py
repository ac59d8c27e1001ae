"""The app's settings plus the reference page of bench/pages.py (never used outside the benchmark)."""

from signing_platform.settings import *  # noqa: F403
from signing_platform.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
