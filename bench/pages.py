"""Page benchmark: every list and detail page at 10,000 and at 1,000,000 contracts, against a reference view.

    .venv/bin/python bench/pages.py [--sizes 10000,1000000] [--seconds 4] [--rounds 5] [--only 工作台,…] [--single-only]
                                      [--rebuild] [--no-expiry] [--expiry-only]

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres: the server where it makes
its databases bench_pages_<size>) and wrk (scripts/ensure-wrk installs Debian's). A database is built once by
bench/pagedata.py and kept until the builder or the migrations change. REDIS_URL, when set, is used as in production.

For each size it serves the app under gunicorn (3 sync workers, DEBUG off) with bench/settings.py, which adds a
reference view (the same middleware, a signed-in session, a 20-row page). Each page is loaded by wrk for --seconds,
interleaved with the reference before and after it, and the table shows req/s, p50, p99, the page's share of the
reference's throughput (the mean of the two reference runs around it), and the queries one request runs. A single-
request pass (in process, no server) prints the median wall and CPU time per page. Last, the expiry job marks
100,000 overdue invitations EXPIRED in a copy of the largest database.

Targets (issue 10): every page ≥ 25 % of the reference, p99 at 1M ≤ 1.3 × p99 at 10k, ≤ 8 queries, 工作台 at 1M
under 50 ms for one request, expiry of 100,000 invitations under 10 s.
"""

import argparse
import hashlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Settings of every process of the benchmark (builder, server, single requests): production-like, fixed keys.
ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "ID_NUMBER_ENCRYPTION_KEY": "q3Y2nXqUZ0m1mN6rj6oOxkq1bQvZ0S8mXb4eV7pV9hU=",
    "ID_NUMBER_HASH_KEY": "bench-hash-key",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
TARGET_SHARE, TARGET_GROWTH, TARGET_QUERIES, TARGET_WORKBENCH_MS, TARGET_EXPIRY_S = 0.25, 1.3, 8, 50, 10


def pages(cast: dict) -> list[tuple[str, str, str]]:
    """(name, who, path) of every page measured."""
    tabs = [("学生收藏夹", "favorites"), ("已签约", "signed"), ("签约失败", "failed"), ("解约中", "terminating"),
            ("已解约", "terminated"), ("解约失败", "termination_failed"), ("失效", "void")]
    return [
        ("签约中", "employer", "/employer/signing/?tab=signing"),
        ("学生姓名 filter", "employer", f"/employer/signing/?tab=signing&name={urllib.request.quote(cast['a_name'])}"),
        ("deep page (已签约, last)", "employer", "/employer/signing/?tab=signed&page=999999"),
        ("deep page (签约失败, last)", "employer", "/employer/signing/?tab=failed&page=999999"),
        *[(label, "employer", f"/employer/signing/?tab={key}") for label, key in tabs],
        ("工作台", "employer", "/employer/"),
        ("查看详情", "employer", f"/employer/signing/{cast['signed_contract']}/"),
        ("待审核 (学校)", "school_reviewer", "/school/review/"),
        ("待审核 (学院)", "college_reviewer", "/school/review/"),
        ("解约审核", "school_reviewer", "/school/termination/"),
        ("我的邀请", "invited_student", "/student/invitations/"),
        ("我的签约", "student", "/student/"),
    ]


def fingerprint() -> dict:
    """The builder's hash and each migration's: a database is rebuilt when the builder or a migration it has already
    applied changed; new migrations are simply applied to it, as in production."""
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]

    migrations = sorted(ROOT.glob("*/migrations/0*.py")) + sorted(ROOT.glob("signing_platform/*/migrations/0*.py"))
    return {
        "builder": digest(ROOT / "bench" / "pagedata.py"),
        "migrations": {str(path.relative_to(ROOT)): digest(path) for path in migrations},
    }


def database_url(name: str) -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + name


