"""Fill a migrated database with a national synthetic log, fast and reproducibly.

    .venv/bin/python -m bench.generate --database-url URL --reports 1000000 --seed 42

Every active practice and every open trust of the ODS reference data take part: practices
mostly send to trusts in their own ICB, some across the region or further; three years of
dates with weekday and winter seasonality and growing use; category, specialty and source
mixes shaped like real logs (``bench/synthetic.py``); descriptions from the triage examples;
staff time on most reports; 2 % withdrawn; some reports raised with trusts by LMCs, with
replies. One LMC per NHS region covers all of England, so every report has an LMC.

The same seed and end date give identical rows, on SQLite and PostgreSQL alike. The command
migrates the database and loads the reference and ODS data itself; the database must hold no
reports yet. PostgreSQL is loaded with COPY, SQLite with large ``executemany`` batches, each in
one transaction with per-row triggers off (``bulk_load_mode``); the tables those triggers keep
(the monthly summary) are rebuilt once afterwards, then the database is vacuumed and analysed.

It also creates the sign-ins the load tests use (password ``--password``):
``bench.practice@example.nhs.uk`` (practice user), ``bench.lead@example.nhs.uk`` (practice
lead at the same practice), ``bench.lmc@example.nhs.uk`` (LMC officer for the London LMC,
five ICBs; two-factor with ``BENCH_TOTP_SECRET``) and ``bench.admin@example.nhs.uk`` (likewise).
"""

from __future__ import annotations

import argparse
import os
import queue
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from time import perf_counter

from sqlalchemy import Connection, text

from bench import synthetic as mix
from bench.synthetic import Weighted

DEFAULT_PASSWORD = "bench-password-2026"
BENCH_EMAILS = {
    "practice": "bench.practice@example.nhs.uk",
    "lead": "bench.lead@example.nhs.uk",
    "lmc": "bench.lmc@example.nhs.uk",
    "admin": "bench.admin@example.nhs.uk",
}
# The authenticator secret of the bench LMC officer and administrator, whose roles must use
# two-factor sign-in: the load generator computes their codes from it. Bench databases only.
BENCH_TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH22"
BENCH_LMC_REGION = "Y56"  # London: five ICBs
BENCH_PRACTICE_ICB = "QKK"  # the bench practice is the busiest in South East London
LMC_NAME_SUFFIX = " LMC (bench)"

REPORT_COLUMNS = (
    "id", "practice_id", "logged_by_id", "received_on", "trust_id", "independent_provider",
    "specialty_code", "source", "direction", "category_slug", "suggested_category_slug",
    "suggestion_confidence", "description", "action_taken", "patient_impact", "status",
    "staff_minutes_total", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason",
    "created_at", "updated_at", "version",
)
STAFF_TIME_COLUMNS = ("report_id", "staff_role", "minutes")
USER_COLUMNS = (
    "id", "email", "full_name", "password_hash", "role", "practice_id", "lmc_id", "active",
    "session_version", "totp_secret", "totp_enabled", "created_at",
)
RAISE_COLUMNS = (
    "id", "lmc_id", "trust_id", "raised_on", "reply_due_on", "contact", "raised_by_id", "created_at",
)
REPLY_COLUMNS = ("id", "raise_id", "received_on", "summary", "outcome", "recorded_by_id", "closed_on", "created_at")


class GeneratorRefused(RuntimeError):
    """The database is not one the generator may fill; the message says how to fix it."""


@dataclass(frozen=True)
class GenerationSpec:
    reports: int
    seed: int = 42
    end_date: date = field(default_factory=date.today)
    years: int = 3
    password: str = DEFAULT_PASSWORD
    chunk_size: int = 25_000

    @property
    def first_date(self) -> date:
        try:
            first = self.end_date.replace(year=self.end_date.year - self.years)
        except ValueError:  # 29 February
            first = self.end_date.replace(year=self.end_date.year - self.years, day=28)
        return first + timedelta(days=1)


