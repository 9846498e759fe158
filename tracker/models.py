"""Import every model so that the metadata (and Alembic) sees the whole schema."""

from tracker.accounts.models import PasswordLink, RecoveryCode, User  # noqa: F401
from tracker.audit.models import AuditEvent  # noqa: F401
from tracker.categories.models import Category, ContractReference  # noqa: F401
from tracker.feedback.models import TrustRaise, TrustReply  # noqa: F401
from tracker.organisations.models import ICB, LMC, Practice, Region, Specialty, Trust  # noqa: F401
from tracker.reports.models import ImportJob, Report, StaffTime  # noqa: F401
from tracker.summaries.models import ReportMonthSummary, ReportMonthSummaryClock  # noqa: F401
