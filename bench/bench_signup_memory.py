"""Server memory under a burst of concurrent sign-ups: argon2id hashing bounded by
``security.HASH_SLOTS`` against the same burst with the bound raised to the server's thread
count (what the audit measured as M5). Writes the ``## Sign-up burst memory`` section of
docs/benchmarks.md.

    .venv/bin/python bench/bench_signup_memory.py [--signups 16]

The server runs in its own process (uvicorn, the library's argon2 defaults: 64 MiB, 3 passes),
behind a trusted proxy address so each sign-up comes from an address of its own and the
per-address throttle does not refuse them; its peak resident memory is ``VmHWM``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]
HEADING = "## Sign-up burst memory"


def serve(data_dir: str, port: int, slots: int) -> None:
    """Child process: the studio, with ``slots`` concurrent hashes allowed."""
    import uvicorn

    from coulisses.settings import Settings
    from coulisses.web import security
    from coulisses.web.app import create_app

    security._slots = threading.BoundedSemaphore(slots)
    settings = Settings(data_dir=Path(data_dir), cache_dir=Path(data_dir) / "cache",
                        trusted_proxies="127.0.0.1")
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def burst(slots: int, signups: int, port: int) -> tuple[float, float, float, list[int]]:
    """(RSS before MiB, peak RSS MiB, seconds, statuses) of one burst on a fresh server."""
    with tempfile.TemporaryDirectory() as data:
        child = subprocess.Popen([sys.executable, __file__, "--serve", data, str(port),
                                  str(slots)])
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/api/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            before = _kib(child.pid, "VmRSS") / 1024
            ready = threading.Barrier(signups)
            statuses: list[int] = []

            def one(i: int) -> None:
                address = {"x-forwarded-for": f"198.51.100.{i + 1}"}
                with httpx.Client(base_url=base, headers=address, timeout=120) as http:
                    page = http.get("/signup")
                    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
                    ready.wait()
                    statuses.append(http.post("/signup", data={
                        "email": f"burst{i}@bench.test", "name": f"Burst {i}",
                        "password": "bench password for a burst", "csrf_token": token,
                    }).status_code)

            threads = [threading.Thread(target=one, args=(i,)) for i in range(signups)]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - start
            peak = _kib(child.pid, "VmHWM") / 1024
        finally:
            child.terminate()
            child.wait(30)
    return before, peak, seconds, sorted(statuses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=16)
    parser.add_argument("--port", type=int, default=18931)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    from coulisses.studio.db import SERVER_THREADS
    from coulisses.web.security import HASH_SLOTS
    from docsection import write_section

    rows = []
    for label, slots in ((f"bounded ({HASH_SLOTS} at once)", HASH_SLOTS),
                         (f"unbounded (up to the {SERVER_THREADS} server threads)",
                          SERVER_THREADS)):
        before, peak, seconds, statuses = burst(slots, args.signups, args.port)
        created = statuses.count(303)
        rows.append(f"| {label} | {args.signups} | {created} | {before:.0f} | {peak:.0f} | "
                    f"{peak - before:.0f} | {seconds:.2f} |")
        print(rows[-1], flush=True)
    section = "\n".join([
        HEADING, "",
        f"`bench/bench_signup_memory.py`: {args.signups} sign-ups sent at the same moment to "
        "a fresh studio process (uvicorn, SQLite, the library's argon2id defaults: 64 MiB, 3 "
        "passes), each from an address of its own through a trusted proxy so the per-address "
        "throttle lets them through. Peak is the server's `VmHWM`; growth is peak minus the "
        "resident memory before the burst. The second row raises the hashing bound to the "
        "server's thread count, which is what the studio allowed before the bound (audit M5).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work "
        f"(load {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d')}; command: "
        f"`python bench/bench_signup_memory.py --signups {args.signups}`.", "",
        "| hashing | sign-ups | created | RSS before MiB | peak MiB | growth MiB | seconds |",
        "|---|---|---|---|---|---|---|", *rows, ""])
    print(section)
    if not args.no_doc:
        write_section(ROOT / "docs" / "benchmarks.md", HEADING, section,
                      header="# Benchmarks\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
