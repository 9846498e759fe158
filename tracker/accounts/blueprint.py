"""The accounts blueprint. Its routes live in views.py (signing in and out, passwords) and
two_factor_views.py (the second factor); views.py imports the latter."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
