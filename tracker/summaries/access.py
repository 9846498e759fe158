"""Who may open the summary pages.

The pages serve two roles over different scopes: LMC officers (``LMC_SUMMARY_READ``,
their LMC's practices) and practice leads (``PRACTICE_SUMMARY_READ``, their own
practice). ``@requires_summary_access`` lets either permission in (``requires_any``) and hands the
view its scope.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from tracker.accounts.permissions import Permission, requires_any
from tracker.summaries.scope import scope_for_user

SUMMARY_PERMISSIONS = frozenset({Permission.LMC_SUMMARY_READ, Permission.PRACTICE_SUMMARY_READ})


def requires_summary_access(view):
    """Run the view as ``view(scope, ...)`` for a user with either summary permission.

    Anonymous users are sent to sign in; signed-in users with neither permission get 403.
    """

    @requires_any(*SUMMARY_PERMISSIONS)
    @wraps(view)
    def wrapped(*args, **kwargs):
        scope = scope_for_user(current_user)
        if scope is None:
            abort(403)
        return view(scope, *args, **kwargs)

    return wrapped
