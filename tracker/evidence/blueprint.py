"""The evidence blueprint. Its routes live in letter_views.py and pack_views.py; views.py
imports both so that registering the blueprint registers every route."""

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
