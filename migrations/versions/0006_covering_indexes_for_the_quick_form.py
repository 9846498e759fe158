"""Indexes that answer the quick form's lists without reading the reports

Every log-a-case form reads the practice's 200 latest reports (for the recently used trusts
and specialties) and the user's latest report at the practice (for the default trust and
source). With the practice index on (practice_id, id) alone, PostgreSQL fetched each of the
200 rows from the table (about 150 pages a form at 1 million reports); with the trust and
specialty carried in the index (INCLUDE) it reads them from the index alone. Not as key
columns: with trust_id a key column the planner used this index for a trust's counts by
specialty, source, action and impact as well, scanning every report of the LMC's practices
(26 ms a statement against 8 ms through the trust's own index, at 1 million reports).
SQLite has no INCLUDE and reads the rows by rowid, as before. The user's index gains the
practice, so that their latest report there is the first entry read, not a match of two
bitmaps and a sort of every report they logged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX (not batch mode, which copies the table on SQLite and drops the
    # monthly summary's triggers with it; see revision 0004). Built before the old ones are
    # dropped, so the pages keep an index throughout.
    op.create_index('ix_report_practice_latest', 'report', ['practice_id', 'id'], unique=False,
                    postgresql_include=['trust_id', 'specialty_code'])
    op.drop_index('ix_report_practice_id', table_name='report')
    op.create_index('ix_report_logged_by_practice', 'report', ['logged_by_id', 'practice_id', 'id'], unique=False)
    op.drop_index('ix_report_logged_by', table_name='report')


def downgrade():
    op.create_index('ix_report_logged_by', 'report', ['logged_by_id', 'id'], unique=False)
    op.drop_index('ix_report_logged_by_practice', table_name='report')
    op.create_index('ix_report_practice_id', 'report', ['practice_id', 'id'], unique=False)
    op.drop_index('ix_report_practice_latest', table_name='report')
