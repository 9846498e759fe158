"""Operating the service: backups and restores, the retention purge.

The commands live in ``cli.py``; each task is a plain module that raises
``MaintenanceError`` with a message an operator can act on.
"""

from __future__ import annotations


class MaintenanceError(RuntimeError):
    """Something the operator can fix; the message says what and how."""
