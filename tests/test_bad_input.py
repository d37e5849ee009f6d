"""Bad content, end to end through the CLI: exit 1, and a report that says file:line, field and what to do.

Each test breaks one thing in a copy of tests/fixtures/mini. Line numbers are looked up in the
file as edited, never typed in by hand.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import tree_digest

GUIDE = "content/guides/khai-sinh.yml"
GUIDE_A = "content/guides/tam-tru.yml"  # published in tinh-a only
PROVINCE_A = "content/provinces/tinh-a.yml"
PROVINCE_B = "content/provinces/tinh-b.yml"
FAQS = "content/faqs/chung.yml"


# --- editing the fixture copy -------------------------------------------------------------


def read(project: Path, rel: str) -> str:
    return (project / rel).read_text(encoding="utf-8")


def write(project: Path, rel: str, text: str) -> None:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def line_index(lines: list[str], wanted: str) -> int:
    hits = [i for i, line in enumerate(lines) if line == wanted]
    assert len(hits) == 1, f"expected exactly one line {wanted!r}, found {len(hits)}"
    return hits[0]


def line_of(project: Path, rel: str, wanted: str) -> int:
    """1-based number of the one line that is exactly `wanted`."""
    return line_index(read(project, rel).split("\n"), wanted) + 1


def replace_line(project: Path, rel: str, old: str, new: str | None) -> int:
    """Replace the one line equal to old with new (several lines allowed; None deletes it); return its number."""
    lines = read(project, rel).split("\n")
    i = line_index(lines, old)
    lines[i : i + 1] = [] if new is None else new.split("\n")
    write(project, rel, "\n".join(lines))
    return i + 1


def insert_after(project: Path, rel: str, anchor: str, new: str) -> int:
    """Insert new (one or more lines) after the one line equal to anchor; return the first new line's number."""
    lines = read(project, rel).split("\n")
    i = line_index(lines, anchor)
    lines[i + 1 : i + 1] = new.split("\n")
    write(project, rel, "\n".join(lines))
    return i + 2


# --- reading the report ---------------------------------------------------------------------


def error_line(result, file: str, line: int | None, field: str | None) -> str:
    """The one report line for file:line (and field), with exit code 1; returns its message."""
    assert result.code == 1, (result.code, result.err)
    where = file if line is None else f"{file}:{line}"
    prefix = f"  {where}: {field}: " if field else f"  {where}: "
    matches = [text for text in result.err.splitlines() if text.startswith(prefix)]
    assert len(matches) == 1, f"no single report line starting {prefix!r} in:\n{result.err}"
    return matches[0].removeprefix(prefix)


def error_count(result) -> int:
    header = result.err.splitlines()[0]
    count, rest = header.split(" ", 1)
    assert rest in ("content error:", "content errors:"), result.err
    return int(count)


# --- YAML and schema --------------------------------------------------------------------------


def test_yaml_syntax_error_names_file_and_line(run, mini):
    line = replace_line(mini, GUIDE, "title: Đăng ký khai sinh", "title: Đăng ký: khai sinh")
    result = run(mini, "check")
    # PyYAML's C and pure-Python parsers end this message differently ("here" / "in this context").
    assert error_line(result, GUIDE, line, None).startswith("YAML syntax error: mapping values are not allowed")
    assert error_count(result) == 1


@pytest.mark.parametrize(
    ("rel", "old", "new", "field", "suggestion"),
    [
        (GUIDE_A, "summary: Đăng ký tạm trú trực tuyến.", "sumary: Đăng ký tạm trú trực tuyến.", "sumary", "summary"),
        (
            GUIDE,
            "    tip: Chuẩn bị điện thoại đã cài VNeID.",
            "    tipp: Chuẩn bị điện thoại đã cài VNeID.",
            "steps[0].tipp",
            "tip",
        ),
        (
            PROVINCE_A,
            "      address: Ấp 1, xã Đông",
            "      adress: Ấp 1, xã Đông",
            "communes[0].service_centre.adress",
            "address",
        ),
        (
            GUIDE,
            "    note: Tỉnh B có quy định riêng.",
            "    notes: Tỉnh B có quy định riêng.",
            "overrides.tinh-b.notes",
            "note",
        ),
    ],
    ids=["top-level", "in-a-step", "in-a-commune", "in-a-province-override"],
)
def test_unknown_field_typo_suggests_the_intended_name(run, mini, rel, old, new, field, suggestion):
    line = replace_line(mini, rel, old, new)
    result = run(mini, "check")
    typo = field.rsplit(".", 1)[-1]
    assert error_line(result, rel, line, field) == f"unknown field {typo!r} (did you mean {suggestion!r}?)"


