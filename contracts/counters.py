"""How many records each of a unit's 签约解约 tabs holds, without scanning the unit's contracts.

Every change of a contract's stored status (or termination stage) and every favorite added or removed adds its
difference to the unit's UnitTabCount rows, in the same transaction. A tab's count is the sum of its shards, read in
one query; the invitations whose deadline has passed but that the expiry job has not yet marked are then moved from
签约中 to 签约失败 (one more query over the unit's open invitations by deadline), so the counts follow the deadline
rule exactly like the lists do.

Shards: a change adds to shard `contract_id % SHARDS`, so concurrent changes of one large unit rarely wait for the
same counter row; the rows of one statement are written in a fixed order, so two transactions never deadlock on them.
"""

from collections import Counter

from django.db import connection

from .models import Contract, ContractStatus, Favorite, TerminationStage, UnitTabCount
from .rules import TAB_STATUSES, EmployerTab

SHARDS = 8
S = ContractStatus


def stored_tabs(status: str, stage: str) -> list[EmployerTab]:
    """The tabs a contract counts in by its stored status (an overdue invitation still counts in 签约中 here)."""
    tabs = [tab for tab, statuses in TAB_STATUSES.items() if tab != EmployerTab.TERMINATION_FAILED and status in statuses]
    if status == S.SIGNED and stage == TerminationStage.FAILED:
        tabs.append(EmployerTab.TERMINATION_FAILED)
    return tabs


def add(changes: Counter) -> None:
    """Add {(unit_id, tab, shard): delta} to the counters, creating rows as needed, in key order."""
    rows = sorted((key, delta) for key, delta in changes.items() if delta)
    if not rows:
        return
    table = UnitTabCount._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [value for (unit_id, tab, shard), delta in rows for value in (unit_id, str(tab), shard, delta)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, tab, shard, count) VALUES {values} "
            f"ON CONFLICT (unit_id, tab, shard) DO UPDATE SET count = {table}.count + EXCLUDED.count",
            params,
        )


def moved(*, unit_id: int, contract_id: int, before: tuple[str, str] | None, after: tuple[str, str] | None,
          changes: Counter | None = None) -> Counter:
    """The counter changes of one contract going from (status, stage) `before` to `after` (None: not there)."""
    changes = Counter() if changes is None else changes
    shard = contract_id % SHARDS
    for tab, delta in tab_deltas(before=before, after=after).items():
        changes[(unit_id, tab, shard)] += delta
    return changes


def tab_deltas(*, before: tuple[str, str] | None, after: tuple[str, str] | None) -> dict[EmployerTab, int]:
    """What one contract going from (status, stage) `before` to `after` (None: not there) adds to each tab."""
    deltas = Counter()
    for tab in stored_tabs(*before) if before else ():
        deltas[tab] -= 1
    for tab in stored_tabs(*after) if after else ():
        deltas[tab] += 1
    return {tab: delta for tab, delta in deltas.items() if delta}


def record_move(contract: Contract, *, before: tuple[str, str]) -> None:
    add(moved(unit_id=contract.unit_id, contract_id=contract.pk, before=before,
              after=(contract.status, contract.termination_stage)))


def record_new(contract: Contract) -> None:
    add(moved(unit_id=contract.unit_id, contract_id=contract.pk, before=None,
              after=(contract.status, contract.termination_stage)))


def record_favorite(*, unit_id: int, graduate_id: int, delta: int) -> None:
    add(Counter({(unit_id, EmployerTab.FAVORITES, graduate_id % SHARDS): delta}))


OVERDUE = "~overdue"


def tab_counts(unit_id: int, now) -> dict[str, int]:
    """Each tab's count for the unit now, in one query however many contracts it has: the shards' sums, and the
    invitations past their deadline the expiry job has not marked yet (an index range over the unit's few)."""
    counts = {tab.value: 0 for tab in EmployerTab}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tab, SUM(count) FROM {UnitTabCount._meta.db_table} WHERE unit_id = %s GROUP BY tab "
            f"UNION ALL SELECT %s, COUNT(*) FROM {Contract._meta.db_table} "
            f"WHERE unit_id = %s AND status = %s AND deadline <= %s",
            [unit_id, OVERDUE, unit_id, S.INVITED.value, connection.ops.adapt_datetimefield_value(now)],
        )
        totals = dict(cursor.fetchall())
    overdue = totals.pop(OVERDUE, 0)
    counts.update({tab: int(total) for tab, total in totals.items()})
    counts[EmployerTab.SIGNING.value] -= overdue
    counts[EmployerTab.FAILED.value] += overdue
    return counts


def recount_sql(unit_filter: str = "") -> str:
    """One INSERT … SELECT that counts every unit's contracts and favorites by tab and shard from the rows themselves
    (`unit_filter`: an extra condition on unit_id, e.g. "unit_id IN (1, 2)")."""
    contract, favorite = Contract._meta.db_table, Favorite._meta.db_table
    where = f"WHERE {unit_filter}" if unit_filter else ""
    branches = []
    for tab, statuses in TAB_STATUSES.items():
        if tab in (EmployerTab.FAVORITES, EmployerTab.TERMINATION_FAILED):
            continue
        listed = ", ".join(f"'{status}'" for status in statuses)
        branches.append(
            f"SELECT unit_id, '{tab}', MOD(id, {SHARDS}), COUNT(*) FROM {contract} "
            f"WHERE status IN ({listed}) {'AND ' + unit_filter if unit_filter else ''} GROUP BY unit_id, MOD(id, {SHARDS})"
        )
    branches.append(
        f"SELECT unit_id, '{EmployerTab.TERMINATION_FAILED}', MOD(id, {SHARDS}), COUNT(*) FROM {contract} "
        f"WHERE status = '{S.SIGNED}' AND termination_stage = '{TerminationStage.FAILED}' "
        f"{'AND ' + unit_filter if unit_filter else ''} GROUP BY unit_id, MOD(id, {SHARDS})"
    )
    branches.append(
        f"SELECT unit_id, '{EmployerTab.FAVORITES}', MOD(graduate_id, {SHARDS}), COUNT(*) FROM {favorite} {where} "
        f"GROUP BY unit_id, MOD(graduate_id, {SHARDS})"
    )
    return (f"INSERT INTO {UnitTabCount._meta.db_table} (unit_id, tab, shard, count) "
            + " UNION ALL ".join(branches))


def recount(unit_ids=None) -> None:
    """Rebuild the counters of these units (all when None) from the rows themselves, in the caller's transaction."""
    counters = UnitTabCount.objects.all()
    unit_filter = ""
    if unit_ids is not None:
        ids = [int(unit_id) for unit_id in unit_ids]
        if not ids:
            return
        counters = counters.filter(unit_id__in=ids)
        unit_filter = f"unit_id IN ({', '.join(str(unit_id) for unit_id in ids)})"
    counters.delete()
    with connection.cursor() as cursor:
        cursor.execute(recount_sql(unit_filter))
