"""The quiz (trắc nghiệm): the province's quiz page in Debian's Chromium (scored in the browser, offline,
read without JavaScript) and the printable sheet whose answer key is on its own last page.

The right answers come from the question bank through the content model, never from the page itself,
so a page that marks a wrong option as right fails."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Page

from generator.build import BuildOptions, check
from generator.models import QuizQuestion
from generator.plan import KIT_DIR, QUIZ_PRINT_NAME
from generator.render.quiz import LETTERS
from tests.browser_tools import new_context, wait_until_kept
from tests.pdf_tools import collapse

PROVINCE = "vinh-long"
QUIZ = f"{PROVINCE}/trac-nghiem/"


@pytest.fixture(scope="module")
def questions(built_demo) -> list[QuizQuestion]:
    """The province's quiz as the content model has it, in the page's order."""
    site = check(BuildOptions(content=built_demo.root / "content", config=built_demo.root / "site_config.yml"))
    province = next(p for p in site.provinces if p.slug == PROVINCE)
    found = site.quiz_for(province)
    assert len(found) >= 5
    return found


def answer(page: Page, questions: list[QuizQuestion], wrong: int | None = None) -> None:
    """Tick the right option of every question (a wrong one for question number `wrong`), by its text."""
    for number, question in enumerate(questions, start=1):
        fieldset = page.locator(f"fieldset#cau-{number}")
        assert question.question in fieldset.locator("legend").inner_text()
        index = question.answer if number != wrong else (question.answer + 1) % len(question.options)
        fieldset.get_by_label(question.options[index].text).check()


def marked(page: Page) -> list[str]:
    """Each question's mark after scoring: 'is-right', 'is-wrong' or '' (none)."""
    return page.eval_on_selector_all(
        "fieldset", "qs => qs.map(q => ['is-right', 'is-wrong'].find(c => q.classList.contains(c)) || '')"
    )


@pytest.mark.slow
def test_all_right_answers_score_full_marks(phone, base, questions):
    phone.goto(f"{base}/{QUIZ}")
    assert not phone.locator("#dap-an").is_visible()  # the answers wait for "Chấm điểm"
    answer(phone, questions)
    phone.get_by_role("button", name="Chấm điểm").click()
    total = len(questions)
    assert phone.locator(".dvc-quiz__score").inner_text() == f"Bạn trả lời đúng {total}/{total} câu."
    assert marked(phone) == ["is-right"] * total
    assert phone.locator("fieldset .dvc-quiz__result a").count() == 0  # no explanation needed
    assert phone.locator("#dap-an").is_visible()


@pytest.mark.slow
def test_a_wrong_answer_shows_its_explanation_and_a_guide_link_that_works(phone, base, questions, built_demo):
    wrong = 2
    phone.goto(f"{base}/{QUIZ}")
    answer(phone, questions, wrong=wrong)
    phone.get_by_role("button", name="Chấm điểm").click()
    total = len(questions)
    assert phone.locator(".dvc-quiz__score").inner_text() == f"Bạn trả lời đúng {total - 1}/{total} câu."
    assert marked(phone) == ["is-wrong" if n == wrong else "is-right" for n in range(1, total + 1)]

    question = questions[wrong - 1]
    result = phone.locator(f"fieldset#cau-{wrong} .dvc-quiz__result")
    assert result.is_visible()
    text = result.inner_text()
    assert "Chưa đúng" in text
    assert f"{LETTERS[question.answer]}. {question.options[question.answer].text}" in text
    assert question.explanation in text
    link = result.get_by_role("link")
    assert link.is_visible()
    href = link.evaluate("a => new URL(a.href).pathname")
    assert href == f"/{PROVINCE}/huong-dan/{question.guide}/"
    assert (built_demo.out / href.strip("/") / "index.html").is_file()
    link.click()
    phone.wait_for_url(f"**{href}")
    assert phone.locator("h1").inner_text().strip()
    assert phone.locator("h3.dvc-step").count() >= 1  # a guide page, with its steps