def test_typo_in_a_required_field_also_reports_it_missing(run, mini):
    replace_line(mini, GUIDE_A, "summary: Đăng ký tạm trú trực tuyến.", "sumary: Đăng ký tạm trú trực tuyến.")
    result = run(mini, "check")
    top = line_of(mini, GUIDE_A, "slug: tam-tru")
    assert error_line(result, GUIDE_A, top, "summary") == "required field is missing"
    assert error_count(result) == 2


def test_missing_required_field_is_reported_at_the_key_of_its_mapping(run, mini):
    replace_line(mini, PROVINCE_A, "      contact: Nguyễn Văn An", None)
    result = run(mini, "check")
    line = line_of(mini, PROVINCE_A, "    volunteer_team:")
    assert error_line(result, PROVINCE_A, line, "communes[0].volunteer_team.contact") == "required field is missing"
    assert error_count(result) == 1


def test_missing_required_top_level_field_is_reported_at_the_top_of_the_file(run, mini):
    replace_line(mini, PROVINCE_B, "last_reviewed: 2026-11-22", None)
    result = run(mini, "check")
    assert error_line(result, PROVINCE_B, 1, "last_reviewed") == "required field is missing"
    assert error_count(result) == 1


def test_wrong_type_says_what_was_expected_and_what_was_given(run, mini):
    line = replace_line(mini, GUIDE_A, "    fee: 7000", "    fee: abc")
    result = run(mini, "check")
    message = error_line(result, GUIDE_A, line, "channels[0].fee")
    assert message == "write the amount in đồng as a whole number, e.g. 20000 or 20.000 (got 'abc')"
    assert error_count(result) == 1


def test_a_quantity_that_is_not_a_number_says_so(run, mini):
    line = replace_line(mini, GUIDE, "    kind: bản chính", "    kind: bản chính\n    quantity: hai")
    result = run(mini, "check")
    message = error_line(result, GUIDE, line + 1, "documents[0].quantity")
    assert message == "Input should be a valid integer, unable to parse string as an integer (got 'hai')"


@pytest.mark.parametrize("written, amount", [("20000", 20000), ("20.000", 20000), ("20 000 đồng", 20000), ("0", 0)])
def test_fees_are_read_the_way_vietnamese_write_them(written, amount):
    from generator.models import ChannelOption

    assert ChannelOption(channel="trực tuyến", fee=written, processing_time="1 ngày").fee == amount


@pytest.mark.parametrize("written", ["20,5", "20.5", "-1000", "1.00"])
def test_fees_with_decimals_or_signs_are_refused(run, mini, written):
    line = replace_line(mini, GUIDE_A, "    fee: 7000", f'    fee: "{written}"')
    result = run(mini, "check")
    assert error_line(result, GUIDE_A, line, "channels[0].fee").startswith("write the amount in đồng")


def test_schema_error_in_a_guide_does_not_make_links_to_it_unknown(run, mini):
    # tam-tru.yml links to guide:khai-sinh. A typo inside khai-sinh.yml must not make that link "unknown":
    # the slug is still known (the same rule already holds for featured_guides and related_guides).
    line = replace_line(mini, GUIDE, "    fee: 8000", "    fee: abc")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "channels[1].fee").startswith("write the amount in đồng")
    assert GUIDE_A not in result.err
    assert error_count(result) == 1


def test_invalid_url_is_reported(run, mini):
    line = replace_line(mini, GUIDE_A, "online_url: https://dichvucong.gov.vn/", "online_url: dichvucong.gov.vn/nop")
    result = run(mini, "check")
    assert error_line(result, GUIDE_A, line, "online_url") == "Input should be a valid URL, relative URL without a base"
    assert error_count(result) == 1


def test_url_outside_the_allowed_domains_is_refused(run, mini):
    # site_config.yml: allowed_domains: [dichvucong.gov.vn, gov.vn] -- links out may only go there.
    line = replace_line(
        mini,
        GUIDE_A,
        "online_url: https://dichvucong.gov.vn/",
        "online_url: https://dichvucong-gov.example.com/nop-ho-so",
    )
    result = run(mini, "check")
    assert "dichvucong-gov.example.com" in error_line(result, GUIDE_A, line, "online_url")


