"""Demo data for the embedded default. Each app adds a step; every step is idempotent (safe to run each start)."""

from django.db import transaction
from django.utils.module_loading import import_string

DEMO_PASSWORD = "Demo#2026pass"

# Each step is a function load() -> list of lines saying how to sign in as what it made. Order matters.
STEPS = [
    "signing_platform.accounts.demo.load",
    "schools.demo.load",
    "employers.demo.load",
    "contracts.demo.load",
    "students.demo.load",
]


def load_all() -> list[str]:
    lines = []
    with transaction.atomic():
        for step in STEPS:
            lines.extend(import_string(step)())
    return lines