@dataclass
class GenerationResult:
    reports: int = 0
    staff_time_rows: int = 0
    raises: int = 0
    replies: int = 0
    users: int = 0
    lmcs: int = 0
    seconds: float = 0.0
    bench_practice_ods: str = ""
    bench_lmc_name: str = ""

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


# --- Writing rows --------------------------------------------------------------------------


class BulkWriter:
    """Writes rows of plain values (str, int, float, bool, None) as fast as the database allows.

    On PostgreSQL the COPY runs in a background thread, so that the server digests one chunk
    while Python builds the next (the wait is on the socket, outside the GIL). Call
    ``finish()`` before using the connection for anything else. Rows handed to ``write``
    must not be changed afterwards.
    """

    def __init__(self, connection: Connection):
        self.dbapi = connection.connection.driver_connection
        self.postgres = connection.dialect.name == "postgresql"
        # Timestamps are written as text: PostgreSQL reads the zone; SQLite stores naive UTC
        # in SQLAlchemy's own format so that the ORM reads them back unchanged.
        self.timestamp_suffix = "+00" if self.postgres else ".000000"
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.postgres:
            placeholders = ", ".join("?" for _ in columns)
            self.dbapi.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
            return
        if self._thread is None:
            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._copy_worker, name="bench-copy", daemon=True)
            self._thread.start()
        self._raise_if_failed()
        self._queue.put((table, columns, rows))

    def finish(self) -> None:
        """Wait for every write handed over so far; raise the first error any of them met."""
        self.close()
        self._raise_if_failed()

    def close(self) -> None:
        """Stop the background thread once it has done what it was given (never raises)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _copy_worker(self) -> None:
        while (job := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so that the producer never blocks
            table, columns, rows = job
            try:
                with self.dbapi.cursor() as cursor:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            except BaseException as error:  # handed to the producer thread
                self._error = error

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def timestamp(self, day: date, seconds: int) -> str:
        hours, rest = divmod(seconds, 3600)
        return f"{day.isoformat()} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}{self.timestamp_suffix}"


# --- The world the reports are drawn from --------------------------------------------------


@dataclass
class World:
    """Reference rows: active practices, open trusts, ICBs by region."""

    practices: list[tuple[int, str, str | None]]  # (id, ODS code, ICB code)
    trusts: list[tuple[int, str, str | None, str | None]]  # (id, name, ICB code, region code)
    icb_region: dict[str, str]
    regions: dict[str, str]  # code -> name, only regions with ICBs
    next_ids: dict[str, int]

    @classmethod
    def load(cls, connection: Connection, spec: GenerationSpec) -> World:
        reports = connection.scalar(text("SELECT count(*) FROM report"))
        if reports:
            raise GeneratorRefused(
                f"The database already holds {reports:,} reports. Generate into a freshly migrated "
                "database (drop and create it, or delete the SQLite file) so that the rows are reproducible."
            )
        if connection.scalar(text("SELECT count(*) FROM user_account WHERE email = :e"), {"e": BENCH_EMAILS["admin"]}):
            raise GeneratorRefused("The bench sign-ins already exist: generate into a freshly migrated database.")
        practices = [
            tuple(row)
            for row in connection.execute(
                text("SELECT id, ods_code, icb_code FROM practice WHERE is_active ORDER BY id")
            )
        ]
        trusts = [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT id, name, icb_code, region_code FROM trust"
                    " WHERE close_date IS NULL OR close_date > :end ORDER BY id"
                ),
                {"end": spec.end_date},
            )
        ]
        if not practices or not trusts:
            raise GeneratorRefused(
                "No practices or trusts: load the reference data first "
                "(flask --app wsgi tracker load-reference; flask --app wsgi tracker import-ods data/ods)."
            )
        icb_region = dict(connection.execute(text("SELECT code, region_code FROM icb")).all())
        regions = {
            code: name
            for code, name in connection.execute(text("SELECT code, name FROM region ORDER BY code"))
            if code in set(icb_region.values())
        }
        _check_reference(connection)
        next_ids = {
            table: (connection.scalar(text(f"SELECT max(id) FROM {table}")) or 0) + 1
            for table in ("user_account", "lmc", "report", "trust_raise", "trust_reply")
        }
        return cls(practices, trusts, icb_region, regions, next_ids)


def _check_reference(connection: Connection) -> None:
    specialties = set(connection.scalars(text("SELECT code FROM specialty")))
    categories = set(connection.scalars(text("SELECT slug FROM category")))
    wanted = set(mix.GENERAL_SPECIALTIES.items) | set(mix.MENTAL_HEALTH_SPECIALTIES.items)
    for weighted in mix.SPECIALTIES_BY_CATEGORY.values():
        wanted |= set(weighted.items)
    wanted |= {code for _, code in mix.SPECIALTY_CUES}
    missing = sorted(wanted - specialties) + sorted(set(mix.CATEGORY_MIX) - categories)
    if missing:
        raise GeneratorRefused(
            "The reference data lacks " + ", ".join(missing) + ": run flask --app wsgi tracker load-reference."
        )


def _provider_samplers(world: World) -> tuple[dict[str | None, Weighted[int]], dict[int, bool]]:
    """For each ICB (None: practices without one), a weighted choice of trust ids."""
    weight = {trust_id: mix.trust_weight(name) for trust_id, name, _, _ in world.trusts}
    region_of = {
        trust_id: region or world.icb_region.get(icb or "")
        for trust_id, _, icb, region in world.trusts
    }
    national = {trust_id: weight[trust_id] for trust_id, *_ in world.trusts}
    samplers: dict[str | None, Weighted[int]] = {None: Weighted(national)}
    for icb, region in world.icb_region.items():
        own = {t: weight[t] for t, _, trust_icb, _ in world.trusts if trust_icb == icb}
        nearby = {t: weight[t] for t in national if region_of[t] == region and t not in own}
        shares = [(own, mix.OWN_ICB_SHARE), (nearby, mix.REGION_SHARE),
                  (national, 1 - mix.OWN_ICB_SHARE - mix.REGION_SHARE)]
        combined: dict[int, float] = {}
        for group, share in shares:
            total = sum(group.values())
            for trust_id, trust_weight in group.items():
                combined[trust_id] = combined.get(trust_id, 0.0) + share * trust_weight / total
        samplers[icb] = Weighted(combined)
    mental_health = {trust_id: mix.is_mental_health_trust(name) for trust_id, name, _, _ in world.trusts}
    return samplers, mental_health


# --- Organisations and sign-ins ------------------------------------------------------------


@dataclass
class People:
    logger_of_practice: dict[int, int]  # practice id -> the user who logs its reports
    lmc_of_region: dict[str, int]
    officer_of_lmc: dict[int, int]
    bench_practice: tuple[int, str]  # (id, ODS code)
    bench_lmc_name: str


def _create_people(
    writer: BulkWriter, world: World, spec: GenerationSpec, practice_volume: list[float], result: GenerationResult
) -> People:
    from tracker.accounts.passwords import hash_password, password_problem

    problem = password_problem(spec.password)
    if problem:
        raise GeneratorRefused(f"The bench password will not do: {problem}.")
    password_hash = hash_password(spec.password)
    created = writer.timestamp(spec.first_date, 8 * 3600)

    lmc_rows, lmc_icb_rows, lmc_of_region = [], [], {}
    lmc_id = world.next_ids["lmc"]
    for region_code, region_name in world.regions.items():
        lmc_rows.append((lmc_id, region_name + LMC_NAME_SUFFIX))
        lmc_icb_rows += [(lmc_id, icb) for icb, region in sorted(world.icb_region.items()) if region == region_code]
        lmc_of_region[region_code] = lmc_id
        lmc_id += 1
    writer.write("lmc", ("id", "name"), lmc_rows)
    writer.write("lmc_icb", ("lmc_id", "icb_code"), lmc_icb_rows)

    in_bench_icb = [i for i, (_, _, icb) in enumerate(world.practices) if icb == BENCH_PRACTICE_ICB]
    candidates = in_bench_icb or list(range(len(world.practices)))
    busiest = max(candidates, key=lambda i: practice_volume[i])
    bench_practice = world.practices[busiest][:2]

    users: list[tuple] = []
    user_id = world.next_ids["user_account"]

    def add(email: str, name: str, role: str, practice_id=None, lmc=None, password=None, totp=None) -> int:
        nonlocal user_id
        users.append((user_id, email, name, password, role, practice_id, lmc, True, 1, totp, totp is not None,
                      created))
        user_id += 1
        return user_id - 1

    logger_of_practice = {
        practice_id: add(f"bench.{ods.lower()}@example.nhs.uk", f"Logger {ods}", "practice-user", practice_id)
        for practice_id, ods, _ in world.practices
    }
    officer_of_lmc = {}
    bench_lmc_id = lmc_of_region.get(BENCH_LMC_REGION) or next(iter(lmc_of_region.values()))
    for region_code, lmc in lmc_of_region.items():
        email = BENCH_EMAILS["lmc"] if lmc == bench_lmc_id else f"bench.lmc.{region_code.lower()}@example.nhs.uk"
        bench = lmc == bench_lmc_id
        officer_of_lmc[lmc] = add(email, f"LMC officer {region_code}", "lmc-officer", lmc=lmc,
                                  password=password_hash if bench else None,
                                  totp=BENCH_TOTP_SECRET if bench else None)
    add(BENCH_EMAILS["practice"], "Bench practice user", "practice-user", bench_practice[0], password=password_hash)
    add(BENCH_EMAILS["lead"], "Bench practice lead", "practice-lead", bench_practice[0], password=password_hash)
    add(BENCH_EMAILS["admin"], "Bench administrator", "admin", password=password_hash, totp=BENCH_TOTP_SECRET)
    writer.write("user_account", USER_COLUMNS, users)

    result.users, result.lmcs = len(users), len(lmc_rows)
    bench_lmc_name = next(name for lmc, name in lmc_rows if lmc == bench_lmc_id)
    return People(logger_of_practice, lmc_of_region, officer_of_lmc, bench_practice, bench_lmc_name)


# --- Raises with trusts --------------------------------------------------------------------


@dataclass
class Raise:
    id: int
    outcome: str  # the status its reports take: raised, responded or closed
    updated_seconds: int  # seconds from the first date, for the reports' updated_at


class Raises:
    """Decides, once per (LMC, trust, month), whether an LMC raised that month's reports."""

    def __init__(self, writer: BulkWriter, spec: GenerationSpec, people: People, first_id: int, reply_id: int):
        self.writer, self.spec, self.people = writer, spec, people
        self.next_id, self.next_reply_id = first_id, reply_id
        self.groups: dict[tuple[int, int, int], Raise | None] = {}
        self.raise_rows: list[tuple] = []
        self.reply_rows: list[tuple] = []
        self.links: list[tuple[int, int]] = []

    def group(self, rng: Random, lmc: int, trust_id: int, month: int) -> Raise | None:
        key = (lmc, trust_id, month)
        if key in self.groups:
            return self.groups[key]
        raised = None
        if rng.random() < mix.RAISE_GROUP_SHARE:
            raised = self._create(rng, lmc, trust_id, month)
        self.groups[key] = raised
        return raised

    def _create(self, rng: Random, lmc: int, trust_id: int, month: int) -> Raise:
        spec, end = self.spec, self.spec.end_date
        year, month_number = divmod(month, 12)
        next_month = date(year + (month_number == 11), (month_number + 1) % 12 + 1, 1)
        raised_on = min(next_month + timedelta(days=rng.randint(3, 20)), end)
        officer = self.people.officer_of_lmc[lmc]
        outcome = mix.RAISE_OUTCOME.draw(rng)
        contact = mix.CONTACTS.draw(rng)
        raise_id = self.next_id
        self.next_id += 1
        self.raise_rows.append((
            raise_id, lmc, trust_id, raised_on.isoformat(), (raised_on + timedelta(days=28)).isoformat(),
            contact, officer, self.writer.timestamp(raised_on, 10 * 3600),
        ))
        updated = raised_on
        if outcome != "raised":
            received_on = raised_on + timedelta(days=rng.randint(10, 45))
            if received_on > end:
                outcome = "raised"
            else:
                closed_on = received_on + timedelta(days=rng.randint(0, 20))
                if outcome == "closed" and closed_on > end:
                    outcome = "responded"
                self.reply_rows.append((
                    self.next_reply_id, raise_id, received_on.isoformat(), rng.choice(mix.REPLY_SUMMARIES),
                    mix.REPLY_OUTCOMES.draw(rng), officer,
                    closed_on.isoformat() if outcome == "closed" else None,
                    self.writer.timestamp(received_on, 11 * 3600),
                ))
                self.next_reply_id += 1
                updated = closed_on if outcome == "closed" else received_on
        return Raise(raise_id, outcome, (updated - spec.first_date).days * 86400 + 10 * 3600)

    def write(self) -> None:
        self.writer.write("trust_raise", RAISE_COLUMNS, self.raise_rows)
        self.writer.write("trust_reply", REPLY_COLUMNS, self.reply_rows)
        self.writer.write("raised_report", ("raise_id", "report_id"), self.links)


