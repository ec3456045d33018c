"""Run a command against a throwaway PostgreSQL server.

    python scripts/with_postgres.py -- pytest -m "not browser"

Creates a fresh cluster in a temporary directory, starts it on a free loopback port, exports
DATABASE_URL for the command, and removes everything afterwards. PostgreSQL refuses to run
as root, so when we are root the server runs as the ``postgres`` system user.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4])
    )
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).parent
    sys.exit(
        "PostgreSQL server binaries not found: run `make system-deps` (as root) or "
        "install the 'postgresql' package."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit("usage: with_postgres.py -- COMMAND ...")
    bindir = _bin_dir()
    as_root = os.geteuid() == 0
    prefix: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = Path(tempfile.mkdtemp(prefix="konvergen-pg-"))
    data, sock = workdir / "data", workdir / "sock"
    sock.mkdir()
    if as_root:
        pw = pwd.getpwnam("postgres")
        for p in (workdir, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    log = workdir / "server.log"
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                # Byte-order collation: IDs and codes compare as bytes, and text indexes
                # build about twice as fast as under a libc locale (docs/operations.md).
                "--lc-collate=C",
                "--lc-ctype=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                f"-p {port} -k {sock} -c listen_addresses=127.0.0.1"
                " -c fsync=off -c synchronous_commit=off"
                " -c full_page_writes=off -c max_connections=60"
                + "".join(f" -c {o}" for o in os.environ.get("KONVERGEN_PG_SETTINGS", "").split()),
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        url = f"postgresql://postgres@127.0.0.1:{port}/konvergen"
        subprocess.run(
            [
                *prefix,
                str(bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "konvergen",
            ],
            check=True,
            env=env,
        )
        print(f"PostgreSQL {bindir.parent.name} on 127.0.0.1:{port} (throwaway)", flush=True)
        return subprocess.run(argv, env={**os.environ, "DATABASE_URL": url}).returncode
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(0.2)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