def test_empty_steps_list_is_refused(run, mini):
    line = replace_line(mini, GUIDE_A, "steps:", "steps: []")
    replace_line(mini, GUIDE_A, "  - title: Chọn thủ tục", None)
    replace_line(
        mini,
        GUIDE_A,
        "    body: Chọn **Đăng ký tạm trú**. Cần khai sinh? Xem [hướng dẫn khai sinh](guide:khai-sinh).",
        None,
    )
    result = run(mini, "check")
    assert error_line(result, GUIDE_A, line, "steps") == "List should have at least 1 item after validation, not 0"
    assert error_count(result) == 1


def test_slug_with_accents_and_spaces_suggests_the_slugified_form(run, mini):
    line = replace_line(mini, PROVINCE_A, "  - slug: xa-dong", "  - slug: Xã Đông")
    result = run(mini, "check")
    assert error_line(result, PROVINCE_A, line, "communes[0].slug") == (
        "not a valid slug 'Xã Đông': use only a-z without accents, 0-9 and '-', for example 'xa-dong'"
    )
    assert error_count(result) == 1


def test_missing_image_file_is_reported_at_the_src(run, mini):
    line = replace_line(mini, GUIDE, "      src: images/dang-nhap.png", "      src: images/khong-co.png")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "steps[0].image.src") == "image file not found: content/images/khong-co.png"
    assert error_count(result) == 1


def test_file_that_is_not_utf8_is_reported_at_the_bad_line(run, mini):
    text = read(mini, GUIDE)
    old = "audience: Cha hoặc mẹ của trẻ"
    legacy = b"audience: Cha " + "Đăng".encode("cp1258")  # a Windows-1258 editor's bytes
    (mini / GUIDE).write_bytes(text.encode("utf-8").replace(old.encode("utf-8"), legacy))
    result = run(mini, "check")
    line = text.split("\n").index(old) + 1
    assert error_line(result, GUIDE, line, None) == "not UTF-8 text (byte 0xd0); save the file as UTF-8"
    assert error_count(result) == 1


# --- references between files -------------------------------------------------------------


def test_duplicate_guide_slug_across_two_files_names_both_places(run, mini):
    write(mini, "content/guides/khai-sinh-ban-sao.yml", read(mini, GUIDE))
    result = run(mini, "check")
    copy = "content/guides/khai-sinh-ban-sao.yml"
    assert error_line(result, copy, 1, "slug") == f"duplicate guide slug 'khai-sinh', also used at {GUIDE}:1"
    assert error_line(result, GUIDE, 1, "slug") == f"duplicate guide slug 'khai-sinh', also used at {copy}:1"
    assert error_count(result) == 2


def test_duplicate_slug_names_the_line_of_the_other_slug_not_the_top_of_its_file(run, mini):
    copy = "content/guides/khai-sinh-ban-sao.yml"
    write(mini, copy, read(mini, GUIDE))
    replace_line(mini, copy, "slug: khai-sinh", None)
    slug_line = insert_after(
        mini, copy, "summary: Làm giấy khai sinh cho trẻ mới sinh, ngay trên điện thoại.", "slug: khai-sinh"
    )
    assert slug_line == 3
    result = run(mini, "check")
    assert error_line(result, copy, slug_line, "slug") == f"duplicate guide slug 'khai-sinh', also used at {GUIDE}:1"
    assert error_line(result, GUIDE, 1, "slug") == f"duplicate guide slug 'khai-sinh', also used at {copy}:{slug_line}"


def test_province_slug_equal_to_a_former_province_slug_is_reported_in_both_files(run, mini):
    first = insert_after(mini, PROVINCE_B, "kind: tỉnh", "former:\n  - slug: tinh-a\n    name: Tỉnh A cũ")
    former_line = first + 1
    result = run(mini, "check")
    assert error_line(result, PROVINCE_B, former_line, "former[0].slug") == (
        f"duplicate province slug 'tinh-a', also used at {PROVINCE_A}:1"
    )
    assert error_line(result, PROVINCE_A, 1, "slug") == (
        f"duplicate province slug 'tinh-a', also used at {PROVINCE_B}:{former_line}"
    )
    assert error_count(result) == 2


