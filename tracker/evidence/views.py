"""The evidence blueprint with every route registered: import ``bp`` from here."""

from flask import render_template
from flask_login import current_user

from tracker.accounts.permissions import Permission, requires
from tracker.evidence import letter_views, pack_views  # noqa: F401  (they register their routes)
from tracker.evidence.blueprint import bp
from tracker.evidence.scope import pack_scope


@bp.route("/")
@requires(Permission.LETTERS_WRITE)
def index():
    return render_template(
        "evidence/index.html", title="Letters and evidence", can_make_packs=pack_scope(current_user) is not None,
    )
