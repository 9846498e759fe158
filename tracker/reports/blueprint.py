"""The reports blueprint. Its routes live in views.py (logging and the practice's log) and
import_views.py (spreadsheet import); ``register_blueprints`` imports both."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
