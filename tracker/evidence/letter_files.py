"""A letter's edited text as a Word document or a PDF.

The body is plain text: blank lines separate paragraphs, and lines starting with "- " are
list items. The subject goes in bold after the salutation ("Dear ..."), as in a letter.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from flask import render_template

from tracker.evidence.pdf import html_to_pdf

BULLET = "- "

# Characters XML (so Word and the PDF renderer) cannot hold: NUL and the other control
# characters, which arrive pasted from other programs. Vertical tab and form feed are
# Word's own line and page breaks.
_NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def document_text(text: str | None) -> str:
    """``text`` without the characters a document cannot hold (run it before the identifier
    guard, so that the guard checks exactly what goes into the file)."""
    return _NOT_IN_XML.sub("", (text or "").replace("\x0b", "\n").replace("\x0c", "\n"))


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "list" or "subject"
    lines: tuple[str, ...]


def letter_blocks(subject: str, body: str) -> list[Block]:
    """Split the body into paragraphs and lists, and place the subject after the salutation."""
    blocks: list[Block] = []
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    for paragraph in text.split("\n\n"):
        lines = [line.rstrip() for line in paragraph.strip("\n").split("\n")]
        if not any(lines):
            continue
        run: list[str] = []
        run_is_list = False
        for line in lines:
            is_item = line.startswith(BULLET)
            if run and is_item != run_is_list:
                blocks.append(Block("list" if run_is_list else "paragraph", tuple(run)))
                run = []
            run_is_list = is_item
            run.append(line[len(BULLET):] if is_item else line)
        if run:
            blocks.append(Block("list" if run_is_list else "paragraph", tuple(run)))
    subject_block = Block("subject", (subject,))
    for index, block in enumerate(blocks):
        if block.kind == "paragraph" and block.lines[0].startswith("Dear "):
            blocks.insert(index + 1, subject_block)
            break
    else:
        blocks.insert(0, subject_block)
    return blocks


def letter_docx(subject: str, body: str) -> bytes:
    """A plain Word document the practice can put on its letterhead."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    for block in letter_blocks(subject, body):
        if block.kind == "list":
            for item in block.lines:
                document.add_paragraph(item, style="List Bullet")
            continue
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.lines):
            run = paragraph.add_run(line)
            run.bold = block.kind == "subject"
            if number < len(block.lines) - 1:
                run.add_break()
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def letter_pdf(subject: str, body: str) -> bytes:
    html = render_template("evidence/pdf/letter.html", title=subject, blocks=letter_blocks(subject, body))
    return html_to_pdf(html)