@pytest.mark.slow
def test_lam_lai_clears_the_marks_and_hides_the_answers_again(phone, base, questions):
    phone.goto(f"{base}/{QUIZ}")
    answer(phone, questions, wrong=1)
    phone.get_by_role("button", name="Chấm điểm").click()
    phone.get_by_role("button", name="Làm lại").click()
    assert marked(phone) == [""] * len(questions)
    assert phone.locator("input[type=radio]:checked").count() == 0
    assert phone.locator(".dvc-quiz__result").count() == 0
    assert phone.locator(".dvc-quiz__score").inner_text() == ""
    assert not phone.locator("#dap-an").is_visible()


@pytest.mark.slow
def test_the_quiz_reads_without_javascript_questions_then_answers(browser, base, questions):
    context, outside = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/{QUIZ}")
    for number, question in enumerate(questions, start=1):
        fieldset = page.locator(f"fieldset#cau-{number}")
        assert fieldset.locator("legend").is_visible()
        for option in question.options:  # native radio buttons, named by their labels
            assert fieldset.get_by_label(option.text).is_visible()
    assert not page.get_by_role("button", name="Chấm điểm").is_visible()  # nothing to press without a script

    key = page.locator("#dap-an")
    assert key.get_by_role("heading", name="Đáp án").is_visible()
    last_question = page.locator(f"fieldset#cau-{len(questions)}").bounding_box()
    assert key.bounding_box()["y"] > last_question["y"] + last_question["height"]  # after every question
    for number, question in enumerate(questions, start=1):
        item = key.locator(f"#dap-an-{number}")
        assert item.is_visible()
        text = item.inner_text()
        assert f"{LETTERS[question.answer]}. {question.options[question.answer].text}" in text
        assert question.explanation in text
        assert item.get_by_role("link").get_attribute("href") == f"../huong-dan/{question.guide}/"
    context.close()
    assert outside.requests == []


@pytest.mark.slow
def test_the_quiz_opened_once_scores_offline(browser, base, questions):
    context, outside = new_context(browser, service_workers="allow")
    page = context.new_page()
    page.goto(f"{base}/{QUIZ}")
    wait_until_kept(page)
    context.set_offline(True)
    page.reload()
    answer(page, questions)
    page.get_by_role("button", name="Chấm điểm").click()
    assert page.locator(".dvc-quiz__score").inner_text() == f"Bạn trả lời đúng {len(questions)}/{len(questions)} câu."
    context.close()
    assert outside.requests == []


@pytest.mark.slow
def test_the_quiz_page_links_to_its_printable_sheet(built_demo):
    html = (built_demo.out / QUIZ / "index.html").read_text("utf-8")
    assert f'href="../{KIT_DIR}/{QUIZ_PRINT_NAME}"' in html


@pytest.mark.slow
def test_the_printed_sheet_has_every_question_and_the_answer_key_alone_on_its_last_page(built_demo, questions):
    pdf = built_demo.out / PROVINCE / KIT_DIR / QUIZ_PRINT_NAME
    assert built_demo.files[f"{PROVINCE}/{KIT_DIR}/{QUIZ_PRINT_NAME}"]["kind"] == "quiz-pdf"
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True)
    pages = [collapse(page) for page in raw.stdout.decode("utf-8").split("\f") if page.strip()]
    key_starts = next(n for n, page in enumerate(pages) if page.startswith("Đáp án"))
    assert key_starts == len(pages) - 1  # the key fits one page, the last one
    sheet, key = " ".join(pages[:key_starts]), pages[key_starts]
    assert "Họ và tên:" in sheet
    for number, question in enumerate(questions, start=1):
        assert f"Câu {number}. {collapse(question.question)}" in sheet
        for letter, option in zip(LETTERS, question.options, strict=False):
            assert f"{letter}. {collapse(option.text)}" in sheet
        assert question.question not in key
    rows = re.findall(r"(?:^| )(\d+) ([ABCD]) ", key)
    assert rows == [(str(n), LETTERS[q.answer]) for n, q in enumerate(questions, start=1)]
