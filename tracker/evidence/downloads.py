"""Sending a generated file as a download."""

from __future__ import annotations

from flask import Response

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def send_download(content: bytes, file_stem: str, file_format: str) -> Response:
    """``content`` as an attachment named ``file_stem.file_format`` (names are ASCII: codes and dates)."""
    response = Response(content, mimetype=MEDIA_TYPES[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_stem}.{file_format}"'
    return response