def psql(sql: str, database: str = "postgres") -> str:
    url = database_url(database)
    result = subprocess.run(["psql", url, "-Atc", sql], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return result.stdout.strip()


def ensure_database(size: int, *, rebuild: bool) -> dict:
    """The benchmark database of `size` contracts, built when missing or stale; returns its cast."""
    name = f"bench_pages_{size}"
    wanted = fingerprint()
    env = {**ENV, "DATABASE_URL": database_url(name)}
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if exists and not rebuild:
        try:
            stored_json, cast_json = psql("SELECT fingerprint, cast_json FROM bench_meta", name).split("|", 1)
            stored = json.loads(stored_json)
            applied = stored["migrations"]
            if stored["builder"] == wanted["builder"] and all(
                wanted["migrations"].get(path) == digest for path, digest in applied.items()
            ):
                if applied != wanted["migrations"]:
                    print(f"migrating {name}…", flush=True)
                    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
                    psql("VACUUM ANALYZE", name)
                    literal = json.dumps(wanted).replace("'", "''")
                    psql(f"UPDATE bench_meta SET fingerprint = '{literal}'", name)
                return json.loads(cast_json)
        except (RuntimeError, ValueError, KeyError):
            pass
    print(f"building {name} ({size:,} contracts)…", flush=True)
    started = time.perf_counter()
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([PYTHON, "bench/pagedata.py", str(size)], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    cast = json.loads(out.strip().splitlines()[-1])
    cast["build_total_seconds"] = round(time.perf_counter() - started, 1)
    literal = json.dumps(cast, ensure_ascii=False).replace("'", "''")
    stamp = json.dumps(wanted).replace("'", "''")
    psql(f"CREATE TABLE bench_meta (fingerprint text, cast_json text); "
         f"INSERT INTO bench_meta VALUES ('{stamp}', '{literal}')", name)
    print(f"  built in {cast['build_total_seconds']} s: {cast['build_seconds']}", flush=True)
    return cast


def single_requests(size: int) -> dict:
    """Sessions for the cast, plus query count and median wall/CPU time of one in-process request per page."""
    env = {**ENV, "DATABASE_URL": database_url(f"bench_pages_{size}"), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    out = subprocess.run([PYTHON, "bench/pages.py", "--inner-single", str(size)], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def inner_single(size: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from signing_platform.accounts.models import User

    cast = json.loads(psql("SELECT cast_json FROM bench_meta", f"bench_pages_{size}"))
    users = {
        "employer": User.objects.get(mobile=cast["employer"]),
        "school_reviewer": User.objects.get(username=cast["school_reviewer"]),
        "college_reviewer": User.objects.get(username=cast["college_reviewer"]),
        "student": User.objects.get(mobile=cast["student"]),
        "invited_student": User.objects.get(mobile=cast["invited_student"]),
    }
    clients, cookies = {}, {}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        clients[who] = client
        cookies[who] = client.cookies["sessionid"].value
    results = {}
    for name, who, path in pages(cast):
        client = clients[who]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        query_count = len(queries)  # before the next request resets the log
        walls, cpus = [], []
        for _ in range(15):
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        results[name] = {"queries": query_count, "wall_ms": statistics.median(walls) * 1000,
                         "cpu_ms": statistics.median(cpus) * 1000, "bytes": len(response.content)}
    print(json.dumps({"cookies": cookies, "pages": results, "cast": cast}, ensure_ascii=False))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(size: int):
    port = free_port()
    env = {**ENV, "DATABASE_URL": database_url(f"bench_pages_{size}"), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "signing_platform.wsgi", "--workers", "3", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode())


def load(url: str, cookie: str, seconds: float) -> dict:
    """wrk against one URL: requests/s, p50 and p99 in ms; refuses a run with errors or non-2xx answers."""
    result = subprocess.run(
        ["wrk", "-t1", "-c3", f"-d{seconds:g}s", "--latency", "-H", f"Cookie: sessionid={cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in result or "Socket errors" in result:
        raise RuntimeError(f"wrk saw errors on {url}:\n{result}")

    def latency(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", result, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1)), "p50": latency("50%"),
            "p99": latency("99%")}


def measure(size: int, seconds: float, single: dict, *, rounds: int = 1, only: list[str] | None = None) -> dict:
    """Each page loaded by wrk between two loads of the reference, `rounds` times over the whole list; a page's figures
    are the medians of its rounds (one checkpoint or autovacuum pass during one run does not make its p99)."""
    process, port = serve(size)
    base = f"http://127.0.0.1:{port}"
    cookies, cast = single["cookies"], single["cast"]
    measured = [(name, who, path) for name, who, path in pages(cast) if not only or any(part in name for part in only)]
    try:
        load(base + "/bench/reference/", cookies["employer"], 1)  # warm every worker up
        runs = {name: [] for name, _who, _path in measured}
        reference_runs = [load(base + "/bench/reference/", cookies["employer"], seconds)]
        for _round in range(rounds):
            for name, who, path in measured:
                page = load(base + path, cookies[who], seconds)
                reference_runs.append(load(base + "/bench/reference/", cookies["employer"], seconds))
                reference_rps = (reference_runs[-2]["rps"] + reference_runs[-1]["rps"]) / 2
                runs[name].append({**page, "share": page["rps"] / reference_rps})
        results = {name: {key: statistics.median(run[key] for run in page_runs) for key in page_runs[0]}
                   for name, page_runs in runs.items()}
        results["(reference)"] = {
            "rps": statistics.mean(run["rps"] for run in reference_runs),
            "p50": statistics.median(run["p50"] for run in reference_runs),
            "p99": statistics.median(run["p99"] for run in reference_runs), "share": 1.0,
        }
        return results
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def expiry(size: int) -> dict:
    """Copy the database, make 100,000 invitations overdue, time the expiry job."""
    name = f"bench_pages_{size}"
    copy = f"{name}_expiry"
    psql(f"DROP DATABASE IF EXISTS {copy}")
    psql(f"CREATE DATABASE {copy} TEMPLATE {name}")
    try:
        env = {**ENV, "DATABASE_URL": database_url(copy), "DJANGO_SETTINGS_MODULE": "signing_platform.settings"}
        out = subprocess.run([PYTHON, "bench/pages.py", "--inner-expiry"], cwd=ROOT, env=env, check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        psql(f"DROP DATABASE IF EXISTS {copy}")


def inner_expiry() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from contracts import services

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE contracts_contract SET status = 'invited', deadline = now() - interval '1 hour', closed_at = NULL, "
            "termination_stage = '' WHERE id IN (SELECT id FROM contracts_contract WHERE status IN ('expired', "
            "'refused', 'withdrawn', 'invited') ORDER BY id LIMIT 100000)"
        )
        cursor.execute("VACUUM ANALYZE contracts_contract")
        from contracts import counters

        counters.recount()
        cursor.execute("SELECT COUNT(*) FROM contracts_contract WHERE status = 'invited' AND deadline <= now()")
        overdue = cursor.fetchone()[0]
    started = time.perf_counter()
    expired = services.expire_overdue(now=timezone.now())
    seconds = time.perf_counter() - started
    print(json.dumps({"overdue": overdue, "expired": expired, "seconds": seconds}))


def report(sizes: list[int], singles: dict, loads: dict) -> bool:
    met = True
    names = [name for name, _who, _path in pages(singles[sizes[0]]["cast"]) if name in loads[sizes[0]]]
    for size in sizes:
        print(f"\n== {size:,} contracts — under gunicorn (3 workers), wrk, {loads[size]['(reference)']['rps']:.0f} "
              f"req/s for the reference page")
        print(f"{'page':<26}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'share':>8}{'queries':>9}{'1 req ms':>10}{'cpu ms':>8}")
        for name in [*names, "(reference)"]:
            run = loads[size][name]
            one = singles[size]["pages"].get(name, {})
            ok = name == "(reference)" or (run["share"] >= TARGET_SHARE and one["queries"] <= TARGET_QUERIES)
            met &= ok
            print(f"{name:<26}{run['rps']:>8.0f}{run['p50']:>9.1f}{run['p99']:>9.1f}{run['share']:>7.0%} "
                  f"{one.get('queries', ''):>8}{one.get('wall_ms', 0):>10.1f}{one.get('cpu_ms', 0):>8.1f}"
                  f"{'' if ok else '  ✗'}")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"\n== p99 growth {large:,} / {small:,} contracts (target ≤ {TARGET_GROWTH})")
        for name in names:
            growth = loads[large][name]["p99"] / loads[small][name]["p99"]
            ok = growth <= TARGET_GROWTH
            met &= ok
            print(f"{name:<26}{growth:>6.2f}{'' if ok else '  ✗'}")
    workbench = singles[sizes[-1]]["pages"]["工作台"]["wall_ms"]
    met &= workbench < TARGET_WORKBENCH_MS
    print(f"\n工作台, one request at {sizes[-1]:,}: {workbench:.1f} ms (target < {TARGET_WORKBENCH_MS} ms)", flush=True)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=5, help="loads of each page; its figures are their medians")
    parser.add_argument("--only", help="comma-separated parts of the names of the pages to load (default: all)")
    parser.add_argument("--single-only", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-expiry", action="store_true")
    parser.add_argument("--expiry-only", action="store_true", help="only the expiry job, at the largest size")
    parser.add_argument("--inner-single", type=int)
    parser.add_argument("--inner-expiry", action="store_true")
    args = parser.parse_args()
    if args.inner_single:
        inner_single(args.inner_single)
        return 0
    if args.inner_expiry:
        inner_expiry()
        return 0
    subprocess.run([str(ROOT / "scripts" / "ensure-wrk")], check=True)
    # DEBUG off serves the manifest's hashed files: collect them (a fresh clone has none), as the image build does.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=ENV, check=True)
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.expiry_only:
        ensure_database(sizes[-1], rebuild=args.rebuild)
        result = expiry(sizes[-1])
        print(f"expiry job: {result['expired']:,} of {result['overdue']:,} overdue invitations in "
              f"{result['seconds']:.1f} s (target < {TARGET_EXPIRY_S} s)")
        return 0 if result["seconds"] < TARGET_EXPIRY_S else 1
    singles, loads = {}, {}
    for size in sizes:
        ensure_database(size, rebuild=args.rebuild)
        singles[size] = single_requests(size)
        if args.single_only:
            print(f"\n== {size:,} contracts — one request in process")
            for name, one in singles[size]["pages"].items():
                print(f"{name:<26}{one['queries']:>4} queries {one['wall_ms']:>8.1f} ms wall {one['cpu_ms']:>8.1f} ms cpu")
            continue
        loads[size] = measure(size, args.seconds, singles[size], rounds=args.rounds,
                              only=args.only.split(",") if args.only else None)
    if args.single_only:
        return 0
    met = report(sizes, singles, loads)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-pages.json").write_text(json.dumps({"singles": singles, "loads": loads}, ensure_ascii=False))
    if not args.no_expiry:
        result = expiry(sizes[-1])
        met &= result["seconds"] < TARGET_EXPIRY_S
        print(f"expiry job: {result['expired']:,} of {result['overdue']:,} overdue invitations in "
              f"{result['seconds']:.1f} s (target < {TARGET_EXPIRY_S} s)")
    print("\nevery target met" if met else "\nsome targets missed (✗)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
