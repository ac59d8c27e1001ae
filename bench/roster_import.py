"""Benchmark of the roster import: 100,000 rows through the real path, against a naive row-by-row baseline.

    DATABASE_URL=postgres://... .venv/bin/python bench/roster_import.py [rows] [baseline_rows]

Everything happens in one transaction that is rolled back at the end, so any database can be used.
Prints rows/s for: reading + checking the CSV and the same rows as XLSX, the first import (inserts), a re-import (no changes) and the naive
baseline (update_or_create per row, measured on a sample in the same run), and the ratio between them.
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signing_platform.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from schools import roster_import  # noqa: E402
from schools.models import College, Graduate, Reviewer, School  # noqa: E402
from schools.services import roster_import as import_rows  # noqa: E402
from signing_platform.accounts.models import Role, User  # noqa: E402
from signing_platform.crypto import encrypt_id_number, id_number_hash  # noqa: E402
from signing_platform.validators import id_number_check_char, mask_id_number  # noqa: E402

COLLEGES = [f"第{i}学院" for i in range(1, 21)]


def make_csv(rows: int) -> bytes:
    lines = [",".join(roster_import.HEADERS)]
    for i in range(rows):
        first17 = f"{110000 + i % 500}{2000 + i % 5}{1 + i % 12:02d}{1 + i % 28:02d}{i // 500 % 1000:03d}"
        id_number = first17 + id_number_check_char(first17)
        lines.append(
            f"学生{i},{id_number},{2022000000 + i},{'男' if i % 2 else '女'},本科,软件工程,计算机类,"
            f"{COLLEGES[i % len(COLLEGES)]},2026,139{i:08d}"
        )
    return "\r\n".join(lines).encode("utf-8-sig")


def make_xlsx(csv_data: bytes) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("生源信息")
    for line in csv_data.decode("utf-8-sig").split("\r\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Rollback(Exception):
    pass


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else float("inf")


def main(rows: int, baseline_rows: int) -> None:
    data = make_csv(rows)
    print(f"{rows} rows, {len(data) / 1e6:.1f} MB CSV, database {django.db.connection.vendor}")
    try:
        with transaction.atomic():
            school = School.objects.create(name="基准测试大学", code="99999", province="北京市")
            College.objects.bulk_create([College(school=school, name=name) for name in COLLEGES])
            user = User.objects.create_user(role=Role.SCHOOL_REVIEWER, username="bench-reviewer", password=None)
            reviewer = Reviewer.objects.create(user=user, role=Role.SCHOOL_REVIEWER, school=school)

            start = time.perf_counter()
            checked = roster_import.check_rows(roster_import.read_table(name="bench.csv", data=data), college_names=set(COLLEGES))
            read_seconds = time.perf_counter() - start
            assert not checked.errors, checked.errors[:3]

            xlsx = make_xlsx(data)
            start = time.perf_counter()
            from_xlsx = roster_import.check_rows(
                roster_import.read_table(name="bench.xlsx", data=xlsx), college_names=set(COLLEGES)
            )
            xlsx_seconds = time.perf_counter() - start
            assert from_xlsx.rows == checked.rows

            start = time.perf_counter()
            first = import_rows(reviewer=reviewer, checked=checked, skip_bad_rows=False)
            insert_seconds = time.perf_counter() - start
            start = time.perf_counter()
            again = import_rows(reviewer=reviewer, checked=checked, skip_bad_rows=False)
            reimport_seconds = time.perf_counter() - start
            assert first.created == rows and again.unchanged == rows

            sample = checked.rows[:baseline_rows]
            colleges = dict(College.objects.filter(school=school).values_list("name", "id"))
            start = time.perf_counter()
            for row in sample:
                Graduate.objects.update_or_create(
                    school=school,
                    id_hash=id_number_hash(row.id_number),
                    graduation_year=row.graduation_year - 1,  # new entries, as in the first import
                    defaults={
                        "name": row.name, "student_no": row.student_no, "gender": row.gender,
                        "education_level": row.education_level, "major": row.major,
                        "major_category": row.major_category, "college_id": colleges[row.college_name],
                        "mobile": row.mobile, "id_encrypted": encrypt_id_number(row.id_number),
                        "id_masked": mask_id_number(row.id_number),
                    },
                )
            naive_seconds = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    total = read_seconds + insert_seconds
    print(f"CSV read + check:      {read_seconds:6.2f} s  {rate(rows, read_seconds):9.0f} rows/s")
    print(f"XLSX read + check:     {xlsx_seconds:6.2f} s  {rate(rows, xlsx_seconds):9.0f} rows/s")
    print(f"import (inserts):      {insert_seconds:6.2f} s  {rate(rows, insert_seconds):9.0f} rows/s")
    print(f"CSV file to database:  {total:6.2f} s  {rate(rows, total):9.0f} rows/s")
    xlsx_total = xlsx_seconds + insert_seconds
    print(f"XLSX file to database: {xlsx_total:6.2f} s  {rate(rows, xlsx_total):9.0f} rows/s")
    print(f"re-import (no-op):     {reimport_seconds:6.2f} s  {rate(rows, reimport_seconds):9.0f} rows/s")
    print(f"naive baseline:        {naive_seconds:6.2f} s  {rate(baseline_rows, naive_seconds):9.0f} rows/s ({baseline_rows} rows)")
    print(f"ratio (bulk import / naive): {rate(rows, insert_seconds) / rate(baseline_rows, naive_seconds):.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 2_000)
