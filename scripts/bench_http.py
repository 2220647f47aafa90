"""`scripts/bench --http`: Stockroom's share-link edge against nginx serving the same bytes.

One run, one machine: a data home with a collection of BENCH_HTTP_ASSETS (default 200) small
photos ingested by the real pipeline, one share link, `stockroom serve` (release build) and
nginx on loopback ports, then wrk against

  - a THUMBNAIL_MEDIUM through the share link   vs  nginx serving that blob's file
  - the gallery page of the whole collection    vs  nginx serving the same HTML saved to a file

with the same wrk settings (BENCH_HTTP_THREADS=1, BENCH_HTTP_CONNECTIONS=50,
BENCH_HTTP_SECONDS=10). Prints requests/s, latency percentiles and the Stockroom/nginx ratios;
writes bench-out/http.json. Goals (issue 12): thumbnail >= 40 % of nginx's requests/s; gallery
>= 1,000 requests/s with p99 < 100 ms at 50 connections.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def parse_wrk(text: str) -> dict:
    out: dict = {"raw": text.strip().splitlines()[-12:]}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["requestsPerSecond"] = float(m.group(1)) if m else None
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if m:
            value = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            out[f"p{pct}Milliseconds"] = round(value, 3)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:.*", text)
    out["socketErrors"] = m.group(0) if m else ""
    return out


def wrk(url: str, threads: int, connections: int, seconds: int) -> dict:
    result = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                            capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (from /proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def nginx_pids(master: int) -> list[int]:
    """nginx's master and its workers (processes whose parent is the master)."""
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def measured(url: str, threads: int, connections: int, seconds: int, pids: list[int]) -> dict:
    """wrk against `url`, with the server processes' CPU time over the run and per request."""
    before = cpu_seconds(pids)
    result = wrk(url, threads, connections, seconds)
    used = cpu_seconds(pids) - before
    result["serverCpuSeconds"] = round(used, 2)
    total = (result["requestsPerSecond"] or 0) * seconds
    result["serverCpuMicrosecondsPerRequest"] = round(used / total * 1e6, 1) if total else None
    return result


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def nginx_config(directory: Path, port: int, thumbnail: Path, gallery: Path) -> Path:
    conf = directory / "nginx.conf"
    conf.write_text(f"""
user root;
worker_processes auto;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {directory}/nginx-access.log;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        location = /thumbnail.jpg {{ default_type image/jpeg; alias {thumbnail}; }}
        location = /gallery.html {{ default_type text/html; alias {gallery}; }}
    }}
}}
""")
    return conf


