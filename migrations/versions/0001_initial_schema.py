"""Initial schema: organisations, categories, users, audit, reports and the feedback loop.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 22:27:31.722888

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('category',
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('guidance_heading', sa.String(length=120), nullable=False),
    sa.Column('guidance_quote', sa.Text(), nullable=False),
    sa.Column('help_text', sa.Text(), nullable=False),
    sa.Column('nhse_area', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_category'))
    )
    op.create_table('lmc',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lmc')),
    sa.UniqueConstraint('name', name=op.f('uq_lmc_name'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    op.create_table('specialty',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_specialty'))
    )
    op.create_table('contract_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_slug', sa.String(length=32), nullable=False),
    sa.Column('contract_year', sa.String(length=7), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['category_slug'], ['category.slug'], name=op.f('fk_contract_reference_category_slug_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_reference')),
    sa.UniqueConstraint('category_slug', 'contract_year', 'reference', name=op.f('uq_contract_reference_category_slug'))
    )
    op.create_table('icb',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_icb_region_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_icb'))
    )
    op.create_table('lmc_icb',
    sa.Column('lmc_id', sa.Integer(), nullable=False),
    sa.Column('icb_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['icb_code'], ['icb.code'], name=op.f('fk_lmc_icb_icb_code_icb')),
    sa.ForeignKeyConstraint(['lmc_id'], ['lmc.id'], name=op.f('fk_lmc_icb_lmc_id_lmc'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lmc_id', 'icb_code', name=op.f('pk_lmc_icb'))
    )
    op.create_table('practice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ods_code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('icb_code', sa.String(length=5), nullable=True),
    sa.Column('sub_icb_code', sa.String(length=5), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['icb_code'], ['icb.code'], name=op.f('fk_practice_icb_code_icb')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice')),
    sa.UniqueConstraint('ods_code', name=op.f('uq_practice_ods_code'))
    )
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_icb_code'), ['icb_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_name'), ['name'], unique=False)

    op.create_table('trust',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ods_code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('icb_code', sa.String(length=5), nullable=True),
    sa.Column('region_code', sa.String(length=3), nullable=True),
    sa.Column('open_date', sa.Date(), nullable=True),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['icb_code'], ['icb.code'], name=op.f('fk_trust_icb_code_icb')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_trust_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust')),
    sa.UniqueConstraint('ods_code', name=op.f('uq_trust_ods_code'))
    )
    with op.batch_alter_table('trust', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_name'), ['name'], unique=False)

    op.create_table('lmc_practice',
    sa.Column('lmc_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lmc_id'], ['lmc.id'], name=op.f('fk_lmc_practice_lmc_id_lmc'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_lmc_practice_practice_id_practice')),
    sa.PrimaryKeyConstraint('lmc_id', 'practice_id', name=op.f('pk_lmc_practice'))
    )
    with op.batch_alter_table('lmc_practice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lmc_practice_practice_id'), ['practice_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('role', sa.Enum('practice-user', 'practice-lead', 'lmc-officer', 'admin', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('lmc_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role IN ('practice-user', 'practice-lead') AND practice_id IS NOT NULL AND lmc_id IS NULL) OR (role = 'lmc-officer' AND lmc_id IS NOT NULL AND practice_id IS NULL) OR (role = 'admin' AND practice_id IS NULL AND lmc_id IS NULL)", name=op.f('ck_user_account_role_matches_organisation')),
    sa.ForeignKeyConstraint(['lmc_id'], ['lmc.id'], name=op.f('fk_user_account_lmc_id_lmc')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_user_account_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_lmc_id'), ['lmc_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_practice_id'), ['practice_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_audit_event_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_practice_id'), ['practice_id'], unique=False)

    op.create_table('password_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_link_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_link_token_hash'))
    )
    with op.batch_alter_table('password_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_link_user_id'), ['user_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('trust_id', sa.Integer(), nullable=True),
    sa.Column('independent_provider', sa.String(length=200), nullable=True),
    sa.Column('specialty_code', sa.String(length=3), nullable=False),
    sa.Column('source', sa.Enum('clinic-letter', 'discharge-summary', 'ed-letter', 'ag-reply', 'ers-rejection', 'phone-email', 'patient-told', name='source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('direction', sa.Enum('request', 'declined', name='direction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('category_slug', sa.String(length=32), nullable=False),
    sa.Column('suggested_category_slug', sa.String(length=32), nullable=True),
    sa.Column('suggestion_confidence', sa.Double(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('action_taken', sa.Enum('declined-returned', 'done-under-protest', 'redirected', 'done-commissioned', name='action_taken', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('patient_impact', sa.Enum('none', 'delay', 'risk-of-harm', 'harm', name='patient_impact', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('logged', 'raised', 'responded', 'closed', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('staff_minutes_total', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("category_slug <> 'non-commissioned' OR direction = 'declined'", name=op.f('ck_report_non_commissioned_is_declined')),
    sa.CheckConstraint('(trust_id IS NOT NULL AND independent_provider IS NULL) OR (trust_id IS NULL AND independent_provider IS NOT NULL)', name=op.f('ck_report_one_provider')),
    sa.ForeignKeyConstraint(['category_slug'], ['category.slug'], name=op.f('fk_report_category_slug_category')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['user_account.id'], name=op.f('fk_report_logged_by_id_user_account')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_report_practice_id_practice')),
    sa.ForeignKeyConstraint(['specialty_code'], ['specialty.code'], name=op.f('fk_report_specialty_code_specialty')),
    sa.ForeignKeyConstraint(['suggested_category_slug'], ['category.slug'], name=op.f('fk_report_suggested_category_slug_category')),
    sa.ForeignKeyConstraint(['trust_id'], ['trust.id'], name=op.f('fk_report_trust_id_trust')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], name=op.f('fk_report_withdrawn_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('submission_token', name=op.f('uq_report_submission_token'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_category_slug'), ['category_slug'], unique=False)
        batch_op.create_index('ix_report_practice_received', ['practice_id', 'received_on'], unique=False)
        batch_op.create_index('ix_report_trust_received', ['trust_id', 'received_on'], unique=False)

    op.create_table('trust_raise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lmc_id', sa.Integer(), nullable=False),
    sa.Column('trust_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('reply_due_on', sa.Date(), nullable=False),
    sa.Column('contact', sa.Enum('clinical-director', 'contracts-team', 'pals', 'icb', name='contact', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('contact_detail', sa.String(length=200), nullable=True),
    sa.Column('document_sent', sa.String(length=200), nullable=True),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['lmc_id'], ['lmc.id'], name=op.f('fk_trust_raise_lmc_id_lmc')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user_account.id'], name=op.f('fk_trust_raise_raised_by_id_user_account')),
    sa.ForeignKeyConstraint(['trust_id'], ['trust.id'], name=op.f('fk_trust_raise_trust_id_trust')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_raise'))
    )
    with op.batch_alter_table('trust_raise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_raise_lmc_id'), ['lmc_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trust_raise_trust_id'), ['trust_id'], unique=False)

    op.create_table('raised_report',
    sa.Column('raise_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['raise_id'], ['trust_raise.id'], name=op.f('fk_raised_report_raise_id_trust_raise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_raised_report_report_id_report')),
    sa.PrimaryKeyConstraint('raise_id', 'report_id', name=op.f('pk_raised_report'))
    )
    with op.batch_alter_table('raised_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raised_report_report_id'), ['report_id'], unique=False)

    op.create_table('staff_time',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('staff_role', sa.Enum('gp', 'nurse', 'pharmacist', 'admin', name='staff_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('minutes > 0 AND minutes <= 6000', name=op.f('ck_staff_time_minutes_range')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_staff_time_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'staff_role', name=op.f('pk_staff_time'))
    )
    op.create_table('trust_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raise_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('accepted', 'partly-accepted', 'disputed', 'no-action', name='reply_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['raise_id'], ['trust_raise.id'], name=op.f('fk_trust_reply_raise_id_trust_raise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_trust_reply_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_reply')),
    sa.UniqueConstraint('raise_id', name=op.f('uq_trust_reply_raise_id'))
    )


def downgrade():
    op.drop_table('trust_reply')
    op.drop_table('staff_time')
    with op.batch_alter_table('raised_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raised_report_report_id'))

    op.drop_table('raised_report')
    with op.batch_alter_table('trust_raise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_raise_trust_id'))
        batch_op.drop_index(batch_op.f('ix_trust_raise_lmc_id'))

    op.drop_table('trust_raise')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_trust_received')
        batch_op.drop_index('ix_report_practice_received')
        batch_op.drop_index(batch_op.f('ix_report_category_slug'))

    op.drop_table('report')
    with op.batch_alter_table('password_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_link_user_id'))

    op.drop_table('password_link')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_practice_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_occurred_at'))
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_practice_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_lmc_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('lmc_practice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lmc_practice_practice_id'))

    op.drop_table('lmc_practice')
    with op.batch_alter_table('trust', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_name'))

    op.drop_table('trust')
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_name'))
        batch_op.drop_index(batch_op.f('ix_practice_icb_code'))

    op.drop_table('practice')
    op.drop_table('lmc_icb')
    op.drop_table('icb')
    op.drop_table('contract_reference')
    op.drop_table('specialty')
    op.drop_table('region')
    op.drop_table('lmc')
    op.drop_table('category')