def test_guide_for_an_unknown_province_is_refused(run, mini):
    line = replace_line(mini, GUIDE_A, "provinces: [tinh-a]", "provinces: [tinh-a, tinh-c]")
    result = run(mini, "check")
    assert error_line(result, GUIDE_A, line, "provinces[1]") == "unknown province 'tinh-c'; known: tinh-a, tinh-b"


def test_unknown_province_in_a_guide_causes_no_follow_on_errors(run, mini):
    # tam-tru links to guide:khai-sinh. Once tinh-c is reported unknown, the link must not also be
    # reported as "not published in tinh-c": there is no such province to publish in.
    replace_line(mini, GUIDE_A, "provinces: [tinh-a]", "provinces: [tinh-a, tinh-c]")
    result = run(mini, "check")
    assert "not published in tinh-c" not in result.err
    assert error_count(result) == 1


def test_faq_related_to_an_unknown_guide_is_refused(run, mini):
    line = replace_line(
        mini, FAQS, "    related_guides: [khai-sinh, tam-tru]", "    related_guides: [khai-sinh, tam-tru, ho-chieu]"
    )
    result = run(mini, "check")
    assert error_line(result, FAQS, line, "entries[0].related_guides[2]") == (
        "unknown guide 'ho-chieu'; known: khai-sinh, tam-tru"
    )
    assert error_count(result) == 1


def test_province_featuring_an_unknown_guide_is_refused(run, mini):
    line = replace_line(mini, PROVINCE_A, "featured_guides: [khai-sinh]", "featured_guides: [khai-sinh, ho-chieu]")
    result = run(mini, "check")
    assert error_line(result, PROVINCE_A, line, "featured_guides[1]") == (
        "unknown guide 'ho-chieu'; known: khai-sinh, tam-tru"
    )
    assert error_count(result) == 1


def test_province_featuring_a_guide_not_published_there_is_refused(run, mini):
    line = insert_after(mini, PROVINCE_B, "last_reviewed: 2026-11-22", "featured_guides: [tam-tru]")
    result = run(mini, "check")
    assert error_line(result, PROVINCE_B, line, "featured_guides[0]") == (
        "guide 'tam-tru' does not apply to this province"
    )
    assert error_count(result) == 1


def test_link_to_an_unknown_faq_in_a_step_body_is_refused(run, mini):
    line = replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", "    body: Xem [hỏi đáp](faq:nope).")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "steps[2].body") == "link to unknown faq 'nope'; known: chi-tinh-b, sap-nhap"
    assert error_count(result) == 1


def test_link_to_an_unknown_guide_is_refused(run, mini):
    line = replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", "    body: Xem [hộ chiếu](guide:ho-chieu#buoc-1).")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "steps[2].body") == (
        "link to unknown guide 'ho-chieu'; known: khai-sinh, tam-tru"
    )


def test_guide_link_to_a_guide_not_published_everywhere_the_text_is_shown(run, mini):
    # khai-sinh is shown in tinh-a and tinh-b; tam-tru only in tinh-a.
    line = replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", "    body: Xem [tạm trú](guide:tam-tru).")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "steps[2].body") == (
        "link to guide 'tam-tru', which is not published in tinh-b where this text is shown"
    )
    assert error_count(result) == 1


def test_faq_link_to_a_question_not_published_everywhere_the_text_is_shown(run, mini):
    # sap-nhap is shown in every province; chi-tinh-b only in tinh-b.
    line = replace_line(
        mini,
        FAQS,
        "    answer: Nộp trên **Cổng Dịch vụ công quốc gia**.",
        "    answer: Xem [câu hỏi riêng](faq:chi-tinh-b).",
    )
    result = run(mini, "check")
    assert error_line(result, FAQS, line, "entries[0].answer") == (
        "link to faq 'chi-tinh-b', which is not published in tinh-a where this text is shown"
    )
    assert error_count(result) == 1


def test_link_written_as_a_relative_md_file_is_refused(run, mini):
    line = replace_line(
        mini,
        GUIDE,
        "    body: Điền tờ khai. Xem thêm [bước 1](guide:khai-sinh#buoc-1).",
        "    body: Điền tờ khai. Xem thêm [tạm trú](../huong-dan/tam-tru.md#buoc-1).",
    )
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "steps[1].body") == (
        "link '../huong-dan/tam-tru.md#buoc-1' points at a file; link to a guide as guide:<slug> "
        "or to a question as faq:<id>"
    )
    assert error_count(result) == 1


