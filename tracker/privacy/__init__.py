"""Patient-identifier guard: refuse free text that could identify a patient.

Pure Python (standard library only) so it can run in forms, services,
bulk imports and the CLI alike. See docs/privacy-guard.md.
"""

from .kinds import Finding, IdentifierKind
from .messages import IdentifierFound, ensure_no_identifiers, message_for
from .nhs_number import format_nhs_number, generate_nhs_number, is_valid_nhs_number
from .scanner import kinds_of, scan, scan_fields

__all__ = [
    "Finding",
    "IdentifierFound",
    "IdentifierKind",
    "ensure_no_identifiers",
    "format_nhs_number",
    "generate_nhs_number",
    "is_valid_nhs_number",
    "kinds_of",
    "message_for",
    "scan",
    "scan_fields",
]
