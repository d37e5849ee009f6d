"""Print-related input that must fail loudly and lose nothing: the short-link registry, the
allow-list, and the checks the PDF renderer runs on what WeasyPrint laid out; then the PDF cache.

Every test works on a copy of tests/fixtures/mini (two provinces, two guides). Its build issues
three codes, in this order: 0013 khai-sinh/tinh-a, 0026 tam-tru/tinh-a, 0039 khai-sinh/tinh-b.
Render guards that need a different stylesheet build with a copy of theme/ made in tmp_path.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import markdown
import pytest
import yaml
from pypdf import PdfReader

from generator.build import DEFAULT_THEME, BuildOptions, build, check
from generator.errors import ContentErrors
from generator.plan import plan_build
from generator.render import qr
from generator.render.fonts import covered_characters
from generator.render.print import (
    MIN_GRAY_CONTRAST,
    MIN_MODULE_MM,
    SHRINK_STEPS,
    PrintRenderer,
)
from generator.shortlinks import ALPHABET, decode, encode
from tests.conftest import tree_digest
from tests.html_tools import read_page
from tests.test_bad_input import error_line, insert_after, line_of, read, replace_line, write

GUIDE = "content/guides/khai-sinh.yml"  # published in tinh-a and tinh-b
GUIDE_A = "content/guides/tam-tru.yml"  # published in tinh-a only
PROVINCE_A = "content/provinces/tinh-a.yml"
PROVINCE_B = "content/provinces/tinh-b.yml"
FAQS = "content/faqs/chung.yml"
REGISTRY = "content/short-links.yml"
BASE = "https://huongdan-dvc.example.org"

LINK_0013 = '  - {code: "0013", guide: khai-sinh, province: tinh-a, batch: "Đợt thử"}'
LINK_0026 = '  - {code: "0026", guide: tam-tru, province: tinh-a, batch: "Đợt thử"}'
LINK_0039 = '  - {code: "0039", guide: khai-sinh, province: tinh-b, batch: "Đợt thử"}'
# Exactly what a first build of the fixture writes (test_build_records_codes_once_and_never_reassigns).
REGISTRY_AFTER_FIRST_BUILD = "\n".join(
    [
        "# yaml-language-server: $schema=../schemas/short-links.schema.json",
        "# Sổ đăng ký mã QR. Lệnh build tự ghi thêm mã mới khi có tờ rơi mới.",
        "# Mỗi mã đã in trên giấy phải luôn dẫn đến đúng hướng dẫn: không xoá, không sửa dòng nào.",
        "# Khi đổi mã (slug) của hướng dẫn, ghi mã cũ vào former_slugs của hướng dẫn đó.",
        '# Khi ngừng một hướng dẫn ở một tỉnh, thêm retired: "<lý do>" vào dòng của mã đó.',
        "issued: 3",
        "links:",
        LINK_0013,
        LINK_0026,
        LINK_0039,
        "",
    ]
)

PDFS_OF_TAM_TRU = {
    f"tinh-a/in/tam-tru/{name}"
    for name in ("to-roi-a4-gap-ba.pdf", "to-roi-a5.pdf", "the-a6.pdf", "huong-dan-day-du-a4.pdf")
} | {f"tinh-a/anh/tam-tru/{name}" for name in ("anh-in-a4.pdf", "anh-in-a3.pdf")}  # the step infographic in print


# --- helpers ----------------------------------------------------------------------------------


def quiet(message: str) -> None:
    pass


def options(project: Path, out: Path, **kwargs) -> BuildOptions:
    return BuildOptions(
        content=project / "content", config=project / "site_config.yml", out=out, **{"skip_kit": True, **kwargs}
    )


def seed_registry(project: Path) -> None:
    """The registry as the fixture's first build leaves it, without spending a build on it."""
    write(project, REGISTRY, REGISTRY_AFTER_FIRST_BUILD)


def build_ok(run, project: Path, out: Path, *args: str) -> dict[str, str]:
    result = run(project, "build", "--skip", "kit", "--out", str(out), *args)
    assert result.code == 0, result.err
    return tree_digest(out)