# --- The reports ---------------------------------------------------------------------------


def _day_counts(rng: Random, weights: list[float], total: int) -> list[int]:
    """How many reports arrived on each day: ``total`` draws, counted (no big list kept)."""
    cumulative, running = [], 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    counts = [0] * len(weights)
    remaining = total
    while remaining:
        batch = min(remaining, 200_000)
        for day in rng.choices(range(len(weights)), cum_weights=cumulative, k=batch):
            counts[day] += 1
        remaining -= batch
    return counts


def generate(
    connection: Connection, spec: GenerationSpec, progress: Callable[[int], None] | None = None
) -> GenerationResult:
    """Write ``spec.reports`` reports (and their users, LMCs, staff time and raises).

    Runs inside the caller's transaction on ``connection``; the caller commits.
    """
    started = perf_counter()
    result = GenerationResult()
    world = World.load(connection, spec)
    writer = BulkWriter(connection)
    try:
        _write_log(writer, world, spec, result, progress)
        writer.finish()
    finally:
        writer.close()
    _sync_sequences(connection)
    result.seconds = perf_counter() - started
    return result


def _write_log(writer: BulkWriter, world: World, spec: GenerationSpec, result: GenerationResult,
               progress: Callable[[int], None] | None) -> None:
    """Draw every row from ``spec.seed`` and hand it to ``writer``, in id order."""
    rng = Random(spec.seed)

    practice_volume = [rng.lognormvariate(0, mix.PRACTICE_VOLUME_SIGMA) for _ in world.practices]
    decline_share = [
        min(mix.DECLINE_SHARE_CAP, mix.CATEGORY_MIX["non-commissioned"] / 100
            * rng.lognormvariate(-mix.DECLINE_PROPENSITY_SIGMA ** 2 / 2, mix.DECLINE_PROPENSITY_SIGMA))
        for _ in world.practices
    ]
    people = _create_people(writer, world, spec, practice_volume, result)
    result.bench_practice_ods, result.bench_lmc_name = people.bench_practice[1], people.bench_lmc_name

    providers, mental_health = _provider_samplers(world)
    practice_sampler = Weighted(list(enumerate(practice_volume)))
    other_categories = Weighted({k: v for k, v in mix.CATEGORY_MIX.items() if k != "non-commissioned"})
    templates = mix.description_templates()
    raises = Raises(writer, spec, people, world.next_ids["trust_raise"], world.next_ids["trust_reply"])

    first, end = spec.first_date, spec.end_date
    ndays = (end - first).days + 1
    day_counts = _day_counts(rng, mix.day_weights(first, end), spec.reports)
    day_strings = [(first + timedelta(days=d)).isoformat() for d in range(ndays)]
    months = [(first + timedelta(days=d)).year * 12 + (first + timedelta(days=d)).month - 1 for d in range(ndays)]
    # Only months that ended well before the end date have been raised with trusts.
    cutoff = end - timedelta(days=mix.RAISE_AFTER_DAYS)
    first_unraisable_month = cutoff.year * 12 + cutoff.month - 1
    end_seconds = ndays * 86400 - 1
    suffix = writer.timestamp_suffix

    def stamp(seconds: int) -> str:
        day, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        return f"{day_strings[day]} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}{suffix}"

    practices, logger_of = world.practices, people.logger_of_practice
    lmc_of_region, icb_region = people.lmc_of_region, world.icb_region
    random, randint, choice = rng.random, rng.randint, rng.choice
    report_id = world.next_ids["report"]
    report_rows: list[tuple] = []
    staff_rows: list[tuple] = []

    def flush() -> None:
        nonlocal report_rows, staff_rows
        writer.write("report", REPORT_COLUMNS, report_rows)
        writer.write("staff_time", STAFF_TIME_COLUMNS, staff_rows)
        result.reports += len(report_rows)
        result.staff_time_rows += len(staff_rows)
        report_rows, staff_rows = [], []
        if progress:
            progress(result.reports)

    for day_index, count in enumerate(day_counts):
        day_string = day_strings[day_index]
        month = months[day_index]
        for _ in range(count):
            p = practice_sampler.draw(rng)
            practice_id, _, icb = practices[p]
            logger = logger_of[practice_id]

            if random() < mix.INDEPENDENT_SHARE:
                trust_id, independent = None, mix.INDEPENDENT_PROVIDERS.draw(rng)
            else:
                trust_id, independent = providers[icb if icb in providers else None].draw(rng), None

            category = "non-commissioned" if random() < decline_share[p] else other_categories.draw(rng)
            template = choice(templates[category])
            if trust_id is not None and mental_health[trust_id]:
                specialty = mix.MENTAL_HEALTH_SPECIALTIES.draw(rng)
            elif template.specialty_code and random() < mix.CUE_TRUST:
                specialty = template.specialty_code
            else:
                specialty = mix.SPECIALTIES_BY_CATEGORY.get(category, mix.GENERAL_SPECIALTIES).draw(rng)
            if template.source and random() < mix.CUE_TRUST:
                source = template.source
            else:
                source = mix.SOURCE_BY_CATEGORY.get(category, mix.DEFAULT_SOURCE).draw(rng)
            if category == "non-commissioned" or random() < mix.DECLINED_SHARE.get(category, mix.DEFAULT_DECLINED_SHARE):
                direction = "declined"
            else:
                direction = "request"
            action = mix.ACTION_BY_DIRECTION[direction].draw(rng)
            impact = mix.PATIENT_IMPACT.draw(rng)

            minutes_total = 0
            if random() < mix.STAFF_TIME_SHARE:
                for role, chance, minutes_choices in mix.STAFF_ROLES:
                    if role == "pharmacist" and category == "prescribing":
                        chance = mix.PHARMACIST_SHARE_ON_PRESCRIBING
                    if random() < chance:
                        minutes = choice(minutes_choices)
                        staff_rows.append((report_id, role, minutes))
                        minutes_total += minutes
                if not minutes_total:
                    staff_rows.append((report_id, "admin", 5))
                    minutes_total = 5

            lag = mix.LOGGING_LAG_DAYS.draw(rng)
            if day_index + lag >= ndays:  # not logged yet by the end date: say it was logged that day
                lag = 0
            created = (day_index + lag) * 86400 + randint(*mix.WORKING_DAY_SECONDS)
            updated, version, status = created, 1, "logged"
            withdrawn_at = withdrawn_by = withdrawn_reason = None
            if random() < mix.WITHDRAWN_SHARE:
                withdrawn = min(created + randint(1, 72) * 3600, end_seconds)
                withdrawn_at, withdrawn_by = stamp(withdrawn), logger
                withdrawn_reason = choice(mix.WITHDRAW_REASONS)
                updated, version = withdrawn, 2
            elif trust_id is not None and icb is not None and month < first_unraisable_month:
                lmc = lmc_of_region.get(icb_region.get(icb, ""))
                raised = raises.group(rng, lmc, trust_id, month) if lmc else None
                if raised is not None and random() < mix.REPORT_IN_RAISE_SHARE:
                    raises.links.append((raised.id, report_id))
                    status, version = raised.outcome, 2
                    updated = max(created, raised.updated_seconds)

            report_rows.append((
                report_id, practice_id, logger, day_string, trust_id, independent, specialty, source,
                direction, category, template.suggested_slug, template.suggestion_confidence,
                template.text, action, impact, status, minutes_total, withdrawn_at, withdrawn_by,
                withdrawn_reason, stamp(created), stamp(updated), version,
            ))
            report_id += 1
            if len(report_rows) >= spec.chunk_size:
                flush()
    flush()
    raises.write()
    result.raises, result.replies = len(raises.raise_rows), len(raises.reply_rows)


