"""Requests per second of the public registry page, its JSON and the terms under load.

gunicorn serves the portal production-style (DEBUG off, 2 sync workers on this 2-core machine,
no access log) and `wrk` loads each page on the loopback for a bounded time: with the whole-page
cache (config/page_cache.py, as configured) and without it (KONTO_PUBLIC_PAGE_CACHE_SECONDS=0);
then the same bytes are served as static files by the same gunicorn (a bare WSGI app reading the
file) and loaded by the same wrk. All figures come from one run. Not part of the test run.

    KONTO_DB_NAME=... .venv/bin/python bench/bench_registry.py [SECONDS]   (default 10 s per run)
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "localhost"  # the public host; the tenant middleware resolves it to the public schema
WORKERS = "2"
CONNECTIONS = "16"


PATHS = ("/subprocessors/", "/subprocessors/registry.json", "/terms/")


def static_name(path: str) -> str:
    return path.strip("/").replace("/", "_") or "index"


def static_app(environ, start_response):  # type: ignore[no-untyped-def]
    """The baseline: the page's bytes from a file, no framework."""
    body = (Path(os.environ["BENCH_STATIC_DIR"]) / static_name(environ["PATH_INFO"])).read_bytes()
    kind = "application/json" if environ["PATH_INFO"].endswith(".json") else "text/html; charset=utf-8"
    start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str) -> bytes:
    deadline = time.monotonic() + 30
    while True:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": HOST, "Accept-Language": "da"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def gunicorn(app: str, port: int, env: dict[str, str], chdir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            GUNICORN,
            app,
            "--workers",
            WORKERS,
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wrk(port: int, path: str, seconds: int) -> dict[str, str]:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Host: {HOST}",
            "-H",
            "Accept-Language: da",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.MULTILINE)
        figures[f"p{pct}"] = match.group(1) if match else "?"
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non2xx"] = errors.group(1) if errors else "0"
    return figures


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    if shutil.which("wrk") is None:  # Debian's package; the bench needs nothing else from outside
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "KONTO_DEBUG": "0"}
    # Make sure the database, the public tenant and the demo registry exist (all idempotent).
    for command in (
        ["scripts/ensure_database.py"],
        ["manage.py", "migrate_schemas", "-v", "0"],
        ["manage.py", "bootstrap"],
        ["manage.py", "load_registry_demo"],
    ):
        subprocess.run([PY, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

    workdir = Path(tempfile.mkdtemp(prefix="bench-registry-"))
    results: dict[str, list[tuple[str, dict[str, str]]]] = {path: [] for path in PATHS}
    pages: dict[str, bytes] = {}
    try:
        for label, cache_seconds in (("portal, whole-page cache", "300"), ("portal, no page cache", "0")):
            port = free_port()
            server = gunicorn(
                "config.wsgi:application", port, {**env, "KONTO_PUBLIC_PAGE_CACHE_SECONDS": cache_seconds}, ROOT
            )
            try:
                for path in PATHS:
                    pages[path] = wait_for(port, path)
                    results[path].append((label, wrk(port, path, seconds)))
            finally:
                server.terminate()
                server.wait()

        for path, page in pages.items():
            (workdir / static_name(path)).write_bytes(page)
        shutil.copy(__file__, workdir / "bench_registry_app.py")
        port = free_port()
        server = gunicorn("bench_registry_app:static_app", port, {**env, "BENCH_STATIC_DIR": str(workdir)}, workdir)
        try:
            for path in PATHS:
                assert wait_for(port, path) == pages[path]
                results[path].append(("same bytes, static file", wrk(port, path, seconds)))
        finally:
            server.terminate()
            server.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"wrk 2 threads, {CONNECTIONS} connections, {seconds} s each; gunicorn {WORKERS} sync workers; loopback; one run"
    )
    for path in PATHS:
        print(f"\n{path} ({len(pages[path])} bytes)")
        print(f"{'':26}{'req/s':>10}{'p50':>10}{'p99':>10}{'non-2xx':>9}")
        for label, figures in results[path]:
            print(f"{label:26}{figures['rps']:>10}{figures['p50']:>10}{figures['p99']:>10}{figures['non2xx']:>9}")
        static_rps = float(results[path][-1][1]["rps"])
        for label, figures in results[path][:-1]:
            print(f"{label} / static: {float(figures['rps']) / static_rps:.1%}   (target >= 50 % with the cache)")


if __name__ == "__main__":
    main()
