"""The printable quiz of a province: an A4 sheet to fill in at events, the answer key on its own last page."""

from __future__ import annotations

from ..plan import QuizSheet
from .posts import first_sentence
from .print import PrintRenderer

TEMPLATE = "quiz-a4.html.j2"
LETTERS = "ABCD"  # options are lettered on paper, so a tick or an answer called out names one


def quiz_pdf(sheet: QuizSheet, printer: PrintRenderer) -> bytes:
    """The quiz sheet as PDF bytes; PrintError (naming sheet.path) if a glyph is missing or layout fails."""
    province = sheet.province
    key = [  # (number, letter, right option, the explanation's first sentence)
        (
            e.number,
            LETTERS[e.question.answer],
            e.question.options[e.question.answer].text,
            first_sentence(e.question.explanation),
        )
        for e in sheet.entries
    ]
    return printer.document_pdf(
        TEMPLATE,
        sheet.path,
        title=f"Trắc nghiệm dịch vụ công trực tuyến – {province.kind} {province.name}",
        sheet=sheet,
        province=province,
        letters=LETTERS,
        key=key,
    )
