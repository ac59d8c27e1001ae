"""落实率 statistics benchmark: the statistics page of a school of 50,000 graduates and the platform-wide table over
1,000,000 graduates, against a plain COUNT(*) of the same graduates measured in the same run, and the plans' indexes.

    .venv/bin/python bench/placement_statistics.py [--rebuild] [--repeat 5]

Needs PostgreSQL: it makes the database bench_statistics on the server BENCH_DATABASE_URL names (default
postgres://postgres@127.0.0.1:5432/postgres), migrates it and fills it by SQL (generate_series, a few minutes); it is
kept, and rebuilt when this file or a migration it has applied changes (or with --rebuild).

Shape: 100 schools in 31 provinces; school 1 holds 50,000 graduates of 2026 in 20 colleges of 5 majors, the other
950,000 graduates (nine in ten of 2026) are spread over 99 schools of 10 colleges. 学历层次: 3 % 专科, 75 % 本科,
20 % 硕士, 2 % 博士. Destinations in a national mix: 27 % code 10 from a signed agreement (1 % of all under
termination), 34 % other codes of 单位就业, 6 % 自主创业 and 自由职业, 21 % 升学 (800s and 85), 6 % 待就业 or 暂不就业 — all
confirmed; 4 % a registration under review, 1.5 % returned, 4 % an agreement under review, 5 % nothing; a tenth of the
graduates also have a refused invitation. ID numbers are placeholders (statistics never read them).

Measured in one process on that database (median of --repeat): the school's statistics page as its school reviewer
sees it (the view, with its queries and template; its query count), the selector alone, the statistics export, the
platform-wide selector; the baseline is `SELECT COUNT(*)` over the same graduates (index-only scans). EXPLAIN of both
aggregate queries must show the statistics index on the roster, the graduate's Destination row by its unique key and
the active contract by its partial unique index.
Targets: the school's page under 1 s and the platform's table under 10 s.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import hashlib  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench.pages import ENV, PYTHON, database_url, psql  # noqa: E402

DATABASE = "bench_statistics"
SCHOOL_GRADUATES, GRADUATES, SCHOOLS, UNITS = 50_000, 1_000_000, 100, 50
YEAR = 2026
TARGET_PAGE_S, TARGET_PLATFORM_S = 1.0, 10.0
PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
    "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
]
# Per 1,000 graduates (a hash bucket b of the id): (upper bound, code, destination state, contract status).
PLAN = [
    (260, "10", "confirmed", "signed"), (270, "10", "confirmed", "terminating"), (420, "11", "confirmed", ""),
    (460, "12", "confirmed", ""), (475, "271", "confirmed", ""), (485, "46", "confirmed", ""),
    (495, "502", "confirmed", ""), (505, "503", "confirmed", ""), (515, "512", "confirmed", ""),
    (525, "519", "confirmed", ""), (545, "75", "confirmed", ""), (585, "76", "confirmed", ""),
    (735, "801", "confirmed", ""), (745, "802", "confirmed", ""), (795, "85", "confirmed", ""),
    (825, "70", "confirmed", ""), (845, "71", "confirmed", ""), (855, "72", "confirmed", ""),
    (875, "11", "pending_college", ""), (895, "801", "pending_school", ""), (910, "11", "returned", ""),
    (930, "", "", "accepted"), (950, "", "", "college_approved"), (1000, "", "", ""),
]


def fingerprint() -> str:
    """The builder's and the migrations': the data is rebuilt when either changes (not when the measurements do)."""
    shape = repr((SCHOOL_GRADUATES, GRADUATES, SCHOOLS, UNITS, YEAR, PROVINCES, PLAN)).encode()
    parts = [shape, inspect.getsource(build).encode()]
    parts += [path.read_bytes() for path in sorted(ROOT.glob("*/migrations/0*.py"))]
    return hashlib.sha256(b"".join(parts)).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------- the data


def build() -> dict:
    from django.db import connection, transaction

    def run(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params or {})

    steps = []

    def step(name, sql, params=None):
        started = time.perf_counter()
        run(sql, params)
        steps.append((name, round(time.perf_counter() - started, 1)))

    plan = " ".join(f"WHEN b < {bound} THEN '{code}|{state}|{contract}'" for bound, code, state, contract in PLAN)
    with transaction.atomic():
        run("SET LOCAL synchronous_commit = off")
        # Every reference is made by the generator itself: skip the per-row foreign-key triggers.
        run("SET LOCAL session_replication_role = replica")
        step("schools", """
            INSERT INTO schools_school (id, name, code, province, review_levels)
            SELECT s, '示例大学' || s, lpad((10000 + s)::text, 5, '0'), (%(provinces)s::text[])[1 + (s - 1) %% 31], 2
            FROM generate_series(1, %(schools)s) s;
            INSERT INTO schools_college (id, name, school_id)
            SELECT c, '第' || c || '学院', 1 FROM generate_series(1, 20) c;
            INSERT INTO schools_college (id, name, school_id)
            SELECT 20 + (s - 2) * 10 + c, '第' || c || '学院', s
            FROM generate_series(2, %(schools)s) s, generate_series(1, 10) c
        """, {"provinces": PROVINCES, "schools": SCHOOLS})
        step("units", """
            INSERT INTO accounts_user (id, password, is_superuser, username, mobile, role, name, is_active, is_staff,
                                       date_joined)
            SELECT u, '!', false, NULL, '139' || lpad(u::text, 8, '0'), 'employer', '人事' || u, true, false, now()
            FROM generate_series(1, %(units)s) u;
            INSERT INTO employers_unit (id, name, credit_code, address, contact_name, contact_phone, auth_status,
                                        authenticated_at, created_at)
            SELECT u, '示例单位' || u || '有限公司', '91110000' || lpad(u::text, 10, '0'), '北京市海淀区', '联系人',
                   '13600000000', 'authenticated', now() - interval '300 days', now() - interval '300 days'
            FROM generate_series(1, %(units)s) u;
            INSERT INTO employers_contact (id, name, mobile, email, is_active, unit_id)
            SELECT u, '联系人' || u, '136' || lpad(u::text, 8, '0'), '', true, u FROM generate_series(1, %(units)s) u
        """, {"units": UNITS})
        step("graduates", f"""
            CREATE TEMP TABLE bench_plan AS
            SELECT g, school, college, split_part(v, '|', 1) AS code, split_part(v, '|', 2) AS state,
                   split_part(v, '|', 3) AS contract
            FROM (SELECT g, school, college, CASE {plan} END AS v
                  FROM (SELECT g, ((g * 2654435761) / 997) %% 1000 AS b,
                               CASE WHEN g <= %(school_graduates)s THEN 1 ELSE 2 + g %% (%(schools)s - 1) END AS school,
                               CASE WHEN g <= %(school_graduates)s THEN 1 + (g / 3) %% 20
                                    ELSE 20 + (g %% (%(schools)s - 1)) * 10 + 1 + (g / 7) %% 10 END AS college
                        FROM generate_series(1::bigint, %(graduates)s) g) hashed) chosen;
            INSERT INTO schools_graduate (id, name, student_no, gender, education_level, major, major_category,
                                          graduation_year, mobile, id_hash, id_encrypted, id_masked, created_at,
                                          updated_at, college_id, school_id)
            SELECT g, '学生' || g, '2022' || lpad(g::text, 8, '0'), CASE WHEN g %% 2 = 0 THEN 'male' ELSE 'female' END,
                   CASE WHEN g %% 100 < 3 THEN 'junior_college' WHEN g %% 100 < 78 THEN 'bachelor'
                        WHEN g %% 100 < 98 THEN 'master' ELSE 'doctor' END,
                   '专业' || college || '-' || (g / 11) %% 5, '工学',
                   CASE WHEN school = 1 OR g %% 10 <> 0 THEN {YEAR} ELSE {YEAR - 1} END, '', md5(g::text), '-',
                   '110105********' || lpad((g %% 10000)::text, 4, '0'), now(), now(), college, school
            FROM bench_plan
        """, {"school_graduates": SCHOOL_GRADUATES, "schools": SCHOOLS, "graduates": GRADUATES})
        contract_columns = """
            id, graduation_year, status, post_name, valid_days, deadline, contact_name, contact_mobile, work_location,
            salary, remarks, created_at, accepted_at, college_approved_at, signed_at, closed_at, last_event_at,
            two_level_review, student_note, review_note, agreement_no, verification_code, archive_receiver_name,
            archive_address, archive_postcode, archive_contact_name, archive_contact_phone, college_id, contact_id,
            created_by_id, graduate_id, school_id, unit_id, job_category_id, termination_note, termination_stage,
            student_name"""
        step("contracts", f"""
            INSERT INTO contracts_contract ({contract_columns})
            SELECT p.g, gr.graduation_year, p.contract, '岗位', 7, now() - interval '50 days', '联系人', '13600000000',
                   '', '', '', now() - interval '60 days', now() - interval '58 days',
                   CASE WHEN p.contract <> 'accepted' THEN now() - interval '57 days' END,
                   CASE WHEN p.contract IN ('signed', 'terminating') THEN now() - interval '56 days' END, NULL,
                   now() - interval '56 days', true, '', '',
                   CASE WHEN p.contract IN ('signed', 'terminating') THEN 'B' || lpad(p.g::text, 10, '0') END,
                   'ABCD2345', '', '', '', '', '', p.college, 1 + p.g %% {UNITS}, 1 + p.g %% {UNITS}, p.g, p.school,
                   1 + p.g %% {UNITS}, 1 + p.g %% 19, '',
                   CASE WHEN p.contract = 'terminating' THEN 'counterpart' ELSE '' END, gr.name
            FROM bench_plan p JOIN schools_graduate gr ON gr.id = p.g WHERE p.contract <> '';
            INSERT INTO contracts_contract ({contract_columns})
            SELECT %(graduates)s + p.g, gr.graduation_year, 'refused', '岗位', 7, now() - interval '80 days', '联系人',
                   '13600000000', '', '', '', now() - interval '90 days', NULL, NULL, NULL, now() - interval '85 days',
                   now() - interval '85 days', true, '', '', NULL, '', '', '', '', '', '', p.college,
                   1 + p.g %% {UNITS}, 1 + p.g %% {UNITS}, p.g, p.school, 1 + (p.g + 7) %% {UNITS}, 1 + p.g %% 19, '',
                   '', gr.name
            FROM bench_plan p JOIN schools_graduate gr ON gr.id = p.g WHERE p.g %% 10 = 3
        """, {"graduates": GRADUATES})
        step("destinations", f"""
            INSERT INTO students_destinationrecord (
                id, graduation_year, status, offline, two_level_review, unit_name, credit_code, work_kind, school_name,
                major, country, note, proof, proof_content_type, submitted_at, college_approved_at, decided_at,
                return_reason, ended_at, end_note, last_event_at, verification_no, code_id, college_id, contract_id,
                graduate_id, school_id)
            SELECT p.g, {YEAR}, p.state, false, true, '', '', '', '', '', '', '', '', '', now() - interval '30 days',
                   NULL, CASE WHEN p.state = 'confirmed' THEN now() - interval '20 days' END,
                   CASE WHEN p.state = 'returned' THEN '证明材料不清晰' ELSE '' END, NULL, '',
                   now() - interval '20 days',
                   CASE WHEN p.state = 'confirmed' THEN upper(substr(md5('v' || p.g), 1, 12)) END, p.code, p.college,
                   CASE WHEN p.code = '10' THEN p.g END, p.g, p.school
            FROM bench_plan p WHERE p.code <> '';
            INSERT INTO students_destination (id, graduate_id, record_id, code_id, request_id, state, updated_at)
            SELECT p.g, p.g, CASE WHEN p.state = 'confirmed' THEN p.g END,
                   CASE WHEN p.state = 'confirmed' THEN p.code END, CASE WHEN p.state <> 'confirmed' THEN p.g END,
                   p.state, now() - interval '20 days'
            FROM bench_plan p WHERE p.code <> ''
        """)
        from django.contrib.auth.hashers import make_password

        from tests.factories import PASSWORD

        run("""
            INSERT INTO accounts_user (id, password, is_superuser, username, mobile, role, name, is_active, is_staff,
                                       date_joined)
            VALUES (%(id)s, %(pw)s, false, 'bench_school', NULL, 'school_reviewer', '学校审核员', true, false, now());
            INSERT INTO schools_reviewer (role, is_active, created_at, college_id, user_id, school_id)
            VALUES ('school_reviewer', true, now(), NULL, %(id)s, 1)
        """, {"id": UNITS + 1, "pw": make_password(PASSWORD)})
        for table in ("accounts_user", "employers_unit", "employers_contact", "schools_school", "schools_college",
                      "schools_graduate", "contracts_contract", "students_destinationrecord", "students_destination"):
            run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    steps.append(("vacuum analyze", round(time.perf_counter() - started, 1)))
    return {"build_seconds": dict(steps)}


def ensure_database(*, rebuild: bool) -> None:
    env = {**ENV, "DATABASE_URL": database_url(DATABASE)}
    wanted = fingerprint()
    if not rebuild and psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") == "1":
        try:
            if psql("SELECT fingerprint FROM bench_meta", DATABASE) == wanted:
                return
        except RuntimeError:
            pass
    print(f"building {DATABASE} (a few minutes)…", flush=True)
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([PYTHON, "bench/placement_statistics.py", "--inner", "build"], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    print("built:", out.strip().splitlines()[-1], flush=True)
    psql(f"CREATE TABLE bench_meta (fingerprint text); INSERT INTO bench_meta VALUES ('{wanted}')", DATABASE)


# ---------------------------------------------------------------------------------------------- the measurements


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def measure(repeat: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from exports import services as export_services
    from schools import statistics as stats
    from schools.models import Graduate
    from schools.selectors import reviewer_for_user
    from signing_platform.accounts.models import User

    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG is off: pages name their hashed static files
    user = User.objects.get(username="bench_school")
    reviewer = reviewer_for_user(user)
    client = Client()
    client.force_login(user)
    url = f"/school/statistics/?year={YEAR}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    page()  # warm: templates, the code list, the buffer cache
    with CaptureQueriesContext(connection) as queries:
        html = page().content.decode()
    figures = {"page_queries": len(queries.captured_queries)}
    figures["page"] = median_seconds(page, repeat)
    figures["selector"] = median_seconds(lambda: stats.school_statistics(reviewer=reviewer, year=YEAR), repeat)
    school = Graduate.objects.filter(school_id=1, graduation_year=YEAR)
    figures["school_graduates"] = school.count()
    figures["school_baseline"] = median_seconds(school.count, repeat)

    def export():
        started = export_services.export_start(user=user, kind="statistics", query={"year": str(YEAR)})
        started.file.close()

    figures["export"] = median_seconds(export, max(1, repeat // 2))
    platform = Graduate.objects.filter(graduation_year=YEAR)
    figures["platform_graduates"] = platform.count()
    figures["platform"] = median_seconds(lambda: stats.platform_statistics(year=YEAR), max(1, repeat // 2))
    figures["platform_baseline"] = median_seconds(platform.count, max(1, repeat // 2))
    total = stats.school_statistics(reviewer=reviewer, year=YEAR).total
    figures["school_rate"] = total.rate_label
    figures["rate_on_page"] = total.rate_label in html
    codes = [code.code for code in stats.destination_codes()]
    school_query = stats.grouped_query(
        stats.graduates_for_reviewer(reviewer).filter(graduation_year=YEAR), by=stats.SCHOOL_GROUPS, codes=codes
    )
    figures["platform_plan"] = stats.grouped_query(platform, by=stats.PLATFORM_GROUPS, codes=codes).explain()
    # The school's query as the selector plans it (stats.plans_that_probe_indexes), and as the server's own
    # random_page_cost would: what the selector's setting saves.
    figures["probing_cost"] = stats.INDEX_PROBING_RANDOM_PAGE_COST
    with stats.plans_that_probe_indexes(connection.alias):
        figures["ssd_school_plan"] = school_query.explain()
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        figures["random_page_cost"] = cursor.fetchone()[0]
    figures["school_plan"] = school_query.explain()
    figures["default_cost_query"] = median_seconds(lambda: list(school_query.all()), repeat)
    return figures


INDEXES = {
    "the roster by school and year": "graduate_school_year",
    "the Destination row by graduate": "students_destination_graduate_id_key",
    "the active contract by its partial unique index": "contract_one_active_per_graduate",
}


def indexes_used(plan: str) -> str:
    return ", ".join(f"{name} {'yes' if index in plan else 'no'}" for name, index in INDEXES.items())


def report(figures: dict) -> bool:
    print(f"\n== 落实率 statistics ({DATABASE}: {GRADUATES:,} graduates, {SCHOOLS} schools)")
    print(f"school 1, {YEAR}: {figures['school_graduates']:,} graduates, 落实率 {figures['school_rate']} "
          f"(on the page: {'yes' if figures['rate_on_page'] else 'NO'})")
    rows = [
        ("statistics page (school reviewer)", figures["page"], figures["school_baseline"]),
        ("  its selector alone", figures["selector"], figures["school_baseline"]),
        (f"  its query at the server's random_page_cost ({figures['random_page_cost']})", figures["default_cost_query"],
         figures["school_baseline"]),
        ("  导出Excel of the same tables", figures["export"], figures["school_baseline"]),
        (f"platform-wide ({figures['platform_graduates']:,} graduates)", figures["platform"],
         figures["platform_baseline"]),
    ]
    print(f"{'':<48}{'ms':>9}{'baseline ms':>13}{'× baseline':>12}")
    for name, seconds, baseline in rows:
        print(f"{name:<48}{seconds * 1000:>9.1f}{baseline * 1000:>13.1f}{seconds / baseline:>12.1f}")
    print(f"baseline: SELECT COUNT(*) over the same graduates; the page ran {figures['page_queries']} queries")
    print(f"EXPLAIN (school, random_page_cost {figures['random_page_cost']}): {indexes_used(figures['school_plan'])}")
    print(f"EXPLAIN (school, random_page_cost {figures['probing_cost']}): {indexes_used(figures['ssd_school_plan'])}")
    print(f"EXPLAIN (platform): {indexes_used(figures['platform_plan'])}")
    if os.environ.get("BENCH_SHOW_PLANS"):
        print(figures["school_plan"], figures["ssd_school_plan"], figures["platform_plan"], sep="\n\n")
    met = (figures["page"] < TARGET_PAGE_S and figures["platform"] < TARGET_PLATFORM_S and figures["rate_on_page"]
           and all(index in figures["ssd_school_plan"] for index in INDEXES.values()))
    print(f"targets: the school's page under {TARGET_PAGE_S:.0f} s, the platform's table under {TARGET_PLATFORM_S:.0f} s,"
          f" the school's plan on the three indexes (random_page_cost {figures['probing_cost']})")
    print("every target met" if met else "some targets missed")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inner", choices=["build", "measure"])
    args = parser.parse_args()
    if args.inner:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signing_platform.settings")
        django.setup()
        result = build() if args.inner == "build" else measure(args.repeat)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    ensure_database(rebuild=args.rebuild)
    env = {**ENV, "DATABASE_URL": database_url(DATABASE), "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-static-")}
    out = subprocess.run([PYTHON, "bench/placement_statistics.py", "--inner", "measure", "--repeat", str(args.repeat)],
                         cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return 0 if report(json.loads(out.strip().splitlines()[-1])) else 1


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
