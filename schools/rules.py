"""Whether a graduation year (届) is closed for a school: the one rule every service that acts for a graduate of a
given year asks (invitations and their acceptance in contracts/services/invitations.py, activation in
students/services.py, 毕业去向 registration), and its matching query, side by side.

A year is closed for a school when an operator closed it for that school or for every school
(schools.services.graduation_year_close). Closing and acting are serialised per year on PostgreSQL by transaction-level
advisory locks: a service that asks with `hold=True` keeps the year open until it commits (a shared lock), and closing
takes the same key exclusively, so whatever such a service writes either commits before the closure — and the closing's
clean-up (voiding open invitations) sees it — or waits and then finds the year closed. Elsewhere (SQLite) writes are
serialised anyway.
"""

import hashlib

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from .models import GraduationYearClosure


def closed_year_message(year: int, what: str) -> str:
    """The refusal a user reads, e.g. 2025届毕业年度已关闭，不能再发起签约邀请."""
    return f"{year}届毕业年度已关闭，不能再{what}"


def _closures(school_id, year):
    return GraduationYearClosure.objects.filter(Q(school_id=school_id) | Q(school__isnull=True), year=year)


def year_closed(*, school_id: int, year: int, hold: bool = False) -> bool:
    """Whether `year` is closed for the school. With `hold` (inside a transaction that is about to act for a graduate
    of that year), the year cannot be closed before that transaction ends."""
    if hold:
        _lock(_key(school_id, year), _key(None, year), shared=True)
    # A statement of its own, after the lock: its snapshot sees a closing that committed while this one waited.
    return _closures(school_id, year).exists()


def year_closed_q(*, school: str = "school_id", year: str = "graduation_year") -> Exists:
    """For rows with a school and a graduation year (graduates, contracts): whether that year is closed for them."""
    return Exists(_closures(OuterRef(school), OuterRef(year)))


def lock_for_closing(*, school_id: int | None, year: int) -> None:
    """Closing `year` for a school (None: every school) waits for the services holding it open, then keeps new ones
    out until its transaction commits."""
    _lock(_key(school_id, year), shared=False)


def _key(school_id: int | None, year: int) -> int:
    digest = hashlib.blake2b(f"graduation-year:{school_id or 'all'}:{year}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock(*keys: int, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([f"{function}(%s)"] * len(keys)), list(keys))
