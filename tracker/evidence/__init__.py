"""Evidence packs (PDF, XLSX, CSV) and response letters (DOCX, PDF).

Nothing here writes reports: packs and letters are built on demand from what the
summaries queries return (and a few aggregates of our own in ``data.py``), and only an
audit event records that a file was made.
"""