def _sync_sequences(connection: Connection) -> None:
    """PostgreSQL: ids were written explicitly, so move each sequence past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("user_account", "lmc", "report", "trust_raise", "trust_reply"):
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        ))


def tidy(engine) -> float:
    """VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite) after a bulk load or a rolled-back
    bulk write; returns the seconds taken.

    On PostgreSQL a rolled-back insert leaves dead rows in the table and its indexes until
    a vacuum: without this, one measurement's leftovers would slow the next. The vacuum
    also sets the visibility map, so that index-only scans work as in a settled database.
    """
    started = perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return perf_counter() - started


# --- Command line --------------------------------------------------------------------------


BULK_TABLES = ("report", "staff_time", "raised_report")


def _drop_secondary_indexes(connection: Connection) -> list[str]:
    """PostgreSQL: drop the plain (non-constraint) indexes of the bulk tables; returns their
    definitions so that ``_recreate_indexes`` builds them again in one sort each, which is
    several times faster than maintaining them row by row. Read from the catalogue, so any
    index a later migration adds is handled too."""
    definitions = list(connection.scalars(text(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class t ON t.oid = i.indrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
        " WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace AND c.oid IS NULL"
    ), {"tables": list(BULK_TABLES)}))
    names = list(connection.scalars(text(
        "SELECT ic.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
        " JOIN pg_class ic ON ic.oid = i.indexrelid"
        " LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
        " WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace AND c.oid IS NULL"
    ), {"tables": list(BULK_TABLES)}))
    for name in names:
        connection.execute(text(f'DROP INDEX "{name}"'))
    return definitions


def _recreate_indexes(connection: Connection, definitions: list[str]) -> None:
    connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for definition in definitions:
        connection.execute(text(definition))


def _skip_triggers(connection: Connection) -> None:
    """PostgreSQL: for this transaction, fire no per-row triggers (superusers only).

    The foreign key checks cost more than half the load time (the rows are built from the
    ids just read, and the generator's test checks every foreign key with them on), and the
    triggers that keep derived tables up to date are replaced by one rebuild afterwards.
    """
    if connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        connection.execute(text("SET LOCAL session_replication_role = replica"))


@contextmanager
def bulk_load_mode(connection: Connection) -> Iterator[None]:
    """Inside the caller's transaction, make a bulk load cheap and leave the schema as it was.

    PostgreSQL: no per-row triggers, and plain indexes built once at the end. SQLite: the
    triggers on the bulk tables dropped and created again at the end. Either way derived
    tables kept by triggers must be rebuilt after the commit (``rebuild_derived_tables``).
    """
    if connection.dialect.name == "postgresql":
        _skip_triggers(connection)
        indexes = _drop_secondary_indexes(connection)
        yield
        _recreate_indexes(connection, indexes)
    else:
        from tracker.reports.bulk_sqlite import summary_triggers_suspended

        with summary_triggers_suspended(connection):
            yield


def rebuild_derived_tables() -> float:
    """Recompute the tables the skipped triggers keep (the monthly summary); returns seconds.

    Inside an app context, after the load is committed.
    """
    from tracker.extensions import db

    try:
        from tracker.summaries.rollup import rebuild_month_summary
    except ImportError:
        return 0.0
    started = perf_counter()
    rebuild_month_summary()
    db.session.commit()
    return perf_counter() - started


def prepare_database() -> None:
    """Migrate, and load the reference and ODS data if missing (inside an app context)."""
    from flask_migrate import upgrade

    from tracker.config import PROJECT_ROOT
    from tracker.extensions import db
    from tracker.organisations.ods_import import import_ods
    from tracker.reference import load_reference_data

    upgrade()
    load_reference_data()
    if db.session.scalar(text("SELECT count(*) FROM trust")) == 0:
        import_ods(PROJECT_ROOT / "data" / "ods")
    db.session.commit()
    db.session.remove()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="SQLAlchemy URL of the database to fill (default: DATABASE_URL)")
    parser.add_argument("--reports", type=int, help="how many reports to write")
    parser.add_argument("--upgrade-only", action="store_true",
                        help="only migrate an already generated database to the latest schema")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", type=date.fromisoformat, default=date.today(),
                        help="last day of the three years (default: today), YYYY-MM-DD")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", DEFAULT_PASSWORD),
                        help="password of the bench sign-ins")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url (or set DATABASE_URL)")
    if not args.upgrade_only and (args.reports is None or args.reports < 1):
        parser.error("give --reports, 1 or more")
    return args


def absolute_sqlite_url(url: str) -> str:
    """Flask-SQLAlchemy reads a relative SQLite path from instance/; the bench means the working directory."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + os.path.abspath(url[len(prefix):])
    return url


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    os.environ["DATABASE_URL"] = absolute_sqlite_url(args.database_url)
    # The generator signs nothing: a throwaway secret keeps it from writing one to instance/.
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    if app.config["PRODUCTION"]:
        # It makes sign-ins with a published password and two-factor secret: never in production.
        print("Error: the bench generator is refused when TRACKER_ENV is production.", file=sys.stderr)
        return 1
    if args.upgrade_only:
        with app.app_context():
            prepare_database()
            tidy(db.engine)
            db.engine.dispose()
        return 0
    spec = GenerationSpec(reports=args.reports, seed=args.seed, end_date=args.end_date, password=args.password)
    with app.app_context():
        prepare_database()
        with db.engine.connect() as connection:
            postgres = connection.dialect.name == "postgresql"
            if not postgres:
                # One big transaction, no fsync: a crash mid-load means generating again anyway.
                connection.connection.driver_connection.execute("PRAGMA synchronous = OFF")
                connection.connection.driver_connection.execute("PRAGMA cache_size = -262144")

            def progress(done: int) -> None:
                if done % max(spec.reports // 10, spec.chunk_size) < spec.chunk_size:
                    rate = done / (perf_counter() - started)
                    print(f"  {done:>10,} reports  {rate:>9,.0f} reports/s", file=sys.stderr, flush=True)

            started = perf_counter()
            try:
                with connection.begin(), bulk_load_mode(connection):
                    result = generate(connection, spec, progress)
            except GeneratorRefused as error:
                print(f"Error: {error}", file=sys.stderr)
                return 1
            if not postgres:
                connection.connection.driver_connection.execute("PRAGMA synchronous = NORMAL")
            loaded = perf_counter() - started
        rebuild_seconds = rebuild_derived_tables()
        analyze_seconds = tidy(db.engine)
        db.engine.dispose()

    print(
        f"Wrote {result.reports:,} reports, {result.staff_time_rows:,} staff time rows, {result.raises:,} raises "
        f"and {result.users:,} users in {loaded:.1f} s ({result.reports / loaded:,.0f} reports/s); "
        f"summary rebuilt in {rebuild_seconds:.1f} s; (VACUUM) ANALYZE {analyze_seconds:.1f} s. "
        f"Bench practice {result.bench_practice_ods}; "
        f"bench LMC '{result.bench_lmc_name}'.",
        file=sys.stderr,
    )
    print(f"generate.reports {result.reports} rows")
    print(f"generate.seconds {loaded:.1f} s")
    print(f"generate.reports_per_s {result.reports / loaded:.0f} rows/s")
    print(f"generate.summary_rebuild_seconds {rebuild_seconds:.1f} s")
    print(f"generate.analyze_seconds {analyze_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
