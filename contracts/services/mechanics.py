"""What every transition of a contract shares: who is acting, the lock, the state write with its event, notices.

Each transition runs in one transaction that locks the student's roster row and then the contract row (always in
that order, so two transitions never deadlock), checks the acting user's right and the current state under the lock,
writes the new state, appends a ContractEvent, and queues its notifications, which are sent on commit.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Subquery

from employers.models import Unit, UnitMember
from schools.models import Graduate, Reviewer
from signing_platform.accounts.models import Role
from signing_platform.errors import NotFound
from signing_platform.sms.services import notify

from .. import counters
from ..models import Contract, ContractEvent, ContractStatus, UnitTabCount

S = ContractStatus
Action = ContractEvent.Action


class ContractError(Exception):
    """A transition that was refused; `message` says why, in Chinese, and nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- who is acting


def member_unit_id(actor) -> int | None:
    """The unit an active employer user acts for, if any."""
    if actor is None or actor.role != Role.EMPLOYER or not actor.is_active:
        return None
    return UnitMember.objects.filter(user=actor, is_active=True).values_list("unit_id", flat=True).first()


def active_reviewer(actor) -> Reviewer | None:
    if actor is None or actor.role not in (Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER) or not actor.is_active:
        return None
    return Reviewer.objects.filter(user=actor, is_active=True).first()


def require_employer_of(actor, contract: Contract) -> None:
    if member_unit_id(actor) != contract.unit_id:
        raise NotFound


def require_student_of(actor, contract: Contract) -> None:
    if actor is None or actor.role != Role.STUDENT or contract.graduate.user_id != actor.pk:
        raise NotFound


def require_authenticated_unit(unit_id: int) -> None:
    unit = Unit.objects.filter(pk=unit_id).only("auth_status").first()
    if unit is None or not unit.is_authenticated:
        raise ContractError("单位尚未通过身份认证，暂不能使用网上签约")


# ---------------------------------------------------------------------------------------------- lock and write


def lock(contract_id: int) -> Contract:
    """Lock the contract's graduate, then the contract, and return the contract as it is now."""
    graduate = (
        Graduate.objects.select_for_update(no_key=True, of=("self",))
        .select_related("user")
        .filter(pk=Subquery(Contract.objects.filter(pk=contract_id).values("graduate_id")[:1]))
        .first()
    )
    if graduate is None:
        raise NotFound
    contract = Contract.objects.select_for_update(no_key=True, of=("self",)).select_related("unit", "school").get(
        pk=contract_id
    )
    contract.graduate = graduate
    return contract


def move(contract: Contract, *, to: str, actor, action: str, at, note: str = "", **fields) -> None:
    """Write the new state of a locked contract, append its event and count it in its new tab."""
    before = (contract.status, contract.termination_stage)
    contract.status = to
    contract.last_event_at = at
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.save(update_fields=["status", "last_event_at", *fields])
    ContractEvent.objects.create(
        contract=contract, unit_id=contract.unit_id, actor=actor, action=action, from_status=before[0], to_status=to,
        note=note, created_at=at,
    )
    counters.record_move(contract, before=before)


def expire_lapsed(queryset, *, now, batch_size: int = 10_000) -> int:
    """Mark the INVITED contracts of `queryset` past their deadline EXPIRED, with their events and counters, in
    batches of one transaction each; rows another transaction holds are skipped (that transaction decides them).
    Returns how many."""
    return end_invitations(queryset.filter(deadline__lte=now), to=S.EXPIRED, action=Action.EXPIRE, now=now,
                           batch_size=batch_size)


def end_invitations(queryset, *, to: str, action: str, now, actor=None, note: str = "", batch_size: int = 10_000) -> int:
    """Move the INVITED contracts of `queryset` to the closed state `to` (closed now), each with its event (`action`,
    `actor`, `note`) and its tab counters, set-based in batches of one transaction each; rows another transaction
    holds are skipped (that transaction decides them). Returns how many."""
    total = 0
    while True:
        with transaction.atomic():
            due = (
                queryset.filter(status=S.INVITED)
                .select_for_update(skip_locked=True, no_key=True, of=("self",))
                # Oldest deadline first, straight from the index: a tie-break by id would sort every overdue row.
                .order_by("deadline")
            )[:batch_size]
            batch = _End(to=to, action=action, actor_id=actor.pk if actor else None, note=note, at=now)
            moved = batch.in_one_statement(due) if connection.vendor == "postgresql" else batch.in_steps(due)
            if not moved:
                return total
        total += moved


