"""A throwaway PostgreSQL server on 127.0.0.1 for the `postgres` target's tests.

`start()` initialises a new cluster in a temporary folder with the machine's PostgreSQL server
binaries (Debian's /usr/lib/postgresql/<version>/bin; when there are none, Debian's `postgresql`
package is installed first), starts it on a free port of 127.0.0.1 only, and creates:

- the database `segments`, owned by the login role `segments_builder` that dbt builds with;
- the login role `bi_reader`, which the project's grants give read access to the marts only;
- the login role `data_quality_reader`, which they give read access to schema `quarantine` only.

Passwords are random and live only in the returned settings (libpq variables). initdb refuses to
run as root, so as root the server runs as the `postgres` user. `stop()` stops the server and
removes the folder. As a command: `python -m tools.postgres_server start` prints the libpq
variables as shell `export` lines and leaves the server running; `... stop <folder>` stops it.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg2

DATABASE = "segments"
BUILDER = "segments_builder"
BI_READER = "bi_reader"
DATA_QUALITY_READER = "data_quality_reader"


@dataclass
class Server:
    folder: Path
    bin_dir: Path
    port: int
    superuser_password: str
    builder_password: str
    bi_reader_password: str
    data_quality_reader_password: str

    def env(self, user: str = BUILDER) -> dict[str, str]:
        """libpq variables that reach this server's `segments` database as `user`."""
        password = {
            BUILDER: self.builder_password,
            BI_READER: self.bi_reader_password,
            DATA_QUALITY_READER: self.data_quality_reader_password,
            "postgres": self.superuser_password,
        }[user]
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": user,
            "PGPASSWORD": password,
            "PGDATABASE": DATABASE,
        }

    def connect(self, user: str = BUILDER, database: str = DATABASE):
        settings = self.env(user)
        return psycopg2.connect(
            host=settings["PGHOST"],
            port=self.port,
            user=user,
            password=settings["PGPASSWORD"],
            dbname=database,
        )


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and the server refuse root: run them as `postgres` when this process is root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _server_bin_dir() -> Path:
    def found() -> list[str]:
        return sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"),
            key=lambda path: int(Path(path).parts[-3]),
        )

    if not found():
        print("==> Installing Debian's postgresql package (no server binaries found)", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not found():
        raise RuntimeError("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
    return Path(found()[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> Server:
    bin_dir = _server_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="segments-postgres-"))
    data = folder / "data"
    password_file = folder / "superuser_password"
    server = Server(
        folder=folder,
        bin_dir=bin_dir,
        port=_free_port(),
        superuser_password=secrets.token_hex(16),
        builder_password=secrets.token_hex(16),
        bi_reader_password=secrets.token_hex(16),
        data_quality_reader_password=secrets.token_hex(16),
    )
    password_file.write_text(server.superuser_password)
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres")
        shutil.chown(password_file, user="postgres")
    folder.chmod(0o700)
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                "postgres",
                "--pwfile",
                str(password_file),
                "--auth-local",
                "scram-sha-256",
                "--auth-host",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--no-locale",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    password_file.unlink()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {server.port} -k {folder}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "--pgdata",
                str(data),
                "--options",
                options,
                "--log",
                str(folder / "server.log"),
                "--wait",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with closing(server.connect("postgres", "postgres")) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"create role {BUILDER} login password %s", (server.builder_password,))
            cursor.execute(
                f"create role {BI_READER} login password %s", (server.bi_reader_password,)
            )
            cursor.execute(
                f"create role {DATA_QUALITY_READER} login password %s",
                (server.data_quality_reader_password,),
            )
            cursor.execute(f"create database {DATABASE} owner {BUILDER}")
    with closing(server.connect("postgres")) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            # only the owner may create objects in the public schema (PostgreSQL 15's default)
            cursor.execute("revoke all on schema public from public")
    return server


def stop(folder: Path) -> None:
    bin_dir = _server_bin_dir()
    data = Path(folder) / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            _as_server_user(
                [str(bin_dir / "pg_ctl"), "--pgdata", str(data), "--mode", "fast", "--wait", "stop"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["start"]:
        server = start()
        for name, value in server.env().items():
            print(f"export {name}={value}")
        print(f"export SEGMENTS_POSTGRES_FOLDER={server.folder}")
        print(f"# bi_reader password: {server.bi_reader_password}")
        print(f"# data_quality_reader password: {server.data_quality_reader_password}")
        return 0
    if argv[:1] == ["stop"] and len(argv) == 2:
        stop(Path(argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
