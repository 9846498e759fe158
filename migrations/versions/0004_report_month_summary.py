"""Reports counted per ICB, month and provider, kept by triggers

``report_month_summary`` holds, for each ICB (of the reporting practice), month and
provider, the number of reports that are not withdrawn, by category, and their staff
minutes by role. Triggers on ``report``, ``staff_time`` and ``practice`` keep it equal to
that aggregate on every write, whichever code (or hand-written SQL) makes it; the
upgrade fills it from the reports already there. ``report_month_summary_clock`` counts the
changes to each ICB's rows (the summaries' figure cache reads it). Two indexes on
``report`` serve a practice's latest reports and its counts.

The trigger SQL is written out here, once for SQLite and once for PostgreSQL, from the
same pieces, so that this revision stays what it was whatever the app code becomes.

Beware when a later revision changes ``report``, ``staff_time`` or ``practice`` on SQLite
with ``batch_alter_table``: it copies the table and drops the old one, and the triggers
with it. Such a revision must create the triggers again (``create_triggers`` below);
tests/performance/test_month_summary_triggers.py fails when they are missing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:31:52.605541

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLE = "report_month_summary"
CLOCK = "report_month_summary_clock"
KEY = ("icb_code", "month", "trust_id", "independent_provider")
CATEGORIES = (
    "non-commissioned", "investigations", "fit-notes", "results-follow-up", "onward-referral",
    "prescribing", "communication", "advice-guidance", "referral-rejected", "pathway-gap", "other",
)
ROLES = ("gp", "nurse", "pharmacist", "admin")


def _category_column(slug: str) -> str:
    return "category_" + slug.replace("-", "_")


VALUES = (
    ("reports",)
    + tuple(_category_column(slug) for slug in CATEGORIES)
    + tuple(f"minutes_{role}" for role in ROLES)
    + tuple(f"reports_with_{role}" for role in ROLES)
)


# --- SQL pieces, for one dialect ---------------------------------------------------------


class _Sql:
    def __init__(self, dialect: str):
        self.postgres = dialect == "postgresql"

    def month(self, day: str) -> str:
        """The first day of the month of a date expression."""
        if self.postgres:
            return f"CAST(date_trunc('month', CAST({day} AS timestamp)) AS date)"
        return f"date({day}, 'start of month')"

    @staticmethod
    def icb_of(practice_id: str) -> str:
        return f"(SELECT coalesce(icb_code, '') FROM practice WHERE id = {practice_id})"

    def upsert(self, select: str) -> str:
        """Add the rows of ``select`` (key columns then value columns) into the table."""
        columns = ", ".join(KEY + VALUES)
        updates = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in VALUES)
        return f"INSERT INTO {TABLE} ({columns}) {select} ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}"

    def report_values(self, row: str, sign: int, with_staff: bool) -> str:
        """A report's contribution (times ``sign``): 1 report, its category, its staff time."""
        values = [str(sign)]
        values += [f"CASE WHEN {row}.category_slug = '{slug}' THEN {sign} ELSE 0 END" for slug in CATEGORIES]
        for role in ROLES:
            values.append(
                f"{sign} * coalesce((SELECT minutes FROM staff_time WHERE report_id = {row}.id"
                f" AND staff_role = '{role}'), 0)" if with_staff else "0"
            )
        for role in ROLES:
            values.append(
                f"{sign} * (SELECT count(*) FROM staff_time WHERE report_id = {row}.id"
                f" AND staff_role = '{role}')" if with_staff else "0"
            )
        return ", ".join(values)

    def report_key(self, row: str) -> list[str]:
        return [self.icb_of(f"{row}.practice_id"), self.month(f"{row}.received_on"),
                f"coalesce({row}.trust_id, 0)", f"coalesce({row}.independent_provider, '')"]

    def add_report(self, row: str, sign: int, with_staff: bool = True) -> str:
        key = ", ".join(self.report_key(row))
        values = self.report_values(row, sign, with_staff)
        return self.upsert(f"SELECT {key}, {values} WHERE {row}.withdrawn_at IS NULL")

    def drop_empty(self, row: str) -> str:
        """Delete the row of a report's key once it counts no report."""
        key = self.report_key(row)
        match = " AND ".join(f"{column} = {value}" for column, value in zip(KEY, key))
        return f"DELETE FROM {TABLE} WHERE {match} AND reports = 0"

    def add_staff_time(self, row: str, sign: int) -> str:
        """One staff time row's minutes (times ``sign``), on its report's key if the report counts."""
        values = ["0"] + ["0"] * len(CATEGORIES)
        values += [f"CASE WHEN {row}.staff_role = '{role}' THEN {sign} * {row}.minutes ELSE 0 END" for role in ROLES]
        values += [f"CASE WHEN {row}.staff_role = '{role}' THEN {sign} ELSE 0 END" for role in ROLES]
        key = ["coalesce(p.icb_code, '')", self.month("r.received_on"), "coalesce(r.trust_id, 0)",
               "coalesce(r.independent_provider, '')"]
        return self.upsert(
            f"SELECT {', '.join(key + values)} FROM report r JOIN practice p ON p.id = r.practice_id"
            f" WHERE r.id = {row}.report_id AND r.withdrawn_at IS NULL"
        )

    def aggregate(self, icb: str, where: str, sign: int = 1, source: str = "report") -> str:
        """Every counted report of ``source`` matching ``where`` (on ``r`` and its practice ``p``), by key.

        ``icb`` is the ICB code the rows go under: ``coalesce(p.icb_code, '')`` for the
        practice's own, or a fixed value when a practice moves. ``source`` is ``report``,
        or a trigger's table of new rows.
        """
        group = [icb, self.month("r.received_on"), "coalesce(r.trust_id, 0)", "coalesce(r.independent_provider, '')"]
        values = [f"{sign} * count(*)"]
        values += [f"{sign} * sum(CASE WHEN r.category_slug = '{slug}' THEN 1 ELSE 0 END)" for slug in CATEGORIES]
        values += [f"{sign} * coalesce(sum(s_{role}.minutes), 0)" for role in ROLES]
        values += [f"{sign} * count(s_{role}.minutes)" for role in ROLES]
        joins = " ".join(
            f"LEFT JOIN staff_time s_{role} ON s_{role}.report_id = r.id AND s_{role}.staff_role = '{role}'"
            for role in ROLES
        )
        return (
            f"SELECT {', '.join(group + values)}"
            f" FROM {source} r JOIN practice p ON p.id = r.practice_id {joins}"
            f" WHERE r.withdrawn_at IS NULL AND {where} GROUP BY {', '.join(group)}"
        )

    def aggregate_staff_time(self, source: str, sign: int) -> str:
        """The staff time rows of ``source`` (a trigger's table), by their report's key."""
        group = ["coalesce(p.icb_code, '')", self.month("r.received_on"), "coalesce(r.trust_id, 0)",
                 "coalesce(r.independent_provider, '')"]
        values = ["0"] + ["0"] * len(CATEGORIES)
        values += [f"{sign} * sum(CASE WHEN s.staff_role = '{role}' THEN s.minutes ELSE 0 END)" for role in ROLES]
        values += [f"{sign} * sum(CASE WHEN s.staff_role = '{role}' THEN 1 ELSE 0 END)" for role in ROLES]
        return (
            f"SELECT {', '.join(group + values)} FROM {source} s JOIN report r ON r.id = s.report_id"
            f" JOIN practice p ON p.id = r.practice_id WHERE r.withdrawn_at IS NULL GROUP BY {', '.join(group)}"
        )

    @staticmethod
    def tick(row: str) -> str:
        """Count one change to the summary rows of ``row``'s ICB."""
        return (f"INSERT INTO {CLOCK} (icb_code, changes) VALUES ({row}.icb_code, 1)"
                f" ON CONFLICT (icb_code) DO UPDATE SET changes = {CLOCK}.changes + 1")

    def changed(self, columns: tuple[str, ...]) -> str:
        op_ = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        return " OR ".join(f"OLD.{c} {op_} NEW.{c}" for c in columns)


