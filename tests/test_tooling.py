"""The tooling's choice of PostgreSQL server (tools/lib.sh), run by tools/test.

Each combination of PGHOST / PGPORT / PGUSER / PGPASSWORD that the README documents is
tried in two ways, with a cache folder of its own (a temporary folder inside the run's
cache: the run's odoo.conf is never rewritten):

* for real, against the server this test run already uses, through ``tools/odoo``:
  the private cluster (its socket folder), the same cluster over TCP through a small
  TCP-to-socket relay (the private cluster listens on no TCP port), a role without
  CREATEDB, and a server that does not answer;
* with ``pg_isready`` and ``psql`` replaced by shell functions, for what no second server
  is needed to check: PGUSER alone, a host name alone, a host name with PGPORT and
  PGPASSWORD, empty values.

Every time: the one connection line, the generated odoo.conf (no empty key, the tours'
screenshots inside the cache folder) and the variables exported to odoo-bin (none empty).

Not imported by tests/__init__.py: Odoo's own test runner has nothing to do with the tooling.
"""

import configparser
import getpass
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
import uuid
from pathlib import Path

import odoo.release
import odoo.sql_db
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent  # the checkout (the addon link resolved)
ODOO_SRC = Path(odoo.release.__file__).resolve().parent.parent
DB = "certified_support_tooling"  # only named in the connection line, never created
LINE = re.compile(
    r"^==> PostgreSQL \((?P<what>[^)]*)\): host (?P<host>.*), port (?P<port>\S+), "
    r"user (?P<user>.*), database (?P<db>.*)$",
    re.M,
)
PRIVATE = "the private cluster"
EXTERNAL = "your server, from PGHOST/PGPORT/PGUSER"
# Odoo reads the connection from the shell, then from its file: the shell snippet given to
# `tools/odoo shell` connects as Odoo does and prints what it used.
CONNECT = """
import os, odoo.sql_db
info = odoo.sql_db.connection_info_for("postgres")[1]
with odoo.sql_db.db_connect("postgres").cursor() as cr:
    cr.execute("SELECT current_user")
    user = cr.fetchone()[0]
print("CS-CONNECTED", user, info.get("host", ""), info.get("port", ""))
print("CS-ENV", sorted((k, v) for k, v in os.environ.items() if k.startswith("PG")))
"""


class TcpRelay:
    """127.0.0.1:<free port> relayed to a unix socket: the private cluster over TCP."""

    def __init__(self, socket_path):
        self.path = socket_path
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.path)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:  # pylint: disable=except-pass  # either side closed the connection
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:  # pylint: disable=except-pass  # already closed
                    pass
            src.close()

    def close(self):
        self.closed = True
        self.server.close()


