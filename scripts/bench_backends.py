"""`scripts/bench --backends`: the same ingest on the two deployments, in one run.

  one box     SQLite catalog + disk blobs: `stockroom ingest DIR --workers 2`
  many hosts  PostgreSQL catalog + S3 blobs (moto): `stockroom ingest DIR --enqueue-only` (stores
              the originals in the bucket, queues the jobs), then two `stockroom worker --drain
              --workers 1` processes, each with its own home and scratch folder, started together

Both get BENCH_BACKENDS_N (default 20) 24 MP JPEGs of the benchmark corpus and two pipeline threads
in all. The servers are those of `scripts/test-servers` (`scripts/bench --backends` starts them when
STOCKROOM_TEST_POSTGRES_URL / STOCKROOM_TEST_S3_URL are not set). Measured: wall time, CPU seconds
of every process involved — the stockroom processes and their media workers (GNU time), and, for
the second deployment, the PostgreSQL server (postmaster, its children and its reaped backends)
and moto, read from /proc before and after — CPU s per image and files/s. Writes
bench-out/backends.json with the load average at start and end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

GNU_TIME = "/usr/bin/time"
INGEST_SOME_FAILED = 3
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int, children: bool = False) -> float:
    """utime + stime of a process (all its threads), plus its reaped children's with `children`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the ")": state is field 3, so utime (14) is index 11.
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + ((cutime + cstime) if children else 0)) / CLOCK_TICKS


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def postgres_cpu(postmaster: int | None) -> float | None:
    """The postmaster with its reaped backends, plus every live child (backends, walwriter, …)."""
    if postmaster is None:
        return None
    try:
        total = proc_cpu_seconds(postmaster, children=True)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if parent_pid(int(entry.name)) == postmaster:
                        total += proc_cpu_seconds(int(entry.name))
                except (OSError, ValueError, IndexError):
                    continue
        return total
    except OSError:
        return None


def find_postmaster(url: str) -> int | None:
    """The server process behind a local URL: the `postgres` process started with `-p PORT`
    (its children, the backends, were forked from it and keep that command line's parent)."""
    port = str(urllib.parse.urlsplit(url).port or 5432)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = [a.decode(errors="replace") for a in (entry / "cmdline").read_bytes().split(b"\0")]
        except OSError:
            continue
        if words and words[0].endswith("/postgres") and "-p" in words and words[words.index("-p") + 1:][:1] == [port]:
            return int(entry.name)
    return None


def find_moto(url: str) -> int | None:
    port = str(urllib.parse.urlsplit(url).port)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv]
        if "moto.server" in words and port in words:
            return int(entry.name)
    return None


def cpu_of(pid: int | None) -> float | None:
    try:
        return proc_cpu_seconds(pid) if pid is not None else None
    except OSError:
        return None


def timed(argv: list, env: dict, stdout_path: Path) -> subprocess.Popen:
    timing = stdout_path.with_suffix(".time")
    out = open(stdout_path, "w")
    err = open(stdout_path.with_suffix(".err"), "w")
    process = subprocess.Popen([GNU_TIME, "-f", "%e %U %S %M", "-o", str(timing), *map(str, argv)],
                               stdout=out, stderr=err, env=env)
    process.stockroom_files = (out, err, timing)  # type: ignore[attr-defined]
    return process


def finish(process: subprocess.Popen, ok=(0, INGEST_SOME_FAILED)) -> dict:
    code = process.wait()
    out, err, timing = process.stockroom_files  # type: ignore[attr-defined]
    out.close()
    err.close()
    wall, user, sys_, rss = Path(timing).read_text().strip().splitlines()[-1].split()
    if code not in ok:
        raise RuntimeError(f"exit {code}: {process.args[5:]}\n{Path(err.name).read_text()[-2000:]}")
    return {"wallSeconds": float(wall), "cpuSeconds": round(float(user) + float(sys_), 2),
            "peakRSSMegabytes": round(int(rss) / 1024, 1), "exitCode": code}


def run_checked(argv: list, env: dict) -> str:
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def count_assets(binary: Path, home: Path, env: dict) -> int:
    found = json.loads(run_checked([binary, "search", "", "--limit", "1", "--json", "--home", home], env))
    return int(found.get("total", -1))


def make_bucket(s3_url: str, bucket: str) -> None:
    import boto3  # installed with moto[server] by scripts/test-servers
    boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1",
                 aws_access_key_id=os.environ["STOCKROOM_TEST_S3_ACCESS_KEY_ID"],
                 aws_secret_access_key=os.environ["STOCKROOM_TEST_S3_SECRET_ACCESS_KEY"]).create_bucket(Bucket=bucket)


