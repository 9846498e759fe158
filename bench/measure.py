"""In-process measurements on a generated database: each prints ``name value unit`` lines.

    .venv/bin/python -m bench.measure --database-url URL --label sqlite.1m [--only summary,dashboard]

- ``summary``: the trust summary (``summaries.queries.trust_summary``) for the bench LMC's
  busiest trust over the last 12 whole months, against the raw SQL aggregate behind it: the
  very statements it sends, captured and replayed straight on the driver's cursor. The ratio
  is what the Python layer adds on top of the database's own work.
- ``dashboard``: server time of the LMC summary page (GET /summaries, and one trust's page)
  through the app in-process, and the same captured-SQL ratio.
- ``import``: checking and applying a 100,000-row CSV for the bench practice (rolled back).
- ``evidence``: building the evidence pack PDF for one trust-year (nothing kept).

Each figure is the median of several runs after a warm-up run. A measurement whose code
is not in the app yet prints ``n/a (page not built yet)``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from random import Random
from time import perf_counter

from sqlalchemy import event, func, select, text

from bench.generate import BENCH_EMAILS, absolute_sqlite_url, tidy

# In this order: the import writes (and rolls back) 100,000 rows, so it goes last.
MEASUREMENTS = ("summary", "dashboard", "evidence", "import", "rollup")
NOT_BUILT = "n/a (page not built yet)"
IMPORT_ROWS = 100_000


def say(name: str, value, unit: str, note: str = "") -> None:
    shown = f"{value:.1f}" if isinstance(value, float) and unit in {"ms", "s"} else (
        f"{value:.2f}" if isinstance(value, float) else str(value))
    print(f"{name} {shown} {unit}{('  ' + note) if note else ''}", flush=True)


def not_built(name: str, why: str = "") -> None:
    print(f"{name} {NOT_BUILT}{('  ' + why) if why else ''}", flush=True)


def timed_median(run: Callable[[], object], repeat: int, budget: float = 60.0) -> float:
    """Median seconds of ``repeat`` runs after one warm-up; fewer runs if ``budget`` runs out."""
    return timed_medians(run, repeat=repeat, budget=budget)[0]


def timed_medians(*runs: Callable[[], object], repeat: int, budget: float = 60.0) -> list[float]:
    """Median seconds of each of ``runs``, timed in turns (one of each, ``repeat`` times, after
    one warm-up each): a ratio of two medians taken one after the other moved with whatever
    else the machine did in between (a trust summary measured 1.05 and 1.32 times its SQL in
    two runs a minute apart)."""
    for run in runs:
        run()
    times: list[list[float]] = [[] for _ in runs]
    deadline = time.monotonic() + budget
    while len(times[0]) < repeat and (not times[0] or time.monotonic() < deadline):
        for run, kept in zip(runs, times, strict=True):
            started = perf_counter()
            run()
            kept.append(perf_counter() - started)
    return [statistics.median(kept) for kept in times]


# --- The raw SQL behind a function ---------------------------------------------------------

_TRANSACTION_WORDS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def captured_sql(engine) -> Iterator[list[tuple[str, object]]]:
    """Every statement (and its parameters) sent to the database inside the block."""
    statements: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and not statement.lstrip().upper().startswith(_TRANSACTION_WORDS):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def statements_of(engine, run: Callable[[], object]) -> list[tuple[str, object]]:
    """The statements ``run`` sends when it is timed: captured on its second run, so that the
    session is as the timed runs find it (after a rollback, with its objects to load again)."""
    run()
    with captured_sql(engine) as statements:
        run()
    return statements


def replay(engine, statements: list[tuple[str, object]]) -> Callable[[], None]:
    """A function that runs ``statements`` straight on a driver cursor and fetches every row."""

    def run() -> None:
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()
            connection.rollback()

    return run


def compare_with_sql(name: str, engine, call: Callable[[], object], repeat: int, session) -> None:
    """Print the function's time, its SQL's time and the ratio (target: at most 1.5)."""

    def function() -> None:
        call()
        session.rollback()

    statements = statements_of(engine, function)
    function_seconds, sql_seconds = timed_medians(function, replay(engine, statements), repeat=repeat)
    say(f"{name}.ms", function_seconds * 1000, "ms")
    say(f"{name}.sql_ms", sql_seconds * 1000, "ms", f"{len(statements)} statements replayed raw")
    ratio = function_seconds / sql_seconds if sql_seconds else float("nan")
    say(f"{name}.ratio_to_sql", ratio, "ratio", "target <= 1.5: " + ("met" if ratio <= 1.5 else "missed"))


# --- The bench's people and places ---------------------------------------------------------


class Bench:
    """The bench sign-ins, their LMC and practice, and the busiest trust of the LMC."""

    def __init__(self, session):
        from tracker.accounts.models import User
        from tracker.summaries.periods import Period, add_months

        self.session = session
        users = {u.email: u for u in session.scalars(select(User).where(User.email.in_(BENCH_EMAILS.values())))}
        if len(users) < len(BENCH_EMAILS):
            raise SystemExit("This database has no bench sign-ins: fill it with python -m bench.generate first.")
        self.lmc_officer = users[BENCH_EMAILS["lmc"]]
        self.practice_lead = users[BENCH_EMAILS["lead"]]
        self.lmc = self.lmc_officer.lmc
        self.practice = self.practice_lead.practice
        last_day = session.scalar(text("SELECT max(received_on) FROM report"))
        last_day = date.fromisoformat(str(last_day)) if last_day else date.today()
        # The last 12 whole months before the month of the newest report.
        first_of_month = last_day.replace(day=1)
        self.year = Period(add_months(first_of_month, -12), first_of_month - timedelta(days=1))
        self.trust = self._busiest_trust()

    def _busiest_trust(self):
        from tracker.organisations.models import Trust, practice_ids_for_lmc
        from tracker.reports.models import Report

        trust_id = self.session.scalar(
            select(Report.trust_id)
            .where(Report.practice_id.in_(practice_ids_for_lmc(self.lmc.id)), Report.trust_id.is_not(None),
                   Report.received_on >= self.year.start, Report.received_on <= self.year.end)
            .group_by(Report.trust_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        return self.session.get(Trust, trust_id)


def signed_in_client(app, user):
    """A test client signed in as ``user`` (the session a real sign-in would leave)."""
    client = app.test_client()
    now = int(time.time())
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["signed_in_at"] = now
        session["seen_at"] = now
    return client


# --- Measurements --------------------------------------------------------------------------


def measure_summary(app, bench: Bench, label: str, repeat: int) -> None:
    name = f"{label}.summary.trust"
    try:
        from tracker.summaries.queries import trust_summary
        from tracker.summaries.scope import SummaryScope
    except ImportError:
        not_built(name)
        return
    from tracker.extensions import db

    scope = SummaryScope.for_lmc(bench.lmc)
    rates = app.config["HOURLY_RATES"]
    print(f"# trust summary: {bench.trust.name} ({bench.trust.ods_code}), {bench.lmc.name}, "
          f"{bench.year.start} to {bench.year.end}", flush=True)
    compare_with_sql(name, db.engine, lambda: trust_summary(scope, bench.trust, bench.year, rates), repeat, db.session)


def measure_dashboard(app, bench: Bench, label: str, repeat: int) -> None:
    from tracker.extensions import db

    # Server time of computing the figures: the figure cache off (rollup_measure times it on).
    app.config["SUMMARY_CACHE_SECONDS"] = 0
    client = signed_in_client(app, bench.lmc_officer)
    pages = {
        "lmc_dashboard": "/summaries",
        "trust_page": f"/summaries/trusts/{bench.trust.ods_code}",
    }
    for key, path in pages.items():
        name = f"{label}.{key}"
        first = client.get(path)
        if first.status_code == 404:
            not_built(name)
            continue
        if first.status_code != 200:
            say(f"{name}.status", first.status_code, "code", f"GET {path} did not answer 200")
            continue

        def fetch() -> None:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")

        with captured_sql(db.engine) as statements:
            fetch()
        server, sql = timed_medians(fetch, replay(db.engine, statements), repeat=repeat)
        note = ""
        if key == "lmc_dashboard" and label.startswith("postgresql.5m"):
            note = "target < 50 ms: " + ("met" if server < 0.05 else "missed")
        say(f"{name}.server_ms", server * 1000, "ms", note)
        say(f"{name}.sql_ms", sql * 1000, "ms", f"{len(statements)} statements replayed raw")
        say(f"{name}.ratio_to_sql", server / sql if sql else float("nan"), "ratio")


def import_csv(rows: int, seed: int = 7) -> bytes:
    """A practice's spreadsheet of ``rows`` cases in the import's own column layout."""
    from bench import synthetic as mix
    from tracker.reports.importing import COLUMN_NAMES

    rng = Random(seed)
    templates = mix.description_templates()
    categories = mix.Weighted(mix.CATEGORY_MIX)
    trusts = ("RJ1", "RJZ", "RJ2", "R1H", "RAL")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, extrasaction="ignore")
    writer.writeheader()
    today = date.today()
    for _ in range(rows):
        category = categories.draw(rng)
        template = rng.choice(templates[category])
        declined = category == "non-commissioned"
        writer.writerow({
            "date_received": (today - timedelta(days=rng.randint(1, 700))).strftime("%d/%m/%Y"),
            "provider": rng.choice(trusts),
            "specialty_code": template.specialty_code or mix.GENERAL_SPECIALTIES.draw(rng),
            "source": template.source or "clinic-letter",
            "direction": "declined" if declined else "request",
            "category": category,
            "description": template.text,
            "action_taken": "declined-returned" if declined else "done-under-protest",
            "patient_impact": mix.PATIENT_IMPACT.draw(rng),
            "minutes_gp": str(rng.choice((5, 10, 15))),
            "minutes_admin": str(rng.choice((5, 10))),
        })
    return out.getvalue().encode()


def measure_import(app, bench: Bench, label: str, rows: int) -> None:
    name = f"{label}.import.{rows // 1000}k"
    try:
        from tracker.reports import importing
        from tracker.reports.models import ImportJob, ImportStatus
    except ImportError:
        not_built(name)
        return
    from tracker.extensions import db

    data = import_csv(rows)
    try:
        job = ImportJob(practice_id=bench.practice.id, user_id=bench.practice_lead.id, filename="bench.csv",
                        status=ImportStatus.CHECKING)
        db.session.add(job)
        db.session.flush()
        started = perf_counter()
        importing.check_upload(job, "bench.csv", data)
        checked = perf_counter()
        if not importing.can_apply(job):
            say(f"{name}.errors", len(job.errors or []), "count", f"first: {(job.errors or [{}])[0]}")
            return
        importing.claim_for_apply(job)
        created = importing.apply_job(job, bench.practice_lead)
        db.session.flush()
        applied = perf_counter()
    finally:
        db.session.rollback()  # the bench database keeps its generated rows only
        tidy(db.engine)  # and no dead rows from the rolled-back import either
    say(f"{name}.check_seconds", checked - started, "s")
    say(f"{name}.apply_seconds", applied - checked, "s", f"{created} reports")
    total = applied - started
    say(f"{name}.seconds", total, "s", "target < 30 s: " + ("met" if total < 30 else "missed"))


def measure_evidence(app, bench: Bench, label: str, repeat: int) -> None:
    name = f"{label}.evidence.pdf"
    try:
        from tracker.evidence.pack import build_pack
        from tracker.evidence.pack_files import pack_pdf
        from tracker.summaries.scope import SummaryScope
    except ImportError:
        not_built(name)
        return
    from tracker.extensions import db

    scope = SummaryScope.for_lmc(bench.lmc)
    sizes: list[int] = []

    def build() -> None:
        with app.test_request_context():
            pdf = pack_pdf(build_pack(scope, [bench.trust], bench.year))
        sizes.append(len(pdf))
        db.session.rollback()

    seconds = timed_median(build, repeat, budget=30)
    say(f"{name}.seconds", seconds, "s", f"one trust-year, {sizes[-1] // 1024} KiB; target < 3 s: "
        + ("met" if seconds < 3 else "missed"))


# --- Command line --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measure", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--label", required=True, help="prefix of every figure, like sqlite.1m")
    parser.add_argument("--only", default=",".join(MEASUREMENTS), help="comma-separated: " + ", ".join(MEASUREMENTS))
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure (the median is printed)")
    parser.add_argument("--import-rows", type=int, default=IMPORT_ROWS)
    args = parser.parse_args(argv)
    wanted = [m.strip() for m in args.only.split(",") if m.strip()]
    unknown = set(wanted) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"unknown measurement {', '.join(sorted(unknown))}: choose from {', '.join(MEASUREMENTS)}")

    os.environ["DATABASE_URL"] = absolute_sqlite_url(args.database_url)
    os.environ["SECRET_KEY"] = secrets.token_hex(32)
    os.environ["TRACKER_ENV"] = "development"
    from tracker import create_app
    from tracker.extensions import db

    from bench.rollup_measure import measure_rollup

    app = create_app()
    with app.app_context():
        bench = Bench(db.session)
        steps = {
            "summary": lambda: measure_summary(app, bench, args.label, args.repeat),
            "dashboard": lambda: measure_dashboard(app, bench, args.label, args.repeat),
            "import": lambda: measure_import(app, bench, args.label, args.import_rows),
            "evidence": lambda: measure_evidence(app, bench, args.label, max(3, args.repeat // 2)),
            "rollup": lambda: measure_rollup(app, bench, args.label, args.repeat),
        }
        for step in (m for m in MEASUREMENTS if m in wanted):
            try:
                steps[step]()
            except Exception as error:  # one broken measurement must not hide the others
                db.session.rollback()
                print(f"{args.label}.{step} failed  {type(error).__name__}: {str(error)[:200]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
