"""Builds a PostgreSQL database of N contracts with the shape of a national season, for bench/pages.py.

    DATABASE_URL=postgres://…/bench_pages_1m .venv/bin/python bench/pagedata.py 1000000 > cast.json

The database must exist and be empty; the schema comes from `manage.py migrate`. Every row is made by SQL
(generate_series), so 1,000,000 contracts take a few minutes, not half an hour: ID numbers are protected in bulk by
pgcrypto — the keyed hash is the same HMAC-SHA256 the app computes and the token is a real Fernet token under the
configured key (the builder checks a sample with the app's own functions).

Shape at N contracts (one graduate per contract, a twentieth more graduates only in favorites):
- N/1000 units (at least 50); unit 1 holds a tenth of all contracts, 20 % of them 签约中;
- N/10000 schools (at least 5) of ten colleges; school 1 holds 4 % of the graduates (at least about 1,500, so that
  every reviewer page shows a full page at 10,000 too) and long queues: 24 % of its contracts wait for the school
  (9,600 at 1,000,000), 15 % for their college, 3 % are terminations waiting for the school;
- about 2.8 events per contract, termination requests where the status needs one, a favorite per contract;
- 1 % of the open invitations are past their deadline without the expiry job having run.
Prints a JSON "cast": the users to sign in as and the records the benchmark pages show.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signing_platform.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰",
    "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "建国", "玉兰", "建军", "婷", "波", "宇", "浩", "鑫", "颖", "琳",
    "晨", "欣怡", "子涵", "梓萱", "一诺", "浩然", "宇轩", "雨桐", "思远", "嘉怡", "博文", "若曦", "天佑",
]
# Per 1,000 contracts: the stored state (status, termination stage) of each bucket of a hash of the id.
STATES = [
    (140, "invited", ""), (170, "accepted", ""), (200, "college_approved", ""), (550, "signed", ""),
    (650, "refused", ""), (770, "expired", ""), (800, "rejected", ""), (850, "withdrawn", ""), (930, "voided", ""),
    (935, "terminating", "counterpart"), (940, "terminating", "school"), (980, "terminated", ""),
    (1000, "signed", "failed"),
]
# The events each state has been through.
PATHS = {
    "invited": ["invite"],
    "accepted": ["invite", "accept"],
    "college_approved": ["invite", "accept", "college_approve"],
    "signed": ["invite", "accept", "college_approve", "school_approve"],
    "refused": ["invite", "refuse"],
    "expired": ["invite", "expire"],
    "rejected": ["invite", "accept", "reject"],
    "withdrawn": ["invite", "withdraw"],
    "voided": ["invite", "void"],
    ("terminating", "counterpart"): ["invite", "accept", "college_approve", "school_approve", "termination_request"],
    ("terminating", "school"): [
        "invite", "accept", "college_approve", "school_approve", "termination_request", "termination_agree"
    ],
    "terminated": [
        "invite", "accept", "college_approve", "school_approve", "termination_request", "termination_agree",
        "termination_approve",
    ],
    ("signed", "failed"): [
        "invite", "accept", "college_approve", "school_approve", "termination_request", "termination_disagree"
    ],
}
TO_STATUS = {
    "invite": ("", "invited"), "accept": ("invited", "accepted"), "college_approve": ("accepted", "college_approved"),
    "school_approve": ("college_approved", "signed"), "refuse": ("invited", "refused"),
    "expire": ("invited", "expired"), "reject": ("accepted", "rejected"), "withdraw": ("invited", "withdrawn"),
    "void": ("invited", "voided"), "termination_request": ("signed", "terminating"),
    "termination_agree": ("terminating", "terminating"), "termination_approve": ("terminating", "terminated"),
    "termination_disagree": ("terminating", "signed"),
}


def run(sql: str, params=None) -> None:
    """Execute SQL (always with parameters, so a literal % is written %%)."""
    params = {} if params is None else params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def scalar(sql: str, params=None):
    params = {} if params is None else params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def build(n: int) -> dict:
    units, schools = max(50, n // 1000), max(5, n // 10_000)
    school_one_every = min(25, max(2, n // 1500))  # every 25th graduate is school 1's; more in a small database
    extra = max(10, n // 20)
    graduates = n + extra
    hash_key = settings.ID_NUMBER_HASH_KEY
    fernet_key = settings.ID_NUMBER_ENCRYPTION_KEY.split(",")[0].strip()
    steps = []

    def step(name, sql, params=None):
        started = time.perf_counter()
        run(sql, params)
        steps.append((name, time.perf_counter() - started))

    run("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    with transaction.atomic():
        run("SET LOCAL synchronous_commit = off")
        # Foreign keys are checked by triggers at commit, one call per row and key (millions here): the generator
        # makes every reference itself, so this session skips them (as a replica applying a dump would).
        run("SET LOCAL session_replication_role = replica")
        step("users", """
            INSERT INTO accounts_user (id, password, is_superuser, username, mobile, role, name, is_active, is_staff,
                                       date_joined)
            SELECT u, '!', false, NULL, '139' || lpad(u::text, 8, '0'), 'employer', '人事' || u, true, false, now()
            FROM generate_series(1, %(units)s) u
        """, {"units": units})
        step("units", """
            INSERT INTO employers_unit (id, name, credit_code, address, contact_name, contact_phone, auth_status,
                                        authenticated_at, created_at)
            SELECT u, '示例单位' || u || '有限公司', '91110000' || lpad(u::text, 10, '0'), '北京市海淀区', '联系人',
                   '13600000000', 'authenticated', now() - interval '300 days', now() - interval '300 days'
            FROM generate_series(1, %(units)s) u;
            INSERT INTO employers_unitmember (id, is_admin, is_active, created_at, unit_id, user_id)
            SELECT u, true, true, now(), u, u FROM generate_series(1, %(units)s) u;
            INSERT INTO employers_contact (id, name, mobile, email, is_active, unit_id)
            SELECT u, '联系人' || u, '136' || lpad(u::text, 8, '0'), '', true, u FROM generate_series(1, %(units)s) u
        """, {"units": units})
        step("schools", """
            INSERT INTO schools_school (id, name, code, province, review_levels)
            SELECT s, '示例大学' || s, lpad((10000 + s)::text, 5, '0'), '北京市', CASE WHEN s %% 3 = 0 THEN 1 ELSE 2 END
            FROM generate_series(1, %(schools)s) s;
            INSERT INTO schools_college (id, name, school_id)
            SELECT (s - 1) * 10 + c, '第' || c || '学院', s FROM generate_series(1, %(schools)s) s, generate_series(1, 10) c
        """, {"schools": schools})
        # ID numbers: 110105 + a birth date + a serial, with the GB 11643 check character.
        run("""
            CREATE TEMP TABLE bench_ids AS
            SELECT g, first17 || substr('10X98765432', (
                       SELECT SUM(substr(first17, k, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[k])
                       FROM generate_series(1, 17) k)::int %% 11 + 1, 1) AS id_number
            FROM (SELECT g, '110105' || to_char(date '1995-01-01' + (g %% 3650)::int, 'YYYYMMDD')
                              || lpad(((g / 3650) %% 1000)::text, 3, '0') AS first17
                  FROM generate_series(1::bigint, %(graduates)s) g) numbers
        """, {"graduates": graduates})
        fernet_sql = """
            translate(encode(
                '\\x80'::bytea || int8send(extract(epoch FROM now())::bigint) || iv || ct
                || hmac('\\x80'::bytea || int8send(extract(epoch FROM now())::bigint) || iv || ct, sk, 'sha256'),
            'base64'), E'+/\\n', '-_')
        """
        step("graduates", f"""
            WITH keys AS (
                SELECT substr(k, 1, 16) AS sk, substr(k, 17, 16) AS ek
                FROM (SELECT decode(translate(%(fernet)s, '-_', '+/'), 'base64') AS k) raw
            ), rows AS (
                SELECT i.g, i.id_number, gen_random_bytes(16) AS iv, keys.sk, keys.ek FROM bench_ids i, keys
            ), sealed AS (
                SELECT g, id_number, iv, sk, encrypt_iv(convert_to(id_number, 'UTF8'), ek, iv, 'aes-cbc/pad:pkcs') AS ct
                FROM rows
            )
            INSERT INTO schools_graduate (id, name, student_no, gender, education_level, major, major_category,
                                          graduation_year, mobile, id_hash, id_encrypted, id_masked, created_at,
                                          updated_at, college_id, school_id)
            SELECT g,
                   substr(%(surnames)s, (((g * 2654435761) / 13) %% 20 + 1)::int, 1)
                   || (%(given)s::text[])[(((g * 40503) / 11) %% 50 + 1)::int],
                   '2022' || lpad(g::text, 8, '0'), CASE WHEN g %% 2 = 0 THEN 'male' ELSE 'female' END,
                   CASE WHEN g %% 10 = 0 THEN 'master' ELSE 'bachelor' END, '专业' || (g %% 50), '工学',
                   2025 + g %% 3, '', encode(hmac(id_number, %(hash_key)s, 'sha256'), 'hex'),
                   {fernet_sql}, substr(id_number, 1, 6) || '********' || substr(id_number, 15, 4), now(), now(),
                   (school - 1) * 10 + 1 + (g / 7) %% 10, school
            FROM (SELECT *, CASE WHEN g %% %(one_every)s = 1 THEN 1 ELSE 2 + g %% (%(schools)s - 1) END AS school
                  FROM sealed) s
        """, {"fernet": fernet_key, "surnames": SURNAMES, "given": GIVEN, "hash_key": hash_key, "schools": schools,
              "one_every": school_one_every})
        states = " ".join(
            f"WHEN b < {bound} THEN '{status}|{stage}'" for bound, status, stage in STATES
        )
        step("contracts", f"""
            INSERT INTO contracts_contract (
                id, graduation_year, status, post_name, valid_days, deadline, contact_name, contact_mobile,
                work_location, salary, remarks, created_at, accepted_at, college_approved_at, signed_at, closed_at,
                last_event_at, two_level_review, student_note, review_note, agreement_no, verification_code,
                archive_receiver_name, archive_address, archive_postcode, archive_contact_name, archive_contact_phone,
                college_id, contact_id, created_by_id, graduate_id, school_id, unit_id, job_category_id,
                termination_note, termination_stage, student_name)
            SELECT i, gr.graduation_year, st.status, '岗位' || (i %% 100), 7,
                   CASE WHEN st.status <> 'invited' THEN t.created + interval '7 days'
                        WHEN ((i * 40503) / 7) %% 100 = 0 THEN now() - interval '1 hour'
                        ELSE now() + ((i * 31) %% (7 * 86400)) * interval '1 second' END,
                   '联系人' || t.unit, '136' || lpad(t.unit::text, 8, '0'), '', '', '', t.created,
                   CASE WHEN st.status NOT IN ('invited', 'refused', 'expired', 'withdrawn', 'voided')
                        THEN t.created + interval '1 day' END,
                   CASE WHEN st.status IN ('college_approved', 'signed', 'terminating', 'terminated')
                        THEN t.created + interval '2 days' END,
                   CASE WHEN st.status IN ('signed', 'terminating', 'terminated') THEN t.created + interval '3 days' END,
                   CASE WHEN st.status IN ('refused', 'expired', 'rejected', 'withdrawn', 'voided', 'terminated')
                        THEN t.last_event END,
                   t.last_event, sc.review_levels = 2, '', '',
                   CASE WHEN st.status IN ('signed', 'terminating', 'terminated')
                        THEN gr.graduation_year || sc.code || '31' || lpad(i::text, 8, '0') END,
                   CASE WHEN st.status IN ('signed', 'terminating', 'terminated') THEN 'ABCD2345' ELSE '' END,
                   '', '', '', '', '', gr.college_id, t.unit, t.unit, i, gr.school_id, t.unit, 1 + i %% 19,
                   CASE WHEN st.stage = 'failed' THEN '对方不同意解约：协商不一致' ELSE '' END, st.stage, gr.name
            FROM generate_series(1::bigint, %(n)s) i
            JOIN schools_graduate gr ON gr.id = i
            JOIN schools_school sc ON sc.id = gr.school_id
            CROSS JOIN LATERAL (SELECT CASE WHEN i %% 10 = 0 THEN 1 ELSE 2 + (i * 7919) %% (%(units)s - 1) END AS unit,
                                       ((i * 2654435761) / 997) %% 1000 AS b) h
            CROSS JOIN LATERAL (
                SELECT split_part(v, '|', 1) AS status, split_part(v, '|', 2) AS stage
                FROM (SELECT CASE WHEN gr.school_id = 1 AND h.b %% 100 < 24 THEN 'college_approved|'
                                  WHEN gr.school_id = 1 AND h.b %% 100 < 39 THEN 'accepted|'
                                  WHEN gr.school_id = 1 AND h.b %% 100 < 42 THEN 'terminating|school'
                                  WHEN h.unit = 1 AND (i / 10) %% 5 = 0 THEN 'invited|'
                                  WHEN h.unit = 1 AND h.b < 140 THEN 'signed|'
                                  ELSE CASE {states.replace('b <', 'h.b <')} END END AS v) chosen
            ) st
            CROSS JOIN LATERAL (
                SELECT h.unit,
                       CASE WHEN st.status = 'invited'
                            THEN now() - ((i * 104729) %% (3 * 86400)) * interval '1 second'
                            ELSE now() - interval '10 days' - ((i * 104729) %% (170 * 86400)) * interval '1 second'
                       END AS last_event,
                       CASE WHEN st.status = 'invited'
                            THEN now() - ((i * 104729) %% (3 * 86400)) * interval '1 second'
                            ELSE now() - interval '40 days' - ((i * 104729) %% (170 * 86400)) * interval '1 second'
                       END AS created
            ) t
        """, {"n": n, "units": units})
        paths = []
        for key, actions in PATHS.items():
            status, stage = (key, "") if isinstance(key, str) else key
            paths += [(status, stage, k, len(actions), action, *TO_STATUS[action]) for k, action in enumerate(actions)]
        run("CREATE TEMP TABLE bench_paths (status text, stage text, k int, n int, action text, from_status text, "
            "to_status text)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_paths VALUES (%s, %s, %s, %s, %s, %s, %s)", paths)
        step("events", """
            INSERT INTO contracts_contractevent (contract_id, unit_id, actor_id, action, from_status, to_status, note,
                                                 created_at)
            SELECT c.id, c.unit_id, NULL, p.action, p.from_status, p.to_status, '',
                   c.created_at + (c.last_event_at - c.created_at) * p.k / GREATEST(p.n - 1, 1)
            FROM contracts_contract c JOIN bench_paths p ON p.status = c.status AND p.stage = c.termination_stage
            ORDER BY c.id, p.k
        """)
        step("termination requests", """
            INSERT INTO contracts_terminationrequest (
                contract_id, school_id, requested_by_id, requester_side, reason, attachment, attachment_type, status,
                created_at, counterpart_deadline, answered_at, answer_note, reviewed_at, review_note)
            SELECT id, school_id, created_by_id, CASE WHEN id %% 2 = 0 THEN 'employer' ELSE 'student' END, '岗位调整',
                   '', '', tr.status, last_event_at - interval '1 day', last_event_at + interval '14 days',
                   CASE WHEN tr.status <> 'pending' THEN last_event_at END,
                   CASE WHEN tr.status = 'disagreed' THEN '协商不一致' ELSE '' END,
                   CASE WHEN tr.status = 'approved' THEN last_event_at END, ''
            FROM contracts_contract
            CROSS JOIN LATERAL (SELECT CASE
                WHEN status = 'terminating' AND termination_stage = 'counterpart' THEN 'pending'
                WHEN status = 'terminating' THEN 'agreed'
                WHEN status = 'terminated' THEN 'approved'
                WHEN termination_stage = 'failed' THEN 'disagreed' END AS status) tr
            WHERE tr.status IS NOT NULL
        """)
        step("favorites", """
            INSERT INTO contracts_favorite (id, created_at, added_by_id, graduate_id, unit_id, student_name)
            SELECT id, created_at - interval '1 day', unit_id, graduate_id, unit_id, student_name
            FROM contracts_contract;
            INSERT INTO contracts_favorite (id, created_at, added_by_id, graduate_id, unit_id, student_name)
            SELECT id, now() - interval '5 days', 1, id, 1, name FROM schools_graduate WHERE id > %(n)s
        """, {"n": n})
        cast = _cast(n, units)
        from contracts import counters

        started = time.perf_counter()
        counters.recount()
        steps.append(("tab counters", time.perf_counter() - started))
        for table in ("accounts_user", "employers_unit", "employers_unitmember", "employers_contact", "schools_school",
                      "schools_college", "schools_graduate", "schools_reviewer", "contracts_contract",
                      "contracts_contractevent", "contracts_terminationrequest", "contracts_favorite"):
            run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    steps.append(("vacuum analyze", time.perf_counter() - started))
    _check_id_protection()
    cast["build_seconds"] = {name: round(seconds, 1) for name, seconds in steps}
    cast["contracts"] = scalar("SELECT COUNT(*) FROM contracts_contract")
    cast["events"] = scalar("SELECT COUNT(*) FROM contracts_contractevent")
    return cast


def _cast(n: int, units: int) -> dict:
    """The users the benchmark signs in as, with real passwords, and the records its pages show."""
    from django.contrib.auth.hashers import make_password

    from tests.factories import PASSWORD

    password = make_password(PASSWORD)
    school_reviewer, college_reviewer, student, invited_student = units + 1, units + 2, units + 3, units + 4
    run("""
        INSERT INTO accounts_user (id, password, is_superuser, username, mobile, role, name, is_active, is_staff,
                                   date_joined)
        VALUES (%(sr)s, %(pw)s, false, 'bench_school', NULL, 'school_reviewer', '学校审核员', true, false, now()),
               (%(cr)s, %(pw)s, false, 'bench_college', NULL, 'college_reviewer', '学院审核员', true, false, now()),
               (%(st)s, %(pw)s, false, NULL, '13700000001', 'student', '', true, false, now()),
               (%(inv)s, %(pw)s, false, NULL, '13700000002', 'student', '', true, false, now());
        UPDATE accounts_user SET password = %(pw)s WHERE id = 1;
        INSERT INTO schools_reviewer (role, is_active, created_at, college_id, user_id, school_id)
        VALUES ('school_reviewer', true, now(), NULL, %(sr)s, 1), ('college_reviewer', true, now(), 1, %(cr)s, 1)
    """, {"sr": school_reviewer, "cr": college_reviewer, "st": student, "inv": invited_student, "pw": password})
    # 我的签约: a signed agreement of unit 1; 我的邀请: five open invitations from other units.
    signed = scalar("SELECT id FROM contracts_contract WHERE unit_id = 1 AND status = 'signed' AND termination_stage = '' "
                    "ORDER BY id LIMIT 1")
    invited = scalar("SELECT id FROM contracts_contract WHERE unit_id = 1 AND status = 'invited' AND deadline > now() "
                     "ORDER BY id LIMIT 1")
    run("UPDATE schools_graduate SET user_id = %s, confirmed_at = now() WHERE id = %s", [student, signed])
    run("UPDATE schools_graduate SET user_id = %s, confirmed_at = now() WHERE id = %s", [invited_student, invited])
    run("""
        INSERT INTO contracts_contract (
            id, graduation_year, status, post_name, valid_days, deadline, contact_name, contact_mobile, work_location,
            salary, remarks, created_at, last_event_at, two_level_review, student_note, review_note,
            verification_code, archive_receiver_name, archive_address, archive_postcode, archive_contact_name,
            archive_contact_phone, college_id, contact_id, created_by_id, graduate_id, school_id, unit_id,
            job_category_id, termination_note, termination_stage, student_name)
        SELECT %(n)s + u, graduation_year, 'invited', '岗位' || u, 7, now() + interval '5 days', '联系人', '13600000000',
               '', '', '', now() - interval '2 days', now() - interval '2 days', true, '', '', '', '', '', '', '', '',
               college_id, u, u, id, school_id, u, 1, '', '', name
        FROM schools_graduate, generate_series(2, 6) u WHERE id = %(g)s
    """, {"n": n + 100_000, "g": invited})
    run("""
        INSERT INTO contracts_contractevent (contract_id, unit_id, action, from_status, to_status, note, created_at)
        SELECT id, unit_id, 'invite', '', 'invited', '', created_at FROM contracts_contract WHERE id > %s
    """, [n])
    queue_contract = scalar("SELECT id FROM contracts_contract WHERE school_id = 1 AND status = 'college_approved' "
                            "ORDER BY accepted_at, id LIMIT 1")
    return {
        "employer": "13900000001", "school_reviewer": "bench_school", "college_reviewer": "bench_college",
        "student": "13700000001", "invited_student": "13700000002",
        "signed_contract": signed, "invited_contract": invited, "queue_contract": queue_contract,
        "a_name": scalar("SELECT student_name FROM contracts_contract WHERE unit_id = 1 AND status = 'accepted' "
                         "ORDER BY id LIMIT 1"),
        "units": units,
    }


def _check_id_protection() -> None:
    """The tokens and hashes made in SQL open and match with the app's own functions."""
    from schools.models import Graduate
    from signing_platform.crypto import id_number_hash

    for graduate in Graduate.objects.order_by("?")[:20]:
        number = graduate.id_number()
        assert id_number_hash(number) == graduate.id_hash, "the SQL hash differs from the app's"
        assert graduate.id_masked == number[:6] + "********" + number[-4:]


if __name__ == "__main__":
    contracts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(json.dumps(build(contracts), ensure_ascii=False))
