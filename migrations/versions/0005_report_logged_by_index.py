"""An index for a user's latest report

The quick form starts from the trust and source of the user's latest report at their
practice. Without an index on who logged a report, that read every report of the
practice (4 ms and 800 pages for a busy practice at 1 million reports, on every form).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 02:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX (not batch mode, which copies the table on SQLite and drops the
    # monthly summary's triggers with it; see revision 0004).
    op.create_index('ix_report_logged_by', 'report', ['logged_by_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_report_logged_by', table_name='report')
