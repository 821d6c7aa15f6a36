"""A throwaway PostgreSQL server for a bench run: Debian's binaries, a cluster in a temporary
folder on a free loopback port, stopped and deleted at the end. It never touches a cluster that
is already running. As root the server runs as the ``postgres`` user (initdb refuses root).

    with throwaway_pg.cluster() as url:  # postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
        ...
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEBIAN = Path("/usr/lib/postgresql")


def bindir() -> Path:
    """The newest installed PostgreSQL's ``bin`` folder.

    Raises:
        SystemExit: no PostgreSQL server binaries (Debian: ``apt-get install postgresql``).
    """
    found = sorted((p for p in DEBIAN.glob("*/bin") if (p / "initdb").exists()),
                   key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    if not found:
        raise SystemExit(f"no PostgreSQL server in {DEBIAN}: apt-get install postgresql, "
                         "or pass --database-url")
    return found[-1]


def version() -> str:
    """The version of the server ``cluster`` starts, as its binaries report it."""
    out = subprocess.run([str(bindir() / "postgres"), "--version"], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def cluster(max_connections: int = 200) -> Iterator[str]:
    """A new server with trust authentication on loopback only: its superuser's URL."""
    bins = bindir()
    folder = Path(tempfile.mkdtemp(prefix="coulisses-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise SystemExit("initdb refuses to run as root and there is no postgres user: "
                             "run as another user, or pass --database-url") from None
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    try:
        subprocess.run([*as_user, str(bins / "initdb"), "-D", str(data), "-A", "trust",
                        "-U", "postgres", "-E", "UTF8"], check=True, capture_output=True)
        subprocess.run([*as_user, str(bins / "pg_ctl"), "-D", str(data), "-w", "-l",
                        str(folder / "log"), "-o",
                        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                        f"-c max_connections={max_connections}", "start"],
                       check=True, capture_output=True)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*as_user, str(bins / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "-w", "stop"], check=False, capture_output=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