# --- The triggers ------------------------------------------------------------------------

REPORT_KEY_COLUMNS = ("practice_id", "received_on", "trust_id", "independent_provider", "category_slug",
                      "withdrawn_at")
REPORT_DETAIL_COLUMNS = ("specialty_code", "source", "action_taken", "patient_impact")


def _triggers(sql: _Sql) -> list[dict]:
    """Each trigger: name, when it fires, its condition and its statements.

    On PostgreSQL the triggers of bulk writes (inserting reports and staff time, deleting
    staff time, and the clock) run once per statement over its rows (``"statement"``: the
    name of the table of new or old rows). Row by row, an import of 100,000 reports into a
    few dozen summary rows made thousands of versions of each row in one transaction, and
    each update walked the lot: minutes, growing with the square of the rows. SQLite
    updates rows in place and has only row triggers.
    """
    bulk = sql.postgres
    return [
        {
            # Staff time cannot exist before its report (foreign key), so a new report adds 1 only.
            "name": "report_month_summary_report_insert", "timing": "AFTER", "event": "INSERT",
            "table": "report", "when": None, "row": "NEW",
            "statements": [sql.add_report("NEW", 1, with_staff=False)],
        } if not bulk else {
            "name": "report_month_summary_report_insert", "timing": "AFTER", "event": "INSERT",
            "table": "report", "when": None, "statement": "NEW TABLE AS new_reports",
            "statements": [sql.upsert(sql.aggregate("coalesce(p.icb_code, '')", "1 = 1", source="new_reports"))],
        },
        {
            # An edit or a withdrawal: take the old report out and put the new one in.
            "name": "report_month_summary_report_update", "timing": "AFTER",
            "event": f"UPDATE OF {', '.join(REPORT_KEY_COLUMNS)}",
            "table": "report", "when": sql.changed(REPORT_KEY_COLUMNS), "row": "NEW",
            "statements": [sql.add_report("OLD", -1), sql.drop_empty("OLD"), sql.add_report("NEW", 1)],
        },
        {
            # BEFORE: the report's staff time is still there to subtract (a cascade removes it after).
            "name": "report_month_summary_report_delete", "timing": "BEFORE", "event": "DELETE",
            "table": "report", "when": None, "row": "OLD",
            "statements": [sql.add_report("OLD", -1), sql.drop_empty("OLD")],
        },
        {
            "name": "report_month_summary_staff_insert", "timing": "AFTER", "event": "INSERT",
            "table": "staff_time", "when": None, "row": "NEW",
            "statements": [sql.add_staff_time("NEW", 1)],
        } if not bulk else {
            "name": "report_month_summary_staff_insert", "timing": "AFTER", "event": "INSERT",
            "table": "staff_time", "when": None, "statement": "NEW TABLE AS new_staff",
            "statements": [sql.upsert(sql.aggregate_staff_time("new_staff", 1))],
        },
        {
            "name": "report_month_summary_staff_update", "timing": "AFTER",
            "event": "UPDATE OF report_id, staff_role, minutes", "table": "staff_time",
            "when": sql.changed(("report_id", "staff_role", "minutes")), "row": "NEW",
            "statements": [sql.add_staff_time("OLD", -1), sql.add_staff_time("NEW", 1)],
        },
        {
            # When its report is being deleted the report is gone already and this adds nothing.
            "name": "report_month_summary_staff_delete", "timing": "AFTER", "event": "DELETE",
            "table": "staff_time", "when": None, "row": "OLD",
            "statements": [sql.add_staff_time("OLD", -1)],
        } if not bulk else {
            "name": "report_month_summary_staff_delete", "timing": "AFTER", "event": "DELETE",
            "table": "staff_time", "when": None, "statement": "OLD TABLE AS old_staff",
            "statements": [sql.upsert(sql.aggregate_staff_time("old_staff", -1))],
        },
        {
            # A practice moved ICB (ODS refresh, or an administrator set it): move its reports.
            "name": "report_month_summary_practice_icb", "timing": "AFTER", "event": "UPDATE OF icb_code",
            "table": "practice", "when": sql.changed(("icb_code",)), "row": "NEW",
            "statements": [
                sql.upsert(sql.aggregate("coalesce(OLD.icb_code, '')", "r.practice_id = NEW.id", -1)),
                f"DELETE FROM {TABLE} WHERE icb_code = coalesce(OLD.icb_code, '') AND reports = 0",
                sql.upsert(sql.aggregate("coalesce(NEW.icb_code, '')", "r.practice_id = NEW.id")),
            ],
        },
        {
            # Fields a trust's page counts by but the table does not hold: only the clock moves.
            "name": "report_month_summary_report_details", "timing": "AFTER",
            "event": f"UPDATE OF {', '.join(REPORT_DETAIL_COLUMNS)}", "table": "report",
            "when": sql.changed(REPORT_DETAIL_COLUMNS), "row": "NEW",
            "statements": [
                f"INSERT INTO {CLOCK} (icb_code, changes) SELECT {sql.icb_of('NEW.practice_id')}, 1"
                f" WHERE NEW.withdrawn_at IS NULL ON CONFLICT (icb_code) DO UPDATE SET changes = {CLOCK}.changes + 1"
            ],
        },
        # Every change to the table, by whatever means, moves its ICB's clock.
        *([
            {
                "name": "report_month_summary_clock_insert", "timing": "AFTER", "event": "INSERT",
                "table": TABLE, "when": None, "row": "NEW", "statements": [sql.tick("NEW")],
            },
            {
                "name": "report_month_summary_clock_update", "timing": "AFTER", "event": "UPDATE",
                "table": TABLE, "when": None, "row": "NEW", "statements": [sql.tick("OLD"), sql.tick("NEW")],
            },
            {
                "name": "report_month_summary_clock_delete", "timing": "AFTER", "event": "DELETE",
                "table": TABLE, "when": None, "row": "OLD", "statements": [sql.tick("OLD")],
            },
        ] if not bulk else [
            {
                # At commit, once per ICB and transaction: the clock row is locked only while
                # the transaction commits, so a long import does not hold up every case logged
                # in its ICB (the summary rows it changed it does hold, as any writer would).
                # Deferred triggers all run in the COMMIT statement, so "not yet this statement"
                # means "not yet this transaction" (and per statement under SET CONSTRAINTS
                # ALL IMMEDIATE, which the tests use: they never commit).
                "name": "report_month_summary_clock", "timing": "AFTER", "event": "INSERT OR UPDATE OR DELETE",
                "table": TABLE, "when": None, "row": "NULL", "deferred": True,
                "declare": "icb varchar := CASE WHEN TG_OP = 'DELETE' THEN OLD.icb_code ELSE NEW.icb_code END;"
                           " flag text := 'tracker.clock_ticked_' || md5(icb);"
                           " now text := statement_timestamp()::text;",
                "statements": [
                    "IF current_setting(flag, true) IS DISTINCT FROM now THEN"
                    " PERFORM set_config(flag, now, true); "
                    f"INSERT INTO {CLOCK} (icb_code, changes) VALUES (icb, 1)"
                    f" ON CONFLICT (icb_code) DO UPDATE SET changes = {CLOCK}.changes + 1; END IF"
                ],
            },
        ]),
    ]