def run_backends_benchmark(out_dir: Path, binary: Path, photos_dir: Path, count: int, log) -> int:
    pg_url, s3_url = os.environ["STOCKROOM_TEST_POSTGRES_URL"], os.environ["STOCKROOM_TEST_S3_URL"]
    photos = sorted(p for p in photos_dir.iterdir() if p.is_file())[:count]
    run_dir = out_dir / "run-backends"
    shutil.rmtree(run_dir, ignore_errors=True)
    drop = run_dir / "drop"
    drop.mkdir(parents=True)
    for photo in photos:
        os.link(photo, drop / photo.name) if photo.stat().st_dev == drop.stat().st_dev else shutil.copy(photo, drop)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKROOM_")}
    load_start = os.getloadavg()
    results: dict = {}

    # One box: SQLite + disk, one ingest with two pipeline threads.
    home = run_dir / "home-sqlite"
    run_checked([binary, "init", "--home", home], base_env)
    run_checked([binary, "library", "create", "Bench", "--slug", "bench", "--home", home], base_env)
    log(f"backends: SQLite + disk, {len(photos)} files, load {os.getloadavg()[0]:.1f}")
    started = time.time()
    ingest = finish(timed([binary, "ingest", drop, "--library", "bench", "--home", home, "--workers", "2", "--json"],
                          base_env, run_dir / "sqlite-ingest.out"))
    wall = time.time() - started
    results["sqlite+disk"] = {
        "files": len(photos), "assets": count_assets(binary, home, base_env), "loadAverageAtStart": list(load_start),
        "wallSeconds": round(wall, 2), "processes": {"ingest (with its media workers)": ingest},
        "cpuSeconds": ingest["cpuSeconds"], "cpuSecondsPerImage": round(ingest["cpuSeconds"] / len(photos), 3),
        "filesPerSecond": round(len(photos) / wall, 3),
    }

    # Many hosts: PostgreSQL + S3, enqueue, then two workers.
    schema = f"bench_backends_{os.getpid()}"
    bucket = f"bench-backends-{os.getpid()}"
    make_bucket(s3_url, bucket)
    separator = "&" if "?" in pg_url else "?"
    env = dict(base_env,
               STOCKROOM_CATALOG=f"{pg_url}{separator}schema={schema}",
               STOCKROOM_BLOBS=f"s3://{bucket}/stockroom?endpoint={s3_url}&region=us-east-1&pathStyle=true",
               AWS_ACCESS_KEY_ID=os.environ["STOCKROOM_TEST_S3_ACCESS_KEY_ID"],
               AWS_SECRET_ACCESS_KEY=os.environ["STOCKROOM_TEST_S3_SECRET_ACCESS_KEY"])
    coordinator = run_dir / "home-coordinator"
    run_checked([binary, "init", "--home", coordinator], env)
    run_checked([binary, "library", "create", "Bench", "--slug", "bench", "--home", coordinator], env)
    postmaster, moto = find_postmaster(pg_url), find_moto(s3_url)
    pg_before, moto_before = postgres_cpu(postmaster), cpu_of(moto)
    load_pg = os.getloadavg()
    log(f"backends: PostgreSQL + S3, {len(photos)} files, 2 workers, load {load_pg[0]:.1f}")
    started = time.time()
    enqueue = finish(timed([binary, "ingest", drop, "--library", "bench", "--home", coordinator, "--enqueue-only", "--json"],
                           env, run_dir / "pg-enqueue.out"))
    workers = []
    for i in range(2):
        host = run_dir / f"host-{i}"
        workers.append(timed([binary, "worker", "--drain", "--workers", "1", "--scratch", host / "scratch",
                              "--home", host / "home"], env, run_dir / f"pg-worker-{i}.out"))
    worker_results = [finish(w, ok=(0,)) for w in workers]
    wall = time.time() - started
    pg_after, moto_after = postgres_cpu(postmaster), cpu_of(moto)
    processes = {"ingest --enqueue-only": enqueue}
    for i, w in enumerate(worker_results):
        processes[f"worker {i + 1} (with its media workers)"] = w
    stockroom_cpu = sum(p["cpuSeconds"] for p in processes.values())
    server_cpu = {
        "postgres": round(pg_after - pg_before, 2) if pg_before is not None and pg_after is not None else None,
        "moto": round(moto_after - moto_before, 2) if moto_before is not None and moto_after is not None else None,
    }
    total_cpu = stockroom_cpu + sum(v for v in server_cpu.values() if v is not None)
    results["postgresql+s3"] = {
        "files": len(photos), "assets": count_assets(binary, coordinator, env), "loadAverageAtStart": list(load_pg),
        "wallSeconds": round(wall, 2), "processes": processes, "servers": server_cpu,
        "stockroomCpuSeconds": round(stockroom_cpu, 2), "cpuSeconds": round(total_cpu, 2),
        "cpuSecondsPerImage": round(total_cpu / len(photos), 3), "filesPerSecond": round(len(photos) / wall, 3),
    }
    try:
        subprocess.run(["psql", pg_url, "-qc", f"DROP SCHEMA {schema} CASCADE"], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        pass

    report = {"binary": str(binary), "loadAverageAtStart": list(load_start), "loadAverageAtEnd": list(os.getloadavg()),
              "corpus": str(photos_dir), "runs": results}
    (out_dir / "backends.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{len(photos)} x 24 MP JPEGs, two pipeline threads in each deployment "
          f"(load {load_start[0]:.1f} at start, {report['loadAverageAtEnd'][0]:.1f} at end):")
    print(f"  {'deployment':<16} {'assets':>6} {'wall s':>8} {'files/s':>8} {'CPU s':>8} {'CPU s/img':>10}  servers")
    for name, r in results.items():
        servers = r.get("servers", {})
        extra = ", ".join(f"{k} {v} CPU s" for k, v in servers.items() if v is not None)
        print(f"  {name:<16} {r['assets']:>6} {r['wallSeconds']:>8.1f} {r['filesPerSecond']:>8.3f} {r['cpuSeconds']:>8.1f} "
              f"{r['cpuSecondsPerImage']:>10.3f}  {extra}")
    ok = all(r["assets"] == len(photos) for r in results.values())
    if not ok:
        print("  (a deployment did not end with one asset per file: see bench-out/run-backends/*.err)")
    return 0 if ok else 1