def report_lines(result, prefix: str) -> list[str]:
    """Report lines (after the header) that start with `  prefix`, without it."""
    assert result.code == 1, (result.code, result.err)
    return [line.removeprefix(f"  {prefix}") for line in result.err.splitlines() if line.startswith(f"  {prefix}")]


def copy_theme(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of theme/ whose print.css has `old` replaced by `new` (which must occur once)."""
    theme = tmp_path / "theme"
    shutil.copytree(DEFAULT_THEME, theme)
    css = theme / "print" / "print.css"
    text = css.read_text("utf-8")
    assert text.count(old) == 1, old
    css.write_text(text.replace(old, new), "utf-8")
    return theme


def add_steps(project: Path, count: int) -> list[str]:
    """Insert `count` extra steps before the one step of tam-tru; returns their titles."""
    titles = [f"Bước thêm số {i} xxxxxxxxxxxxxxxxxxxx" for i in range(count)]
    first = "  - title: Chọn thủ tục"
    lines = "\n".join(f"  - title: {title}\n    body: Làm theo hướng dẫn." for title in titles)
    replace_line(project, GUIDE_A, first, f"{lines}\n{first}")
    return titles


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def renderer_and_job(project: Path, path: str):
    """A PrintRenderer for the project (default theme, no cache) and the planned job for `path`."""
    site = check(options(project, project / "unused"))
    plan = plan_build(site, path.split("/", 1)[0])
    jobs = [job for site_plan in plan.sites for job in site_plan.prints if job.path == path]
    assert len(jobs) == 1, path
    return PrintRenderer(DEFAULT_THEME, site.config, site.assets), jobs[0]


# --- 1, 2: the registry is append-only -----------------------------------------------------------


@pytest.mark.slow
def test_deleted_registry_line_is_named_and_the_build_keeps_the_previous_output(run, mini, tmp_path):
    out = tmp_path / "out"
    before = build_ok(run, mini, out)
    assert read(mini, REGISTRY) == REGISTRY_AFTER_FIRST_BUILD
    replace_line(mini, REGISTRY, LINK_0026, None)
    registry = read(mini, REGISTRY)

    checked = run(mini, "check")
    message = error_line(checked, REGISTRY, line_of(mini, REGISTRY, "links:"), "links")
    assert message == (
        "code '0026' (number 2) was issued but its line is missing; printed leaflets may carry it: "
        "restore the line from version control"
    )

    built = run(mini, "build", "--skip", "kit", "--out", str(out))
    assert error_line(built, REGISTRY, line_of(mini, REGISTRY, "links:"), "links").startswith("code '0026'")
    assert tree_digest(out) == before
    assert read(mini, REGISTRY) == registry  # not "repaired" by re-issuing the code


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        (
            LINK_0026,
            LINK_0026.replace('"0026"', '"0027"'),
            "links[1].code",
            "'0027' is not a code this tool issues; restore the line from version control",
        ),
        (
            LINK_0039,
            LINK_0039.replace('"0039"', '"0013"'),
            "links[2].code",
            "code '0013' is listed twice (also at entry 1)",
        ),
        (
            LINK_0039,
            LINK_0039 + '\n  - {code: "004c", guide: tam-tru, province: tinh-a, batch: "Đợt thử"}',
            "links[3].code",
            "code '004c' is newer than `issued: 3`",
        ),
    ],
    ids=["wrong-check-character", "duplicate-code", "serial-beyond-issued"],
)
def test_tampered_registry_line_is_named_at_its_line(run, mini, old, new, field, expected):
    seed_registry(mini)
    assert run(mini, "check").code == 0
    replace_line(mini, REGISTRY, old, new)
    line = line_of(mini, REGISTRY, new.split("\n")[-1])
    before = read(mini, REGISTRY)

    result = run(mini, "check")

    assert error_line(result, REGISTRY, line, field) == expected
    assert read(mini, REGISTRY) == before


def test_a_code_replaced_by_a_wrong_one_is_also_reported_missing(run, mini):
    seed_registry(mini)
    replace_line(mini, REGISTRY, LINK_0026, LINK_0026.replace('"0026"', '"0027"'))
    result = run(mini, "check")
    assert error_line(result, REGISTRY, line_of(mini, REGISTRY, "links:"), "links").startswith(
        "code '0026' (number 2) was issued but its line is missing"
    )


SERIALS = (1, 2, 3, 31, 32, 1000, 32**5 - 1)


def single_character_typos(code: str):
    for position in range(len(code)):
        for other in ALPHABET:
            if other != code[position]:
                yield code[:position] + other + code[position + 1 :]


def test_a_wrong_check_character_never_decodes():
    for serial in SERIALS:
        code = encode(serial)
        assert decode(code) == serial
        for typo in single_character_typos(code):
            if typo[:-1] == code[:-1]:
                assert decode(typo) is None, (code, typo)


def test_every_single_character_typo_is_caught_by_the_check_character():
    for serial in SERIALS:
        code = encode(serial)
        for typo in single_character_typos(code):
            assert decode(typo) is None, (code, typo)


# --- 3, 4, 5: printed codes keep leading somewhere ---------------------------------------------


def rename_tam_tru(project: Path, former: bool) -> None:
    new = "slug: dang-ky-tam-tru\nformer_slugs: [tam-tru]" if former else "slug: dang-ky-tam-tru"
    replace_line(project, GUIDE_A, "slug: tam-tru", new)
    replace_line(
        project, FAQS, "    related_guides: [khai-sinh, tam-tru]", "    related_guides: [khai-sinh, dang-ky-tam-tru]"
    )


@pytest.mark.slow
def test_renamed_guide_with_former_slugs_keeps_its_printed_code(run, mini, tmp_path):
    out = tmp_path / "out"
    build_ok(run, mini, out)
    rename_tam_tru(mini, former=True)

    build_ok(run, mini, out)

    assert read(mini, REGISTRY) == REGISTRY_AFTER_FIRST_BUILD  # no new code for the new slug
    page = read_page(out / "q" / "0026" / "index.html")
    assert page.meta_refresh == "../../tinh-a/huong-dan/dang-ky-tam-tru/"
    assert (out / "tinh-a" / "huong-dan" / "dang-ky-tam-tru" / "index.html").is_file()
    assert f'href="{BASE}/tinh-a/huong-dan/dang-ky-tam-tru/"' in (out / "q/0026/index.html").read_text("utf-8")
    # The reprinted leaflets of the renamed guide carry the code already on paper.
    files = {f["path"]: f for f in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    assert files["tinh-a/in/dang-ky-tam-tru/to-roi-a5.pdf"]["qr"] == [f"{BASE}/q/0026/"]
    assert "tinh-a/in/tam-tru/to-roi-a5.pdf" not in files


def test_renamed_guide_without_former_slugs_names_the_printed_code(run, mini):
    seed_registry(mini)
    rename_tam_tru(mini, former=False)
    result = run(mini, "check")
    assert error_line(result, REGISTRY, line_of(mini, REGISTRY, LINK_0026), "links[1].guide") == (
        "printed code '0026' leads to guide 'tam-tru', which no longer exists; "
        "if the guide was renamed, add the old slug to its `former_slugs`; "
        "if it was withdrawn, add `retired: <lý do>` to this line"
    )


def merge_b_into_a(project: Path, former: bool) -> None:
    """Tỉnh B becomes part of Tỉnh A: its file goes, what was only for B now applies to A."""
    (project / PROVINCE_B).unlink()
    if former:
        insert_after(
            project,
            PROVINCE_A,
            "    legacy_portal_url: https://dichvucong.tinhcu.gov.vn",
            "  - slug: tinh-b\n    name: Tỉnh B",
        )
    text = read(project, GUIDE)
    write(project, GUIDE, text[: text.index("overrides:\n")])
    replace_line(project, FAQS, "    provinces: [tinh-b]", "    provinces: [tinh-a]")


@pytest.mark.slow
def test_merged_province_listed_as_former_keeps_its_printed_codes(run, mini, tmp_path):
    out = tmp_path / "out"
    build_ok(run, mini, out)
    merge_b_into_a(mini, former=True)

    build_ok(run, mini, out)

    assert read(mini, REGISTRY) == REGISTRY_AFTER_FIRST_BUILD
    assert read_page(out / "q" / "0039" / "index.html").meta_refresh == "../../tinh-a/huong-dan/khai-sinh/"
    assert read_page(out / "q" / "0013" / "index.html").meta_refresh == "../../tinh-a/huong-dan/khai-sinh/"
    assert (out / "tinh-a" / "huong-dan" / "khai-sinh" / "index.html").is_file()


def test_merged_province_not_listed_as_former_names_the_printed_code(run, mini):
    seed_registry(mini)
    merge_b_into_a(mini, former=False)
    result = run(mini, "check")
    assert error_line(result, REGISTRY, line_of(mini, REGISTRY, LINK_0039), "links[2].province") == (
        "printed code '0039' leads to province 'tinh-b', which no longer exists; "
        "list it under `former:` of the province it became part of"
    )


def withdraw_khai_sinh_from_tinh_b(project: Path) -> None:
    insert_after(project, GUIDE, "source_url: https://dichvucong.gov.vn/", "provinces: [tinh-a]")
    text = read(project, GUIDE)
    write(project, GUIDE, text[: text.index("overrides:\n")])


def test_guide_withdrawn_from_a_province_with_printed_codes_names_the_code(run, mini):
    seed_registry(mini)
    withdraw_khai_sinh_from_tinh_b(mini)

    result = run(mini, "check")

    assert error_line(result, REGISTRY, line_of(mini, REGISTRY, LINK_0039), "links[2].guide") == (
        "printed code '0039' leads to guide 'khai-sinh' in 'tinh-b', but that guide is not published there; "
        "if it was withdrawn there, add `retired: <lý do>` to this line"
    )
    # Removing the line instead is no way out: the code is then reported missing.
    replace_line(mini, REGISTRY, LINK_0039, None)
    assert error_line(run(mini, "check"), REGISTRY, line_of(mini, REGISTRY, "links:"), "links").startswith(
        "code '0039' (number 3) was issued but its line is missing"
    )


@pytest.mark.slow
def test_a_retired_code_still_leads_to_the_provinces_guides_with_the_reason(run, mini, tmp_path):
    out = tmp_path / "out"
    build_ok(run, mini, out)
    withdraw_khai_sinh_from_tinh_b(mini)
    reason = "Tỉnh B chuyển thủ tục này về Trung tâm Phục vụ hành chính công tỉnh"
    retired = LINK_0039.removesuffix("}") + f', retired: "{reason}"}}'
    replace_line(mini, REGISTRY, LINK_0039, retired)

    build_ok(run, mini, out)

    registry = read(mini, REGISTRY)
    assert retired in registry.splitlines()  # kept as written, never dropped
    assert "issued: 3" in registry  # nothing new: tinh-b has no guide left to print
    page = read_page(out / "q" / "0039" / "index.html")
    assert page.meta_refresh == "../../tinh-b/huong-dan/"
    assert (out / "tinh-b" / "huong-dan" / "index.html").is_file()
    html = (out / "q" / "0039" / "index.html").read_text("utf-8")
    assert reason in html and f'data-retired="{reason}"' in html
    # Published there again later, the guide gets a new code; the retired one stays as it is.
    replace_line(mini, GUIDE, "provinces: [tinh-a]", None)
    build_ok(run, mini, out)
    registry = read(mini, REGISTRY)
    assert retired in registry.splitlines() and "issued: 4" in registry
    assert "guide: khai-sinh, province: tinh-b" in registry.splitlines()[-1]


# --- 6: codes are issued once ----------------------------------------------------------------------


@pytest.mark.slow
def test_build_records_codes_once_and_never_reassigns(run, mini, tmp_path):
    out = tmp_path / "out"
    assert not (mini / REGISTRY).exists()
    build_ok(run, mini, out)
    first = read(mini, REGISTRY)
    assert first == REGISTRY_AFTER_FIRST_BUILD

    build_ok(run, mini, out)
    assert read(mini, REGISTRY) == first

    write(mini, "content/guides/ho-chieu.yml", read(mini, GUIDE_A).replace("slug: tam-tru", "slug: ho-chieu"))
    build_ok(run, mini, out)

    new_line = '  - {code: "004c", guide: ho-chieu, province: tinh-a, batch: "Đợt thử"}'
    assert read(mini, REGISTRY) == first.replace("issued: 3\n", "issued: 4\n") + new_line + "\n"
    assert decode("004c") == 4
    assert read_page(out / "q" / "004c" / "index.html").meta_refresh == "../../tinh-a/huong-dan/ho-chieu/"
    assert read_page(out / "q" / "0026" / "index.html").meta_refresh == "../../tinh-a/huong-dan/tam-tru/"


def test_check_never_writes_the_registry(run, mini):
    assert run(mini, "check").code == 0
    assert not (mini / REGISTRY).exists()

    seed_registry(mini)
    write(mini, "content/guides/ho-chieu.yml", read(mini, GUIDE_A).replace("slug: tam-tru", "slug: ho-chieu"))
    stat = (mini / REGISTRY).stat()
    assert run(mini, "check").code == 0
    assert read(mini, REGISTRY) == REGISTRY_AFTER_FIRST_BUILD
    assert (mini / REGISTRY).stat().st_mtime_ns == stat.st_mtime_ns


# --- 7, 8: the allow-list and the length of printed links -------------------------------------------

LOOKALIKE = "https://dichvucong.gov.vn.evil.example/x"


def test_legal_basis_on_a_lookalike_domain_is_refused(run, mini):
    line = insert_after(mini, GUIDE, "  - title: Nghị định 63/2024/NĐ-CP", f"    url: {LOOKALIKE}")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "legal_basis[0].url") == (
        "dichvucong.gov.vn.evil.example is not an allowed domain "
        "(site_config.yml allowed_domains: dichvucong.gov.vn, gov.vn)"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f"Vào [trang nộp]({LOOKALIKE}).", "dichvucong.gov.vn.evil.example is not an allowed domain"),
        (f"Vào <{LOOKALIKE}>.", "dichvucong.gov.vn.evil.example is not an allowed domain"),
        (f"Vào [trang nộp](<{LOOKALIKE}>).", "dichvucong.gov.vn.evil.example is not an allowed domain"),
        ("Vào [trang nộp](http://dichvucong.gov.vn/nop).", "http://dichvucong.gov.vn/nop must use https://"),
    ],
    ids=["lookalike-link", "lookalike-autolink", "lookalike-in-angle-brackets", "plain-http-official"],
)
def test_absolute_link_in_a_step_must_be_https_on_an_allowed_domain(run, mini, body, expected):
    line = replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", f"    body: {body}")
    result = run(mini, "check")
    assert error_line(result, GUIDE, line, "steps[2].body").startswith(expected)


def test_https_links_on_allowed_domains_pass(run, mini):
    insert_after(mini, GUIDE, "  - title: Nghị định 63/2024/NĐ-CP", "    url: https://vanban.chinhphu.gov.vn/63")
    replace_line(
        mini,
        GUIDE,
        "    body: Bấm **Nộp hồ sơ**.",
        "    body: Bấm **Nộp hồ sơ** tại [Cổng](https://dichvucong.gov.vn/p/home/dvc-trang-chu.html).",
    )
    result = run(mini, "check")
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    "body",
    [
        f"|-\n      Vào [trang nộp][1].\n\n      [1]: {LOOKALIKE}",
        f'Vào <a href="{LOOKALIKE}">trang nộp</a>.',
        f"Vào [trang nộp]( {LOOKALIKE}).",
        "Vào [trang nộp](//dichvucong.gov.vn.evil.example/x).",
    ],
    ids=["reference-link", "raw-html-link", "space-before-url", "scheme-relative"],
)
def test_every_markdown_link_form_is_held_to_the_allow_list(run, mini, body):
    line = replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", f"    body: {body}")
    # The link really is there: Markdown makes it an <a> to the lookalike host, on the site and in the PDF.
    raw = yaml.safe_load((mini / GUIDE).read_text("utf-8"))["steps"][2]["body"]
    assert re.search(r'href="(https:)?//dichvucong\.gov\.vn\.evil\.example/x"', markdown.markdown(raw))
    result = run(mini, "check")
    assert "dichvucong.gov.vn.evil.example" in error_line(result, GUIDE, line, "steps[2].body")


def test_base_url_too_long_for_a_version_4_qr_code_is_a_config_error(run, mini):
    # <base>/q/ plus the longest code and its slash (6 characters) must fit in 62 bytes: base_url at most 53.
    longest_ok = "https://" + "a" * 41 + ".org"
    assert len(longest_ok) == 53
    replace_line(mini, "site_config.yml", f"base_url: {BASE}", f"base_url: {longest_ok}")
    assert run(mini, "check").code == 0
    assert qr.modules(f"{longest_ok}/q/{encode(31**4 - 1)}/") == 33 + 2 * qr.QUIET_ZONE  # version 4

    replace_line(mini, "site_config.yml", f"base_url: {longest_ok}", f"base_url: https://a{'a' * 41}.org")
    result = run(mini, "check")
    message = error_line(result, "site_config.yml", 2, "base_url")
    assert message.startswith("base_url is too long for printed QR codes: short links would take 63 characters")
    assert "(version 4, level M) holds 62" in message
    with pytest.raises(qr.QrTooLarge):
        qr.matrix(f"https://a{'a' * 41}.org/q/{encode(31**4 - 1)}/")


# --- 9: text that does not fit, and the shrink before it --------------------------------------------

LONG_AUDIENCE = ("người đang sinh sống " * 100).strip()


@pytest.mark.slow
def test_text_too_long_for_its_panel_names_pdf_panel_and_field(run, mini, tmp_path):
    out = tmp_path / "out"
    before = build_ok(run, mini, out, "--province", "tinh-a")
    replace_line(mini, GUIDE_A, "audience: Người đến ở nơi mới", f"audience: {LONG_AUDIENCE[:1400]}")
    assert run(mini, "check").code == 0

    result = run(mini, "build", "--skip", "kit", "--out", str(out), "--province", "tinh-a")

    lines = report_lines(result, f"{GUIDE_A}: ")
    assert len(lines) == 1, result.err  # the other formats still fit
    smallest = round(SHRINK_STEPS[-1] * 100)
    assert f"tinh-a/in/tam-tru/to-roi-a5.pdf: text does not fit even at {smallest}% size: " in lines[0]
    assert "page 1, panel “mặt trước”: field audience runs past the panel" in lines[0]
    assert lines[0].endswith("Shorten it.")
    assert tree_digest(out) == before
    assert read(mini, REGISTRY) == REGISTRY_AFTER_FIRST_BUILD.replace(LINK_0039 + "\n", "").replace(
        "issued: 3", "issued: 2"
    )


@pytest.mark.slow
@pytest.mark.parametrize(("length", "scale"), [(500, 1.0), (700, 0.93), (900, 0.86)])
def test_text_a_little_too_long_is_shrunk_in_steps_and_kept_whole(mini, length, scale):
    audience = LONG_AUDIENCE[:length].strip() + " HẾT"
    replace_line(mini, GUIDE_A, "audience: Người đến ở nơi mới", f"audience: {audience}")
    printer, job = renderer_and_job(mini, "tinh-a/in/tam-tru/to-roi-a5.pdf")

    rendered = printer.render(job)

    assert scale in SHRINK_STEPS
    assert rendered.scale == scale
    text = pdf_text(rendered.pdf)
    assert " ".join(text.split()).count("HẾT") == 1  # the end of the long field is printed
    for heading in ("Giấy tờ cần chuẩn bị", "Các bước thực hiện", "Cần người giúp?", "Mã: 0026"):
        assert heading in text


@pytest.mark.slow
def test_a_huge_step_list_is_reported_not_cut_off(run, mini, tmp_path):
    titles = add_steps(mini, 40)
    out = tmp_path / "out"
    result = run(mini, "build", "--skip", "kit", "--out", str(out), "--province", "tinh-a")
    if result.code == 1:  # reported: fine, as long as the leaflets are named
        named = " ".join(report_lines(result, f"{GUIDE_A}: "))
        for name in ("to-roi-a4-gap-ba.pdf", "to-roi-a5.pdf", "the-a6.pdf"):
            assert f"tinh-a/in/tam-tru/{name}: text does not fit" in named
        return
    assert result.code == 0, result.err
    for name in ("to-roi-a4-gap-ba.pdf", "to-roi-a5.pdf", "the-a6.pdf"):  # built: then nothing may be lost
        text = " ".join(pdf_text((out / "tinh-a/in/tam-tru" / name).read_bytes()).split())
        lost = [title for title in [*titles, "Cần người giúp?"] if title not in text]
        assert not lost, f"{name} was built without {len(lost)} of its texts, e.g. {lost[-2:]}"


@pytest.mark.slow
def test_a_step_list_somewhat_too_long_for_the_a6_card_is_reported(run, mini, tmp_path):
    add_steps(mini, 18)
    result = run(mini, "build", "--skip", "kit", "--out", str(tmp_path / "out"), "--province", "tinh-a")
    lines = report_lines(result, f"{GUIDE_A}: tinh-a/in/tam-tru/the-a6.pdf: ")
    assert lines == [
        f"text does not fit even at {round(SHRINK_STEPS[-1] * 100)}% size: "
        "page 2, panel “mặt sau”: field steps runs past the panel; "
        "page 2, panel “mặt sau”: field hotlines runs past the panel. Shorten it."
    ]
    assert not (tmp_path / "out").exists()


# --- 10: a character the print font cannot draw ---------------------------------------------------


@pytest.mark.slow
def test_character_missing_from_the_print_font_is_named_not_printed_as_tofu(run, mini, tmp_path):
    out = tmp_path / "out"
    before = build_ok(run, mini, out)
    registry = read(mini, REGISTRY)
    replace_line(mini, GUIDE_A, "title: Đăng ký tạm trú", "title: Đăng ký tạm trú 字")
    assert run(mini, "check").code == 0

    result = run(mini, "build", "--skip", "kit", "--out", str(out))

    messages = "\n".join(report_lines(result, f"{GUIDE_A}: "))
    for name in PDFS_OF_TAM_TRU:
        assert f"{name}: the print font has no glyph for '字' (U+5B57)" in messages
    assert tree_digest(out) == before
    assert read(mini, REGISTRY) == registry


def test_emoji_and_vietnamese_are_covered_by_the_print_fonts():
    covered = covered_characters()
    for ch in "ĐđƯưƠơẮặỹ₫–…→😀":
        assert ord(ch) in covered, ch
    assert ord("字") not in covered


# --- 11, 12, 13: QR size, outside images, gray contrast ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("width_mm", "fails"), [(10, True), (18, True), (19, False)])
def test_qr_code_with_modules_under_half_a_millimetre_is_refused(mini, tmp_path, width_mm, fails):
    theme = copy_theme(tmp_path, ".a6 .qr { width: 34mm; }", f".a6 .qr {{ width: {width_mm}mm; }}")
    out = tmp_path / "out"
    build(options(mini, out, province="tinh-b"), progress=quiet)
    before = tree_digest(out)
    build_with_theme = options(mini, out, province="tinh-b", theme=theme)
    mm = width_mm / qr.modules(f"{BASE}/q/0013/")  # tinh-b alone: its one guide gets the first code
    assert (mm < MIN_MODULE_MM) == fails

    if not fails:
        build(build_with_theme, progress=quiet)
        after = tree_digest(out)
        changed = {path for path in after if path.endswith(".pdf") and after[path] != before[path]}
        assert changed == {"tinh-b/in/khai-sinh/the-a6.pdf"}  # built, with the smaller code on the A6 card
        return
    with pytest.raises(ContentErrors) as caught:
        build(build_with_theme, progress=quiet)

    assert [(e.file, e.line, e.field) for e in caught.value.errors] == [(GUIDE, None, "")]
    assert caught.value.errors[0].message == (
        f"tinh-b/in/khai-sinh/the-a6.pdf: QR code printed at {mm:.2f} mm per module "
        f"(minimum {MIN_MODULE_MM} mm); make it larger in the template"
    )
    assert tree_digest(out) == before


@pytest.mark.slow
def test_image_from_another_host_is_refused_by_validation_or_by_the_pdf_fetcher(run, mini, tmp_path):
    # Off the allow-list, check stops it, written in Markdown or as raw HTML.
    for image in ("![x](https://example.com/a.png)", "<img src='https://example.com/a.png'>"):
        line = replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", f'    body: "Bấm {image}"')
        assert error_line(run(mini, "check"), GUIDE, line, "steps[2].body").startswith(
            "example.com is not an allowed domain"
        )
        replace_line(mini, GUIDE, f'    body: "Bấm {image}"', "    body: Bấm **Nộp hồ sơ**.")
    out = tmp_path / "out"
    before = build_ok(run, mini, out)

    # On an allowed domain it passes validation, and the PDF fetcher stops it: print uses only
    # the content's own images, never the network.
    image, url = "![x](https://dichvucong.gov.vn/a.png)", "https://dichvucong.gov.vn/a.png"
    replace_line(mini, GUIDE, "    body: Bấm **Nộp hồ sơ**.", f'    body: "Bấm {image}"')
    assert run(mini, "check").code == 0
    result = run(mini, "build", "--skip", "kit", "--out", str(out))
    # Every province's PDF is named: all sites are built (in parallel) before errors are reported.
    assert report_lines(result, f"{GUIDE}: ") == [
        f"{province}/in/khai-sinh/huong-dan-day-du-a4.pdf: refused to fetch {url!r}: "
        "print files may only use the content's own images"
        for province in ("tinh-a", "tinh-b")
    ]
    assert tree_digest(out) == before


@pytest.mark.slow
def test_light_gray_text_is_refused_for_photocopies(mini, tmp_path):
    out = tmp_path / "out"
    build(options(mini, out, province="tinh-b"), progress=quiet)
    before = tree_digest(out)
    theme = copy_theme(
        tmp_path,
        'html { font-family: "Be Vietnam Pro", "DejaVu Sans"; color: #111;',
        'html { font-family: "Be Vietnam Pro", "DejaVu Sans"; color: #aaa;',
    )

    with pytest.raises(ContentErrors) as caught:
        build(options(mini, out, province="tinh-b", theme=theme), progress=quiet)

    by_pdf = {e.message.split(": ", 1)[0]: e for e in caught.value.errors}
    assert set(by_pdf) == {
        f"tinh-b/in/{name}"
        for name in (
            "ap-phich-a3.pdf",
            "ap-phich-a4.pdf",
            "khai-sinh/to-roi-a4-gap-ba.pdf",
            "khai-sinh/to-roi-a5.pdf",
            "khai-sinh/the-a6.pdf",
            "khai-sinh/huong-dan-day-du-a4.pdf",
        )
    }
    for error in by_pdf.values():
        assert error.file == GUIDE
        assert f"text “Mã:” has gray contrast 2.3 (minimum {MIN_GRAY_CONTRAST})" in error.message
    assert "text “Đăng ký khai sinh” has gray contrast 2.3" in by_pdf["tinh-b/in/khai-sinh/the-a6.pdf"].message
    assert tree_digest(out) == before


# --- 14: the PDF cache ------------------------------------------------------------------------------


@pytest.mark.slow
def test_cache_renders_only_what_changed_and_gives_the_same_bytes(mini, tmp_path):
    cached_out, fresh_out = tmp_path / "cached", tmp_path / "fresh"
    first = build(options(mini, cached_out), progress=quiet)
    assert first.pdfs == 24  # 22 print files and the 2 results reports of tinh-a
    assert first.pdfs_rendered == first.pdfs
    after_first = tree_digest(cached_out)

    again = build(options(mini, cached_out), progress=quiet)
    assert again.pdfs_rendered == 0
    assert tree_digest(cached_out) == after_first

    replace_line(mini, GUIDE_A, "title: Đăng ký tạm trú", "title: Đăng ký tạm trú tại nơi ở mới")
    changed = build(options(mini, cached_out), progress=quiet)
    after_change = tree_digest(cached_out)
    pdfs = {path for path in after_change if path.endswith(".pdf")}
    assert len(pdfs) == 24
    assert {path for path in pdfs if after_change[path] != after_first[path]} == PDFS_OF_TAM_TRU
    assert changed.pdfs_rendered == len(PDFS_OF_TAM_TRU)

    fresh = build(options(mini, fresh_out, use_cache=False), progress=quiet)
    assert fresh.pdfs_rendered == fresh.pdfs == 24
    assert tree_digest(fresh_out) == after_change