def test_override_for_an_unknown_province_is_refused(run, mini):
    line = replace_line(mini, GUIDE, "  tinh-b:", "  tinh-c:")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "overrides.tinh-c") == (
        "unknown province for this guide 'tinh-c'; known: tinh-a, tinh-b"
    )
    assert error_count(result) == 1


def test_override_for_a_province_the_guide_does_not_apply_to_is_refused(run, mini):
    line = insert_after(mini, GUIDE_A, "provinces: [tinh-a]", "overrides:\n  tinh-b:\n    note: Riêng tỉnh B.")
    result = run(mini, "check")
    assert error_line(result, GUIDE_A, line + 1, "overrides.tinh-b") == (
        "unknown province for this guide 'tinh-b'; known: tinh-a"
    )
    assert error_count(result) == 1


# --- text normalisation -------------------------------------------------------------------------


def test_nfd_text_is_accepted_and_published_as_nfc(run, mini, tmp_path):
    title = "Đăng nhập bằng tài khoản định danh điện tử"
    nfd = unicodedata.normalize("NFD", title)
    assert nfd != title
    replace_line(mini, GUIDE, "  - title: Đăng nhập bằng VNeID", f"  - title: {nfd}")
    out = tmp_path / "out"
    result = run(mini, "build", "--skip", "kit", "--out", str(out))
    assert result.code == 0, result.err
    html = (out / "tinh-a" / "huong-dan" / "khai-sinh" / "index.html").read_text(encoding="utf-8")
    assert title in html
    assert nfd not in html


# --- the command line -----------------------------------------------------------------------------