def run_http_benchmark(out_dir: Path, stockroom: Path, images: list[Path], log) -> int:
    threads = int(os.environ.get("BENCH_HTTP_THREADS", "1"))
    connections = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "50"))
    seconds = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            log(f"{tool} is missing: run scripts/install-deps bench")
            return 2
    run_dir = out_dir / "http"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    home = run_dir / "home"
    env = dict(os.environ, STOCKROOM_HOME=str(home))

    def cli(*args: str, capture: bool = False) -> str:
        result = subprocess.run([str(stockroom), *args], env=env, capture_output=True, text=True)
        if result.returncode not in (0, 3):
            raise RuntimeError(f"stockroom {' '.join(args)} failed: {result.stderr.strip()[-500:]}")
        return result.stdout

    log(f"http: ingesting {len(images)} photos into {home}")
    cli("init")
    cli("library", "create", "HTTP Bench")
    source = run_dir / "photos"
    source.mkdir()
    for i, image in enumerate(images):
        shutil.copy(image, source / f"photo-{i:04d}.jpg")
    cli("ingest", str(source), "--library", "http-bench", "--json")
    db = sqlite3.connect(home / "catalog.sqlite")
    ids = [row[0] for row in db.execute("SELECT id FROM asset ORDER BY id")]
    thumb = db.execute("""SELECT assetId, blobHash FROM rendition WHERE renditionType = 'THUMBNAIL_MEDIUM'
                          AND status = 'COMPLETED' ORDER BY assetId LIMIT 1""").fetchone()
    db.close()
    cli("collection", "create", "HTTP Bench Collection")
    cli("collection", "add", "http-bench-collection", *map(str, ids))
    token = json.loads(cli("share", "create", "--collection", "http-bench-collection", "--json"))["share"]["token"]
    asset_id, blob_hash = thumb
    blob = home / "blobs" / blob_hash[:2] / blob_hash[2:4] / blob_hash

    stockroom_port, nginx_port = free_port(), free_port()
    server = subprocess.Popen([str(stockroom), "serve", "--port", str(stockroom_port), "--workers", "0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=(run_dir / "serve.log").open("w"))
    # The same binary with the share-link fast path off: the thumbnail through Hummingbird's router.
    router_port = free_port()
    router_server = subprocess.Popen([str(stockroom), "serve", "--port", str(router_port), "--workers", "0", "--no-share-fast-path"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=(run_dir / "serve-router.log").open("w"))
    nginx = None
    try:
        base = f"http://127.0.0.1:{stockroom_port}"
        wait_for(f"{base}/health")
        wait_for(f"http://127.0.0.1:{router_port}/health")
        gallery_url = f"{base}/s/{token}"
        thumb_url = f"{gallery_url}/assets/{asset_id}/view/THUMBNAIL_MEDIUM"
        with urllib.request.urlopen(gallery_url) as r:
            gallery_html = r.read()
        with urllib.request.urlopen(thumb_url) as r:
            assert r.read() == blob.read_bytes(), "the share link must serve the blob's bytes"
        gallery_file = run_dir / "gallery.html"
        gallery_file.write_bytes(gallery_html)
        conf = nginx_config(run_dir, nginx_port, blob, gallery_file)
        nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        wait_for(f"http://127.0.0.1:{nginx_port}/thumbnail.jpg")
        nginx_master = int((run_dir / "nginx.pid").read_text().strip())
        router_thumb_url = thumb_url.replace(f":{stockroom_port}/", f":{router_port}/")
        with urllib.request.urlopen(router_thumb_url) as r:
            assert r.read() == blob.read_bytes(), "the router must serve the same bytes"

        results: dict = {"loadAverageAtStart": loadavg(), "wrk": {"threads": threads, "connections": connections, "seconds": seconds},
                         "assets": len(ids), "thumbnailBytes": blob.stat().st_size, "galleryBytes": len(gallery_html)}
        # Warm both servers, then measure each pair back to back.
        for url in (thumb_url, gallery_url, f"http://127.0.0.1:{nginx_port}/thumbnail.jpg", router_thumb_url):
            wrk(url, 1, 10, 2)
        ours_pids, nginx_all = [server.pid], nginx_pids(nginx_master)
        pairs = [("thumbnail", thumb_url, f"http://127.0.0.1:{nginx_port}/thumbnail.jpg"),
                 ("gallery", gallery_url, f"http://127.0.0.1:{nginx_port}/gallery.html")]
        for name, ours, theirs in pairs:
            log(f"http: wrk {name} through Stockroom")
            results[f"{name}Stockroom"] = measured(ours, threads, connections, seconds, ours_pids)
            log(f"http: wrk {name} through nginx")
            results[f"{name}Nginx"] = measured(theirs, threads, connections, seconds, nginx_all)
        # For comparison: the same thumbnail through the router, and Hummingbird's bare /health.
        log("http: wrk thumbnail through Stockroom's router (--no-share-fast-path)")
        results["thumbnailStockroomRouter"] = measured(router_thumb_url, threads, connections, seconds, [router_server.pid])
        log("http: wrk /health through Stockroom")
        results["healthStockroom"] = measured(f"{base}/health", threads, connections, seconds, ours_pids)
        results["loadAverageAtEnd"] = loadavg()
    finally:
        for process in (server, router_server):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)

    def ratio(a, b):
        return round(a / b, 3) if a and b else None

    thumb_ratio = ratio(results["thumbnailStockroom"]["requestsPerSecond"], results["thumbnailNginx"]["requestsPerSecond"])
    gallery_ratio = ratio(results["galleryStockroom"]["requestsPerSecond"], results["galleryNginx"]["requestsPerSecond"])
    gallery = results["galleryStockroom"]
    results["ratios"] = {"thumbnail": thumb_ratio, "gallery": gallery_ratio,
                         "thumbnailRouter": ratio(results["thumbnailStockroomRouter"]["requestsPerSecond"],
                                                  results["thumbnailNginx"]["requestsPerSecond"]),
                         "health": ratio(results["healthStockroom"]["requestsPerSecond"], results["thumbnailNginx"]["requestsPerSecond"])}
    results["goals"] = {
        "thumbnailAtLeast40PercentOfNginx": bool(thumb_ratio and thumb_ratio >= 0.40),
        "galleryAtLeast1000RequestsPerSecond": bool(gallery["requestsPerSecond"] and gallery["requestsPerSecond"] >= 1000),
        "galleryP99Under100Milliseconds": bool(gallery.get("p99Milliseconds") is not None and gallery["p99Milliseconds"] < 100),
    }
    (out_dir / "http.json").write_text(json.dumps(results, indent=2) + "\n")

    print(f"\nHTTP edge: wrk -t{threads} -c{connections} -d{seconds}s, {len(ids)}-asset collection, "
          f"load average {results['loadAverageAtStart']} -> {results['loadAverageAtEnd']}\n")
    print(f"{'':32} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'CPU s':>7} {'CPU us/req':>10}")
    for key, label in [("thumbnailStockroom", "thumbnail, Stockroom link"), ("thumbnailNginx", "thumbnail, nginx file"),
                       ("galleryStockroom", "gallery page, Stockroom"), ("galleryNginx", "gallery HTML, nginx file"),
                       ("thumbnailStockroomRouter", "thumbnail, Stockroom router only"), ("healthStockroom", "/health, Stockroom")]:
        r = results[key]
        print(f"{label:32} {r['requestsPerSecond'] or 0:>10.0f} {r.get('p50Milliseconds', 0):>8.2f} "
              f"{r.get('p99Milliseconds', 0):>8.2f} {r['non2xx']:>8} {r['serverCpuSeconds']:>7.2f} "
              f"{r['serverCpuMicrosecondsPerRequest'] or 0:>10.1f}")
    print(f"\nStockroom/nginx requests/s: thumbnail {thumb_ratio}, gallery {gallery_ratio}; "
          f"thumbnail through the router only {results['ratios']['thumbnailRouter']}, /health {results['ratios']['health']}")
    for goal, met in results["goals"].items():
        print(f"  {'met ' if met else 'MISS'} {goal}")
    return 0