class TestToolingPostgres(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        conf = Path(config["config"])  # <cache>/checkouts/<hash>/odoo.conf
        cls.run_cache = conf.parent.parent.parent
        cls.cache = Path(tempfile.mkdtemp(prefix="tooling-test-", dir=cls.run_cache))
        cls.addClassCleanup(shutil.rmtree, cls.cache, ignore_errors=True)
        host = config["db_host"] or ""
        # the private cluster of this run: a folder with PG_VERSION, its socket inside
        cls.pgdata = host if host and Path(host, "PG_VERSION").is_file() else None

    def _env(self, pg):
        # this run's own PG* variables and folders out (CS_PYTHON stays: the venv's stamp uses it)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PG")
            and k not in ("CS_CACHE", "XDG_CACHE_HOME", "CS_VENV", "CS_PGDATA", "ODOO_SRC", "ODOO_RC")
        }
        env.update(CS_CACHE=str(self.cache), CS_VENV=sys.prefix, ODOO_SRC=str(ODOO_SRC))
        if self.pgdata:
            env["CS_PGDATA"] = self.pgdata
        env.update(pg)
        return env

    def _conf(self):
        confs = list(self.cache.glob("checkouts/*/odoo.conf"))
        self.assertEqual(len(confs), 1, confs)
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(confs[0])
        options = dict(parser["options"])
        self.assertFalse([k for k, v in options.items() if not v.strip()], "no empty key in odoo.conf")
        self.assertEqual(
            options["screenshots"],
            str(self.cache / "odoo_tests"),
            "tours' screenshots and Chrome logs stay in the cache folder",
        )
        return options

    def _assert_stopped_and_told(self, rc, out, *messages):
        """The command stopped (a non-zero exit code) and said each of `messages`, not with a traceback."""
        self.assertNotEqual(rc, 0, out)
        for message in messages:
            self.assertIn(message, out)
        self.assertNotIn("Traceback", out)

    def _line(self, out, what, host, port, user, db=DB):
        lines = LINE.findall(out)
        self.assertEqual(len(lines), 1, f"one connection line:\n{out}")
        self.assertEqual(lines[0], (what, host, port, user, db), out)

    def _tools_odoo(self, pg, *args, stdin=None):
        """tools/odoo ARGS: `--version -d <DB>` (no connection), or `shell` (CONNECT, no -d)."""
        for f in self.cache.glob("checkouts/*/odoo.conf"):
            f.unlink()
        if stdin is None:
            args += ("-d", DB)
        proc = subprocess.run(
            [str(ROOT / "tools/odoo"), *args],
            env=self._env(pg),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(self.cache),
        )
        return proc.returncode, proc.stdout + proc.stderr

    def _stubbed(self, pg, answers=True, createdb="t"):
        """lib.sh's choice with pg_isready/psql replaced: (rc, output, conf, exported PG*)."""
        for f in self.cache.glob("checkouts/*/odoo.conf"):
            f.unlink()
        script = f"""
            source "$1/tools/lib.sh"
            pg_isready() {{ return {0 if answers else 2}; }}
            psql() {{ echo {createdb}; }}
            ensure_odoo_src
            ensure_pg
            write_conf
            say_pg {DB}
            env | sed -n 's/^PG/ENV PG/p'
        """
        proc = subprocess.run(
            ["bash", "-c", script, "-", str(ROOT)], env=self._env(pg), capture_output=True, text=True, timeout=60
        )
        out = proc.stdout + proc.stderr
        exported = dict(re.findall(r"^ENV (PG\w+)=(.*)$", proc.stdout, re.M))
        self.assertFalse([k for k, v in exported.items() if not v], f"no empty PG variable exported:\n{out}")
        return proc.returncode, out, exported

    # --- against the server this run uses ------------------------------------------------

    def _connected(self, out):
        m = re.search(r"^CS-CONNECTED (\S+) (\S*) (\S*)$", out, re.M)
        self.assertTrue(m, f"Odoo connected:\n{out}")
        env = re.search(r"^CS-ENV (.*)$", out, re.M).group(1)
        self.assertNotIn("''", env, "no empty PG variable reaches odoo-bin")
        return m.groups()

    def test_nothing_set_uses_the_private_cluster(self):
        if not self.pgdata:  # this run is on a server of PGHOST/PGPORT/PGUSER: try that one
            pg = {
                k: str(v)
                for k, v in (
                    ("PGHOST", config["db_host"]),
                    ("PGPORT", config["db_port"]),
                    ("PGUSER", config["db_user"]),
                    ("PGPASSWORD", config["db_password"]),
                )
                if v
            }
            rc, out = self._tools_odoo(pg, "shell", "--no-http", "--log-level=warn", stdin=CONNECT)
            self.assertEqual(rc, 0, out)
            self.assertEqual(self._connected(out)[0], config["db_user"])
            return
        rc, out = self._tools_odoo({}, "--version")
        self.assertEqual(rc, 0, out)
        self.assertIn("Odoo Server 19.0", out)
        self._line(out, PRIVATE, self.pgdata, "5432", "odoo")
        conf = self._conf()
        self.assertEqual((conf["db_host"], conf["db_port"], conf["db_user"]), (self.pgdata, "5432", "odoo"))
        self.assertNotIn("db_password", conf)

    def test_socket_folder_and_user(self):
        """The integrator's first try: PGHOST=<socket folder> PGUSER=odoo (no PGPORT)."""
        if not self.pgdata:
            return  # test_nothing_set_uses_the_private_cluster tried this run's own variables
        rc, out = self._tools_odoo(
            {"PGHOST": self.pgdata, "PGUSER": "odoo"}, "shell", "--no-http", "--log-level=warn", stdin=CONNECT
        )
        self.assertEqual(rc, 0, out)
        self._line(out, EXTERNAL, self.pgdata, "5432", "odoo", "(none given)")
        conf = self._conf()
        self.assertEqual((conf["db_host"], conf["db_user"]), (self.pgdata, "odoo"))
        self.assertNotIn("db_port", conf, "PGPORT not set: libpq's default")
        self.assertEqual(self._connected(out), ("odoo", self.pgdata, ""))

    def test_socket_folder_alone_connects_as_the_os_user(self):
        if not self.pgdata:
            return
        user = getpass.getuser()
        rc, out = self._tools_odoo({"PGHOST": self.pgdata}, "--version")
        self.assertNotIn("Traceback", out)
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user])
            role_exists = bool(cr.fetchone())
        if role_exists:
            self.assertEqual(rc, 0, out)
            self._line(out, EXTERNAL, self.pgdata, "5432", user)
        else:  # as libpq does: that server, as the OS user, which is no role there
            self._assert_stopped_and_told(rc, out, f"answers, but not to user {user}", "CREATE ROLE")

    def test_host_port_password_over_tcp(self):
        if not self.pgdata:
            return
        relay = TcpRelay(os.path.join(self.pgdata, ".s.PGSQL.5432"))
        self.addCleanup(relay.close)
        pg = {"PGHOST": "127.0.0.1", "PGPORT": str(relay.port), "PGUSER": "odoo", "PGPASSWORD": "s3cret"}
        rc, out = self._tools_odoo(pg, "shell", "--no-http", "--log-level=warn", stdin=CONNECT)
        self.assertEqual(rc, 0, out)
        self._line(out, EXTERNAL, "127.0.0.1", str(relay.port), "odoo", "(none given)")
        conf = self._conf()
        self.assertEqual(
            (conf["db_host"], conf["db_port"], conf["db_user"], conf["db_password"]),
            ("127.0.0.1", str(relay.port), "odoo", "s3cret"),
        )
        self.assertEqual(self._connected(out), ("odoo", "127.0.0.1", str(relay.port)))

    def test_role_without_createdb_is_told_what_to_grant(self):
        if not self.pgdata:
            return
        role = f"cs_tooling_{uuid.uuid4().hex[:8]}"
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute(f'CREATE ROLE "{role}" LOGIN')

        def drop():
            with odoo.sql_db.db_connect("postgres").cursor() as cr:
                cr.execute(f'DROP ROLE IF EXISTS "{role}"')

        self.addCleanup(drop)
        rc, out = self._tools_odoo({"PGHOST": self.pgdata, "PGUSER": role}, "--version")
        self._assert_stopped_and_told(rc, out, f"ALTER ROLE {role} CREATEDB;")

    def test_server_not_answering_falls_back_to_the_private_cluster(self):
        if not self.pgdata:
            return
        missing = str(self.cache / "no-server-here")
        pg = {"PGHOST": missing, "PGPORT": "5432", "PGUSER": "someone", "PGPASSWORD": "x"}
        rc, out = self._tools_odoo(pg, "--version")
        self.assertEqual(rc, 0, out)
        self.assertIn(f"No PostgreSQL server answers at host {missing}, port 5432", out)
        self.assertIn("using the private cluster instead", out)
        self._line(out, PRIVATE, self.pgdata, "5432", "odoo")
        conf = self._conf()
        self.assertEqual((conf["db_host"], conf["db_user"]), (self.pgdata, "odoo"))
        self.assertNotIn("db_password", conf, "the private cluster needs none")

    def test_empty_values_count_as_unset(self):
        if not self.pgdata:
            return
        rc, out = self._tools_odoo({"PGHOST": "", "PGPORT": "", "PGUSER": "", "PGPASSWORD": ""}, "--version")
        self.assertEqual(rc, 0, out)
        self._line(out, PRIVATE, self.pgdata, "5432", "odoo")
        self._conf()

    # --- the same choice with pg_isready and psql replaced -----------------------------

    def test_stubbed_combinations(self):
        me = getpass.getuser()
        cases = [
            # (variables, conf db_* keys, exported PG* variables, connection line host/port/user)
            ({"PGUSER": "alice"}, {"db_user": "alice"}, {"PGUSER": "alice"}, ("(local socket)", "5432", "alice")),
            (
                {"PGHOST": "db.example.com"},
                {"db_host": "db.example.com", "db_user": me},
                {"PGHOST": "db.example.com", "PGUSER": me},
                ("db.example.com", "5432", me),
            ),
            (
                {"PGHOST": "/run/postgresql"},
                {"db_host": "/run/postgresql", "db_user": me},
                {"PGHOST": "/run/postgresql", "PGUSER": me},
                ("/run/postgresql", "5432", me),
            ),
            (
                {"PGHOST": "db.example.com", "PGPORT": "5433", "PGUSER": "odoo", "PGPASSWORD": "pa ss"},
                {"db_host": "db.example.com", "db_port": "5433", "db_user": "odoo", "db_password": "pa ss"},
                {"PGHOST": "db.example.com", "PGPORT": "5433", "PGUSER": "odoo", "PGPASSWORD": "pa ss"},
                ("db.example.com", "5433", "odoo"),
            ),
            (
                {"PGPORT": "5433", "PGUSER": "alice"},
                {"db_port": "5433", "db_user": "alice"},
                {"PGPORT": "5433", "PGUSER": "alice"},
                ("(local socket)", "5433", "alice"),
            ),
            (
                {"PGHOST": "", "PGPORT": "", "PGUSER": "alice", "PGPASSWORD": ""},
                {"db_user": "alice"},
                {"PGUSER": "alice"},
                ("(local socket)", "5432", "alice"),
            ),
        ]
        for pg, want_conf, want_env, line in cases:
            with self.subTest(**pg):
                rc, out, exported = self._stubbed(pg)
                self.assertEqual(rc, 0, out)
                self._line(out, EXTERNAL, *line)
                conf = self._conf()
                self.assertEqual({k: v for k, v in conf.items() if k.startswith("db_")}, want_conf)
                self.assertEqual(exported, want_env)

    def test_stubbed_refusals(self):
        rc, out, _ = self._stubbed({"PGHOST": "db.example.com", "PGUSER": "Alice"}, createdb="f")
        self.assertNotEqual(rc, 0, out)
        self.assertIn('ALTER ROLE "Alice" CREATEDB;', out)
        rc, out, _ = self._stubbed({"PGHOST": "db.example.com", "PGUSER": "postgres"})
        self.assertNotEqual(rc, 0, out)
        self.assertIn("Odoo refuses to connect as the PostgreSQL superuser postgres", out)
        rc, out, _ = self._stubbed({"PGHOST": "db.example.com", "PGPORT": "fivefour"})
        self.assertNotEqual(rc, 0, out)
        self.assertIn("PGPORT=fivefour is not a port number", out)

    # --- this very run -----------------------------------------------------------------

    def test_this_run_keeps_screenshots_in_its_cache_folder(self):
        self.assertTrue(
            Path(config["screenshots"]).resolve().is_relative_to(self.run_cache.resolve()),
            f"screenshots go to {config['screenshots']}, outside {self.run_cache}",
        )