def test_build_for_an_unknown_province_is_an_error(run, mini, tmp_path):
    out = tmp_path / "out"
    result = run(mini, "build", "--skip", "kit", "--out", str(out), "--province", "nope")
    assert error_line(result, "--province", None, None) == "unknown province 'nope'; known: tinh-a, tinh-b"
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        ([], "the following arguments are required: command"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["build", "--out"], "argument --out: expected one argument"),
        (["new", "guide"], "the following arguments are required: title"),
        (["check", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
    ids=["no-command", "unknown-command", "option-without-value", "missing-argument", "unknown-option"],
)
def test_usage_errors_exit_2(run, mini, argv, complaint):
    result = run(mini, *argv)
    assert result.code == 2
    assert result.err.startswith("usage: dvc")
    assert complaint in result.err


# --- everything at once ---------------------------------------------------------------------------


def test_broken_files_are_all_reported_in_one_run(run, mini):
    syntax = replace_line(mini, GUIDE_A, "field: Cư trú", "field: Cư trú: tạm trú")
    faq_text = read(mini, FAQS)
    (mini / FAQS).write_bytes(faq_text.encode().replace("Câu hỏi chung".encode(), b"C\xe2u h\xf4i chung"))
    faq_line = faq_text.split("\n").index("title: Câu hỏi chung") + 1
    write(mini, "content/huong-dan/ho-chieu.yml", "slug: ho-chieu\n")
    write(mini, "content/guides/ghi-chu.txt", "nháp\n")
    slug = replace_line(mini, PROVINCE_A, "  - slug: xa-dong", "  - slug: Xã Đông")
    phone = replace_line(mini, PROVINCE_B, "    number: 0900 000 003", "    number: không có")
    fee = replace_line(mini, GUIDE, "    fee: 8000", "    fee: tám nghìn")

    result = run(mini, "check")

    assert error_line(result, GUIDE_A, syntax, None).startswith("YAML syntax error")
    assert error_line(result, FAQS, faq_line, None).startswith("not UTF-8 text (byte 0xe2)")
    assert error_line(result, "content/huong-dan", None, None).startswith("unknown content folder 'huong-dan'")
    assert error_line(result, "content/guides/ghi-chu.txt", None, None).startswith("not a content file")
    assert error_line(result, PROVINCE_A, slug, "communes[0].slug").startswith("not a valid slug 'Xã Đông'")
    assert error_line(result, PROVINCE_B, phone, "hotlines[0].number").startswith("String should match pattern")
    assert error_line(result, GUIDE, fee, "channels[1].fee").endswith("(got 'tám nghìn')")
    assert error_count(result) == 7
    assert len(result.err.splitlines()) == 1 + 7


def test_schema_and_reference_errors_in_several_files_are_all_reported(run, mini):
    image = replace_line(mini, GUIDE, "      src: images/dang-nhap.png", "      src: images/khong-co.png")
    override = insert_after(mini, GUIDE_A, "provinces: [tinh-a]", "overrides:\n  tinh-b:\n    note: Riêng tỉnh B.") + 1
    featured = replace_line(mini, PROVINCE_A, "featured_guides: [khai-sinh]", "featured_guides: [ho-chieu]")
    phone = replace_line(mini, PROVINCE_B, "    number: 0900 000 003", "    number: không có")
    related = replace_line(mini, FAQS, "    related_guides: [khai-sinh, tam-tru]", "    related_guides: [visa]")

    result = run(mini, "check")

    assert error_line(result, GUIDE, image, "steps[0].image.src").startswith("image file not found")
    assert error_line(result, GUIDE_A, override, "overrides.tinh-b").startswith("unknown province for this guide")
    assert error_line(result, PROVINCE_A, featured, "featured_guides[0]").startswith("unknown guide 'ho-chieu'")
    assert error_line(result, PROVINCE_B, phone, "hotlines[0].number").startswith("String should match pattern")
    assert error_line(result, FAQS, related, "entries[0].related_guides[0]").startswith("unknown guide 'visa'")
    assert error_count(result) == 5


# --- the output folder --------------------------------------------------------------------------


def staging_leftovers(out: Path) -> list[str]:
    return sorted(
        p.name for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.staging-", f".{out.name}.old-"))
    )


def build_ok(run, project: Path, out: Path) -> dict[str, str]:
    result = run(project, "build", "--skip", "kit", "--out", str(out))
    assert result.code == 0, result.err
    return tree_digest(out)


def test_content_error_leaves_the_previous_build_untouched(run, mini, tmp_path):
    out = tmp_path / "out"
    before = build_ok(run, mini, out)
    line = replace_line(mini, GUIDE, "    fee: 8000", "    fee: abc")

    result = run(mini, "build", "--skip", "kit", "--out", str(out))

    assert error_line(result, GUIDE, line, "channels[1].fee").endswith("(got 'abc')")
    assert tree_digest(out) == before
    assert staging_leftovers(out) == []


def test_failure_while_rendering_leaves_the_previous_build_untouched(run, mini, tmp_path):
    # A missing heading anchor passes check but fails in the site engine, after staging has started.
    out = tmp_path / "out"
    before = build_ok(run, mini, out)
    replace_line(
        mini,
        GUIDE,
        "    body: Điền tờ khai. Xem thêm [bước 1](guide:khai-sinh#buoc-1).",
        "    body: Điền tờ khai. Xem thêm [bước 9](guide:khai-sinh#buoc-9).",
    )
    assert run(mini, "check").code == 0

    result = run(mini, "build", "--skip", "kit", "--out", str(out))

    assert result.code == 1
    assert "error: site tinh-a failed to build:" in result.err
    assert "no such anchor" in result.err
    assert tree_digest(out) == before
    assert staging_leftovers(out) == []


def test_rebuild_replaces_the_output_and_the_manifest_lists_every_file(run, mini, tmp_path):
    out = tmp_path / "out"
    first = build_ok(run, mini, out)
    assert "tinh-a/huong-dan/tam-tru/index.html" in first
    # A renamed guide: its old page goes, its printed codes now lead to the new page.
    replace_line(mini, GUIDE_A, "slug: tam-tru", "slug: dang-ky-tam-tru\nformer_slugs: [tam-tru]")
    replace_line(
        mini, FAQS, "    related_guides: [khai-sinh, tam-tru]", "    related_guides: [khai-sinh, dang-ky-tam-tru]"
    )
    replace_line(mini, GUIDE, "title: Đăng ký khai sinh", "title: Đăng ký khai sinh cho trẻ em")

    second = build_ok(run, mini, out)

    assert staging_leftovers(out) == []
    assert "tinh-a/huong-dan/tam-tru/index.html" not in second
    assert "tinh-a/huong-dan/dang-ky-tam-tru/index.html" in second
    assert "Đăng ký khai sinh cho trẻ em" in (out / "tinh-b/huong-dan/khai-sinh/index.html").read_text("utf-8")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {path: digest for path, digest in second.items() if path != "manifest.json"}
    assert listed == on_disk
    for path, digest in listed.items():
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest
    sources = {f["path"]: f["source"] for f in manifest["files"]}
    assert sources["tinh-b/huong-dan/khai-sinh/index.html"] == GUIDE
    assert sources["tinh-a/index.html"] == PROVINCE_A
