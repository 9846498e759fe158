"""Run the app under gunicorn on loopback for a benchmark: start, wait until ready, stop.

    with BenchServer("postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench_1m") as server:
        ...  # server.port answers on 127.0.0.1

One fixed configuration for every measurement, so that a page and the trivial route are
compared under exactly the same server: 2 gthread workers (one per core on the 2-core
bench machine) with 4 threads each and long keep-alive. Threads let a worker overlap one
request's database wait with another's Python work; more workers than cores only adds
context switches. The app runs as in production (TRACKER_ENV=production) with a throwaway
secret key and no proxy in front.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tracker.config import PROJECT_ROOT

BIND_HOST = "127.0.0.1"
# The app of wsgi.py with one page more: the yardstick (bench/reference_app.py).
APP = "bench.reference_app:bench_app()"
OUT = PROJECT_ROOT / "bench" / "out"


class ServerFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    keep_alive: int = 75  # seconds: longer than any pause between a client's requests

    def gunicorn_args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class,
                "--keep-alive", str(self.keep_alive)]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args

    def describe(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.workers} {self.worker_class} workers{threads}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((BIND_HOST, 0))
        return probe.getsockname()[1]


class BenchServer:
    """gunicorn serving the app (``APP``) on 127.0.0.1 and a free port, against ``database_url``."""

    def __init__(self, database_url: str, config: ServerConfig = ServerConfig(), log_name: str = "gunicorn"):
        self.database_url = database_url
        self.config = config
        self.port = 0
        self.log_path = OUT / f"{log_name}.log"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> BenchServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return BIND_HOST

    def start(self, ready_timeout: float = 60) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        env = {
            **os.environ,
            "TRACKER_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": self.database_url,
            "TRACKER_PROXY_COUNT": "0",
            "TRACKER_INSTANCE_PATH": str(OUT / "instance"),
        }
        env.pop("REDIS_URL", None)
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"{BIND_HOST}:{self.port}",
            *self.config.gunicorn_args(),
            "--worker-tmp-dir", "/dev/shm" if Path("/dev/shm").is_dir() else "/tmp",
            "--graceful-timeout", "5", "--timeout", "120", "--log-level", "warning",
            APP,
        ]
        log = self.log_path.open("w")
        # Its own process group, so that stop() ends the master and its workers and nothing else.
        self._process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_ready(ready_timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerFailed(f"gunicorn exited ({self._process.returncode}):\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(BIND_HOST, self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
                connection.close()
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise ServerFailed(f"gunicorn did not answer /health within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        group = process.pid  # start_new_session: the group is the one gunicorn leads
        os.killpg(group, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            process.wait(timeout=5)