def create_triggers(dialect: str) -> None:
    sql = _Sql(dialect)
    for trigger in _triggers(sql):
        when = f" WHEN ({trigger['when']})" if trigger["when"] else ""
        level = f"REFERENCING {trigger['statement']} FOR EACH STATEMENT" if "statement" in trigger else "FOR EACH ROW"
        kind, deferred = ("CONSTRAINT TRIGGER", " DEFERRABLE INITIALLY DEFERRED") if trigger.get("deferred") else ("TRIGGER", "")
        head = (f"CREATE {kind} {trigger['name']} {trigger['timing']} {trigger['event']} ON {trigger['table']}"
                f"{deferred} {level}{when}")
        if sql.postgres:
            body = "; ".join(trigger["statements"])
            returned = trigger.get("row", "NULL")  # a statement trigger's result is ignored
            declare = f"DECLARE {trigger['declare']} " if trigger.get("declare") else ""
            op.execute(
                f"CREATE FUNCTION {trigger['name']}() RETURNS trigger LANGUAGE plpgsql AS $body$ {declare}BEGIN {body}; "
                f"RETURN {returned}; END $body$"
            )
            op.execute(f"{head} EXECUTE FUNCTION {trigger['name']}()")
        else:
            op.execute(f"{head} BEGIN {'; '.join(trigger['statements'])}; END")


