"""Mixed load on a real server: practices logging cases while others read summaries.

    .venv/bin/python -m bench.load_mixed                       # SQLite, made once under bench/out/
    .venv/bin/python -m bench.load_mixed --database-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME

Starts gunicorn on 127.0.0.1 (``bench/serve.py``) and sends about 10,000 requests from 32
clients (``bench/load.py``), in turn: logging a case as a practice user (GET the form, POST
it, follow the redirect), an LMC officer's trust summaries, a trust's summary page, and a
practice lead's summary page (the practice's list of cases when the summaries are not part
of the build). It stops at the request budget or the time limit, whichever comes first.

It then checks two things and exits 1 if either fails: no answer was a 5xx, and every case
whose POST was answered with a redirect is in the database exactly once. The cases it logged
are removed again afterwards, so the database can be used for the next run.

An empty database (or a missing SQLite file) is first filled by ``bench/generate.py``.
Loopback only: the load generator refuses any other host.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import create_engine, text

from bench import load
from bench.generate import BENCH_EMAILS, BENCH_TOTP_SECRET, DEFAULT_PASSWORD
from bench.run_all import busiest_trust_code, count_and_remove_cases, run_child
from bench.serve import OUT, BenchServer, ServerConfig

DEFAULT_REQUESTS = 10_000
DEFAULT_CLIENTS = 32
DEFAULT_TIME_LIMIT = 600.0  # seconds
DEFAULT_REPORTS = 20_000  # reports generated into an empty database


@dataclass(frozen=True)
class Step:
    """One kind of unit of work: who does it, and how many requests it sends."""

    name: str
    user: str  # a key of BENCH_EMAILS
    requests: int


def plan(summaries_built: bool) -> list[Step]:
    """The units in the order each client cycles through them."""
    if summaries_built:
        return [
            Step("log_case", "practice", 3),
            Step("lmc_summaries", "lmc", 1),
            Step("trust_summary", "lmc", 1),
            Step("lead_summary", "lead", 1),
        ]
    return [Step("log_case", "practice", 3), Step("practice_list", "practice", 1)]


def units_for(requests: int, steps: list[Step]) -> int:
    """How many units send (about) ``requests`` requests, the steps taken in turn."""
    per_cycle = sum(step.requests for step in steps)
    return math.ceil(requests * len(steps) / per_cycle)


def mixed_scenario(run: str, steps: list[Step], cookies: dict[str, dict[str, str]],
                   paths: dict[str, str]) -> load.Scenario:
    """Unit ``n`` does step ``n mod len(steps)``, signed in as that step's user."""
    log_case = load.log_cases(run)
    fetch: dict[str, Callable] = {name: load.fetch_pages([path]) for name, path in paths.items()}

    def scenario(client: load.Client, number: int, recorder: load.Recorder) -> None:
        step = steps[number % len(steps)]
        client.cookies = dict(cookies[step.user])
        if step.name == "log_case":
            log_case(client, number, recorder)
        else:
            fetch[step.name](client, number, recorder)

    return scenario


def ensure_data(database_url: str, reports: int) -> None:
    """Generate the bench data when the database has none (or the SQLite file is missing)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.scalar(text("SELECT count(*) FROM user_account WHERE email = :e"),
                                      {"e": BENCH_EMAILS["practice"]})
    except Exception:  # no schema yet
        found = 0
    finally:
        engine.dispose()
    if found:
        run_child(["bench.generate", "--database-url", database_url, "--upgrade-only"], echo=False)
        return
    print(f"# generating {reports:,} reports into {database_url} (kept for later runs)", flush=True)
    run_child(["bench.generate", "--database-url", database_url, "--reports", str(reports)], echo=False)


def _status(client: load.Client, path: str) -> int:
    status = client.get(path).status
    client.close()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_mixed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{OUT / 'mixed.db'}")
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="requests to send (about)")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds to run at most")
    parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS, help="reports to generate into an empty database")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.clients < 1 or args.time_limit <= 0:
        parser.error("--requests, --clients and --time-limit must be positive")

    OUT.mkdir(parents=True, exist_ok=True)
    ensure_data(args.database_url, args.reports)
    config = ServerConfig()
    with BenchServer(args.database_url, config, log_name="gunicorn_mixed") as server:
        host, port = server.host, server.port
        cookies = {
            "practice": load.signed_in_cookies(host, port, BENCH_EMAILS["practice"], DEFAULT_PASSWORD),
            "lead": load.signed_in_cookies(host, port, BENCH_EMAILS["lead"], DEFAULT_PASSWORD),
            "lmc": load.signed_in_cookies(host, port, BENCH_EMAILS["lmc"], DEFAULT_PASSWORD, BENCH_TOTP_SECRET),
        }
        # 404: the summaries are not part of this build. Any other answer (a 5xx too) is measured.
        summaries_built = _status(load.Client(host, port, cookies["lmc"]), "/summaries") != 404
        paths = {"practice_list": "/reports", "lmc_summaries": "/summaries", "lead_summary": "/summaries",
                 "trust_summary": f"/summaries/trusts/{busiest_trust_code(args.database_url) or 'RJ1'}"}
        steps = plan(summaries_built)
        run = load.new_run("mixed")
        units = units_for(args.requests, steps)
        print(f"# {config.describe()} on {host}:{port}; {args.clients} clients; {units:,} units "
              f"({', '.join(step.name for step in steps)}) for about {args.requests:,} requests", flush=True)
        result = load.run_load(host, port, mixed_scenario(run, steps, cookies, paths), name="mixed",
                               clients=args.clients, units=units, time_limit=args.time_limit)
        server_log = server.log_tail(5)

    posted = result.succeeded["post"]
    found = count_and_remove_cases(args.database_url, run)
    for line in result.lines("mixed"):
        print(line)
    print(f"mixed.seconds {result.seconds:.1f} s")
    print(f"mixed.units {result.units} count")
    for step in ("form", "post", "redirect", "get"):
        if result.latencies.get(step):
            print(f"mixed.{step}.p95 {result.ms(0.95, step):.1f} ms  ({len(result.latencies[step])} requests)")
    print(f"mixed.cases_posted {posted} count  (POSTs answered with a redirect)")
    print(f"mixed.cases_found {found} count  (in the database afterwards, then removed)")
    ok = result.server_errors == 0 and found == posted and result.errors == 0
    print(f"mixed.verdict {'passed' if ok else 'FAILED'}: {result.server_errors} answers 5xx, "
          f"{posted - found} logged cases missing, {result.errors} unexpected answers")
    for failure in result.failures[:5]:
        print(f"# {failure}", file=sys.stderr)
    if not ok and server_log:
        print(f"# gunicorn log:\n{server_log}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