@dataclass(frozen=True)
class _End:
    """One batch of invitations ending in `to`: (id, unit_id) of the rows moved."""

    to: str
    action: str
    actor_id: int | None
    note: str
    at: object

    def in_one_statement(self, due) -> int:
        """PostgreSQL: lock the batch, move it, append its events and count it in its tabs in one statement (UPDATE …
        RETURNING feeding the INSERTs), so a batch of thousands costs one round trip. Returns how many."""
        due_sql, due_params = due.values_list("id").query.sql_with_params()
        contract, event, tally = Contract._meta.db_table, ContractEvent._meta.db_table, UnitTabCount._meta.db_table
        deltas = counters.tab_deltas(before=(S.INVITED, ""), after=(self.to, ""))
        values = ", ".join(["(%s, %s)"] * len(deltas))
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH due AS ({due_sql}), "
                f"moved AS (UPDATE {contract} AS c SET status = %s, closed_at = %s, last_event_at = %s FROM due "
                f"          WHERE c.id = due.id RETURNING c.id, c.unit_id), "
                f"logged AS (INSERT INTO {event} (contract_id, unit_id, actor_id, action, from_status, to_status, note, "
                f"           created_at) SELECT id, unit_id, %s, %s, %s, %s, %s, %s FROM moved), "
                # The counters' rows in key order, as counters.add writes them (two batches never deadlock).
                f"counted AS (INSERT INTO {tally} (unit_id, tab, shard, count) "
                f"           SELECT unit_id, d.tab, MOD(id, {counters.SHARDS}), SUM(d.delta) "
                f"           FROM moved CROSS JOIN (VALUES {values}) AS d (tab, delta) "
                f"           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 "
                f"           ON CONFLICT (unit_id, tab, shard) DO UPDATE SET count = {tally}.count + EXCLUDED.count) "
                f"SELECT COUNT(*) FROM moved",
                [*due_params, self.to, self.at, self.at, self.actor_id, self.action, S.INVITED.value, self.to,
                 self.note, self.at, *[value for tab, delta in deltas.items() for value in (str(tab), delta)]],
            )
            return cursor.fetchone()[0]

    def in_steps(self, due) -> int:
        rows = list(due.values_list("pk", "unit_id"))
        Contract.objects.filter(pk__in=[pk for pk, _unit_id in rows]).update(
            status=self.to, closed_at=self.at, last_event_at=self.at
        )
        ContractEvent.objects.bulk_create(
            [ContractEvent(contract_id=pk, unit_id=unit_id, actor_id=self.actor_id, action=self.action,
                           from_status=S.INVITED, to_status=self.to, note=self.note, created_at=self.at)
             for pk, unit_id in rows]
        )
        changes = Counter()
        for pk, unit_id in rows:
            counters.moved(unit_id=unit_id, contract_id=pk, before=(S.INVITED, ""), after=(self.to, ""), changes=changes)
        counters.add(changes)
        return len(rows)


# ---------------------------------------------------------------------------------------------- notices


def _student_mobile(graduate: Graduate) -> str:
    if graduate.user_id and graduate.user.mobile:
        return graduate.user.mobile
    return graduate.mobile or ""


def tell_student(contract: Contract, text: str) -> None:
    mobile = _student_mobile(contract.graduate)
    if mobile:
        notify(mobile=mobile, text=f"【网签平台】{text}")


def tell_employer(contract: Contract, text: str) -> None:
    notify(mobile=contract.contact_mobile, text=f"【网签平台】{text}")


def tell_both(contract: Contract, *, employer: str, student: str) -> None:
    tell_employer(contract, employer)
    tell_student(contract, student)


def clean_text(value: str, *, label: str, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ContractError(f"请填写{label}")
    if len(value) > max_length:
        raise ContractError(f"{label}不能超过{max_length}个字")
    return value
