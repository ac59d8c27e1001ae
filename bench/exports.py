"""Export benchmark: the time and peak memory of an export of 100,000 rows, and that the memory does not grow with the
row count, against a naive openpyxl workbook of the same rows measured in the same run.

    .venv/bin/python bench/exports.py [--rows 10000,100000]

Needs PostgreSQL: it reads the largest unit (100,000 contracts) of bench/pages.py's database bench_pages_1000000 on
the server BENCH_DATABASE_URL names, and has bench/pagedata.py build it when it is missing (a few minutes). An existing
one is read as it is, never migrated or written to (other branches' page benchmarks keep using it), which is enough:
an export reads only contracts, graduates, schools and units.

Each measurement runs in a fresh process, so its peak resident memory (ru_maxrss) is the export's own; the figure
shown is that peak minus the process's resident memory just before the export (Django loaded, connected):
- export: the platform's path (exports/services.py Job.write): the rows of 签约解约's columns read with
  `.iterator(chunk_size=2000)` and written by openpyxl's write-only workbook to a temporary file;
- naive: the same rows and cells, the queryset evaluated at once, into a normal openpyxl workbook saved at the end;
- 签约中 tab: the real registry entry (exports.kinds) on the largest unit's 签约中 tab, for its selector's speed.
Targets: 100,000 rows under 60 s, and the export's extra memory at 100,000 rows within 25 MB of that at 10,000.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import ENV, PYTHON, database_url, ensure_database, psql  # noqa: E402

DATABASE = "bench_pages_1000000"
TARGET_SECONDS, TARGET_GROWTH_MB = 60, 25


def inner(mode: str, rows: int) -> None:
    """In a fresh process: one export of `rows` rows of the largest unit, by `mode`; prints its figures as JSON."""
    import resource
    import tempfile

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signing_platform.settings")
    django.setup()
    from django.db.models import Count
    from django.utils import timezone
    from openpyxl import Workbook

    from contracts import selectors
    from contracts.models import Contract
    from contracts.rules import EmployerTab
    from employers.models import Unit
    from exports import kinds
    from exports.services import Job
    from signing_platform.spreadsheets import safe_row

    unit_id = Contract.objects.values("unit_id").annotate(n=Count("id")).order_by("-n").values_list("unit_id", flat=True)[0]
    unit = Unit.objects.get(pk=unit_id)
    now = timezone.now()
    if mode == "tab":
        params = kinds.employer_params({"tab": EmployerTab.SIGNING.value})
        job = Job(kind=kinds.KINDS["employer_list"], scope=unit, params=params)
    else:
        bench_kind = kinds.ExportKind(
            key="bench", list_url="contracts:employer_list", scope=lambda user: None, parse=lambda query: None,
            rows=lambda unit, filters, now: Contract.objects.filter(unit=unit).select_related("graduate", "school")
            .only(*selectors.EXPORT_FIELDS).order_by("-last_event_at", "-pk")[:rows],
            columns=lambda filters: kinds.EMPLOYER_CONTRACT_COLUMNS,
        )
        job = Job(kind=bench_kind, scope=unit, params=kinds.Params(filters=None, query={}, title="签约解约"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with tempfile.TemporaryFile() as file:
        if mode == "naive":
            workbook = Workbook()
            sheet = workbook.active
            sheet.append(job.headers())
            columns = job.kind.columns(None)
            records = list(job.records(now))
            for number, record in enumerate(records, start=1):
                sheet.append(safe_row([number, *(column.value(record, now) for column in columns)]))
            workbook.save(file)
            written = len(records)
        else:
            written = job.write(file, now)
        size = file.tell()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": written, "seconds": seconds, "extra_mb": (after - before) / 1024,
                      "peak_mb": after / 1024, "bytes": size}))


def measure(mode: str, rows: int) -> dict:
    env = {**ENV, "DATABASE_URL": database_url(DATABASE)}
    out = subprocess.run([PYTHON, "bench/exports.py", "--inner", mode, str(rows)], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--inner", nargs=2, metavar=("MODE", "ROWS"))
    args = parser.parse_args()
    if args.inner:
        inner(args.inner[0], int(args.inner[1]))
        return 0
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") != "1":
        ensure_database(1_000_000, rebuild=False)
    sizes = [int(size) for size in args.rows.split(",")]
    results = {(mode, size): measure(mode, size) for size in sizes for mode in ("export", "naive")}
    tab = measure("tab", 0)
    print(f"\n== export of the largest unit's contracts ({DATABASE}), each in a fresh process")
    print(f"{'':<22}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'extra MB':>10}{'peak MB':>9}{'file MB':>9}")
    for (mode, _size), run in results.items():
        print(f"{mode:<22}{run['rows']:>9,}{run['seconds']:>9.1f}{run['rows'] / run['seconds']:>9,.0f}"
              f"{run['extra_mb']:>10.1f}{run['peak_mb']:>9.1f}{run['bytes'] / 1e6:>9.1f}")
    print(f"{'签约中 tab (registry)':<19}{tab['rows']:>9,}{tab['seconds']:>9.1f}{tab['rows'] / tab['seconds']:>9,.0f}"
          f"{tab['extra_mb']:>10.1f}{tab['peak_mb']:>9.1f}{tab['bytes'] / 1e6:>9.1f}")
    small, large = sizes[0], sizes[-1]
    export_growth = results[("export", large)]["extra_mb"] - results[("export", small)]["extra_mb"]
    naive_growth = results[("naive", large)]["extra_mb"] - results[("naive", small)]["extra_mb"]
    seconds = results[("export", large)]["seconds"]
    naive_seconds = results[("naive", large)]["seconds"]
    print(f"\nextra memory from {small:,} to {large:,} rows: export {export_growth:+.1f} MB, naive {naive_growth:+.1f} MB"
          f" (target: export within {TARGET_GROWTH_MB} MB)")
    print(f"{large:,} rows: export {seconds:.1f} s, naive {naive_seconds:.1f} s ({naive_seconds / seconds:.2f}× the "
          f"export's time), export's extra memory {results[('export', large)]['extra_mb']:.1f} MB vs naive "
          f"{results[('naive', large)]['extra_mb']:.1f} MB (target: under {TARGET_SECONDS} s)")
    met = export_growth <= TARGET_GROWTH_MB and seconds < TARGET_SECONDS
    print("\nevery target met" if met else "\nsome targets missed")
    return 0 if met else 1


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