def drop_triggers(dialect: str) -> None:
    for trigger in _triggers(_Sql(dialect)):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {trigger['name']} ON {trigger['table']}")
            op.execute(f"DROP FUNCTION IF EXISTS {trigger['name']}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger['name']}")


def upgrade():
    op.create_table('report_month_summary',
    sa.Column('icb_code', sa.String(length=5), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('trust_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('independent_provider', sa.String(length=200), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('category_non_commissioned', sa.Integer(), nullable=False),
    sa.Column('category_investigations', sa.Integer(), nullable=False),
    sa.Column('category_fit_notes', sa.Integer(), nullable=False),
    sa.Column('category_results_follow_up', sa.Integer(), nullable=False),
    sa.Column('category_onward_referral', sa.Integer(), nullable=False),
    sa.Column('category_prescribing', sa.Integer(), nullable=False),
    sa.Column('category_communication', sa.Integer(), nullable=False),
    sa.Column('category_advice_guidance', sa.Integer(), nullable=False),
    sa.Column('category_referral_rejected', sa.Integer(), nullable=False),
    sa.Column('category_pathway_gap', sa.Integer(), nullable=False),
    sa.Column('category_other', sa.Integer(), nullable=False),
    sa.Column('minutes_gp', sa.Integer(), nullable=False),
    sa.Column('minutes_nurse', sa.Integer(), nullable=False),
    sa.Column('minutes_pharmacist', sa.Integer(), nullable=False),
    sa.Column('minutes_admin', sa.Integer(), nullable=False),
    sa.Column('reports_with_gp', sa.Integer(), nullable=False),
    sa.Column('reports_with_nurse', sa.Integer(), nullable=False),
    sa.Column('reports_with_pharmacist', sa.Integer(), nullable=False),
    sa.Column('reports_with_admin', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('icb_code', 'month', 'trust_id', 'independent_provider', name=op.f('pk_report_month_summary'))
    )
    op.create_table('report_month_summary_clock',
    sa.Column('icb_code', sa.String(length=5), nullable=False),
    sa.Column('changes', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('icb_code', name=op.f('pk_report_month_summary_clock'))
    )
    # Plain CREATE INDEX (not batch mode, which may copy the table on SQLite).
    op.create_index('ix_report_practice_id', 'report', ['practice_id', 'id'], unique=False)
    op.create_index('ix_report_practice_live', 'report', ['practice_id', 'received_on'], unique=False,
                    sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
    dialect = op.get_bind().dialect.name
    sql = _Sql(dialect)
    # Fill it from the reports already there, then keep it by triggers (same transaction on
    # PostgreSQL, so no write can slip between the two).
    everything = sql.aggregate("coalesce(p.icb_code, '')", "1 = 1")
    op.execute(f"INSERT INTO {TABLE} ({', '.join(KEY + VALUES)}) {everything}")
    create_triggers(dialect)


def downgrade():
    drop_triggers(op.get_bind().dialect.name)
    op.drop_table('report_month_summary_clock')
    op.drop_table('report_month_summary')
    op.drop_index('ix_report_practice_live', table_name='report')
    op.drop_index('ix_report_practice_id', table_name='report')
