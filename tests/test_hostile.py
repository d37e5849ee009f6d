"""A catalogue of hostile and broken content: each case is refused with the file and field named,
exit 1 and the previous output untouched, or (raw HTML in Markdown) built with the active parts
removed. The cases are edits a careless or malicious author could make to a content file."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import PIL.Image
import pytest

from generator.build import BuildOptions, build
from generator.render import print as print_module
from generator.render.sanitize import clean_html
from tests.conftest import MINI, tree_digest

GUIDE = "content/guides/khai-sinh.yml"
FAQS = "content/faqs/chung.yml"
PROVINCE = "content/provinces/tinh-a.yml"
CONFIG = "site_config.yml"
BODY = "    body: Bấm **Nộp hồ sơ**."  # the third step's body in the fixture guide
BODY_FIELD = "steps[2].body"


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Path:
    """A complete earlier build that every refused build below must leave exactly as it was."""
    project = tmp_path_factory.mktemp("live")
    shutil.copytree(MINI, project, dirs_exist_ok=True)
    out = project / "site"
    build(
        BuildOptions(content=project / "content", config=project / CONFIG, out=out, skip_print=True, skip_kit=True),
        lambda m: None,
    )
    return out


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {rel}"
    path.write_text(text.replace(old, new), "utf-8")


def refused(run, project: Path, live: Path, rel: str, field: str, *fragments: str) -> str:
    """Build into the live output: exit 1, a report line naming rel and field, the output untouched."""
    before = tree_digest(live)
    result = run(project, "build", "--out", str(live), "--skip", "print", "--skip", "kit")
    assert result.code == 1, result.err
    lines = [line for line in result.err.splitlines() if rel in line and (not field or f": {field}: " in line)]
    assert lines, f"no report line names {rel} {field}:\n{result.err}"
    for fragment in fragments:
        assert any(fragment in line for line in lines), f"{fragment!r} not in:\n" + "\n".join(lines)
    assert tree_digest(live) == before
    return "\n".join(lines)


# --- hostile YAML ---------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_before_it_expands(run, mini, live):
    bomb = ["a: &a ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']"]
    bomb += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(9)]
    (mini / GUIDE).write_text((mini / GUIDE).read_text("utf-8") + "\n".join(["bomb:", *("  " + b for b in bomb)]))
    refused(run, mini, live, GUIDE, "", "aliases (*name) are not allowed")


def test_a_python_object_tag_is_refused(run, mini, live):
    edit(mini, GUIDE, "result: Giấy khai sinh điện tử", "result: !!python/object/apply:os.system ['touch /tmp/x']")
    refused(run, mini, live, GUIDE, "result", "YAML tag")


def test_a_duplicate_key_names_both_lines(run, mini, live):
    edit(mini, GUIDE, "office: UBND xã, phường", "office: UBND xã, phường\noffice: Công an xã")
    refused(run, mini, live, GUIDE, "office", "duplicate key 'office' (first given on line 8)")


def test_a_merge_key_is_refused(run, mini, live):
    edit(mini, GUIDE, "result: Giấy khai sinh điện tử", "result: Giấy khai sinh điện tử\n<<: {x: 1}")
    refused(run, mini, live, GUIDE, "", "merge keys (<<) are not allowed")


def test_nesting_past_the_limit_is_refused(run, mini, live):
    edit(mini, GUIDE, "result: Giấy khai sinh điện tử", "result: " + "[" * 40 + "]" * 40)
    refused(run, mini, live, GUIDE, "", "nested deeper than 32 levels")


def test_a_file_past_the_size_limit_is_refused(run, mini, live):
    (mini / GUIDE).write_text((mini / GUIDE).read_text("utf-8") + "#" * 1_000_001, "utf-8")
    refused(run, mini, live, GUIDE, "", "file larger than")


def test_a_symlink_to_a_file_off_the_machine_is_refused(run, mini, live):
    (mini / "content/guides/passwd.yml").symlink_to("/etc/passwd")
    refused(run, mini, live, "content/guides/passwd.yml", "", "outside the content folder")


def test_a_symlinked_image_outside_content_is_refused(run, mini, live, tmp_path):
    outside = tmp_path / "secret.png"
    shutil.copy(mini / "content/images/dang-nhap.png", outside)
    (mini / "content/images/dang-nhap.png").unlink()
    (mini / "content/images/dang-nhap.png").symlink_to(outside)
    refused(run, mini, live, "content/images/dang-nhap.png", "", "outside the content folder")


def test_scalars_stay_text_a_commune_called_no_and_a_number_with_a_leading_zero(run, mini, tmp_path):
    edit(mini, PROVINCE, "    name: Xã Đông", "    name: NO")
    edit(mini, PROVINCE, "    number: 0900 000 001", "    number: 0900000001")  # YAML 1.1 would read an octal
    out = tmp_path / "site"
    assert run(mini, "build", "--out", str(out), "--skip", "print", "--skip", "kit").code == 0
    help_page = (out / "tinh-a/ho-tro-truc-tiep/index.html").read_text("utf-8")
    assert ">NO<" in help_page or "NO " in help_page
    assert "0900000001" in (out / "tinh-a/index.html").read_text("utf-8")


def test_a_byte_order_mark_and_nfd_text_are_accepted(run, mini, tmp_path):
    import unicodedata

    text = (mini / GUIDE).read_text("utf-8")
    (mini / GUIDE).write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).encode())
    assert run(mini, "build", "--out", str(tmp_path / "site"), "--skip", "print", "--skip", "kit").code == 0


# --- hostile addresses ----------------------------------------------------------------------------

ADDRESSES = [
    ("[mở](javascript:alert(1))", "must use https://"),
    ("[mở](JaVaScRiPt:alert(1))", "must use https://"),
    ("[mở](data:text/html;base64,PHNjcmlwdD4=)", "must use https://"),
    ("[mở](vbscript:msgbox(1))", "must use https://"),
    ("[mở](http://dichvucong.gov.vn/)", "must use https://"),
    ("[mở](//evil.example/)", "must use https://"),
    ("[mở](https://gov.vn.evil.example/)", "gov.vn.evil.example is not an allowed domain"),
    ("[mở](https://dichvucong.gov.vn@evil.example/)", "user name before the host"),
    ("[mở](https://dichvucong.gov.vn:8443/)", "names a port"),
    ("[mở](https://203.0.113.5/)", "IP address"),
    ("[mở](https://[2001:db8::1]/)", "IP address"),
    ("[mở](https://bit.ly/dvc)", "link shortener"),
    ("[mở](https://xn--dchvucong-8mb.gov.vn.xn--evil-xxa.example/)", "is not an allowed domain"),
    ("[mở](https://dịchvụcông.gov.vn.evil.example/)", "is not an allowed domain"),
    ('<a href="javascript:alert(1)">mở</a>', "must use https://"),
    ('<form action="https://evil.example/"><input name="otp"></form>', "evil.example is not an allowed domain"),
    ('<img src="https://evil.example/pixel.png" alt="">', "evil.example is not an allowed domain"),
    ("[mở][1]\n\n[1]: https://evil.example/", "evil.example is not an allowed domain"),
]


@pytest.mark.parametrize(("markdown", "complaint"), ADDRESSES, ids=[a[0][:40] for a in ADDRESSES])
def test_a_hostile_address_in_a_step_is_refused(run, mini, live, markdown, complaint):
    edit(mini, GUIDE, BODY, f"    body: {json.dumps(markdown, ensure_ascii=False)}")
    refused(run, mini, live, GUIDE, BODY_FIELD, complaint)


def test_a_hostile_address_in_a_shared_faq_answer_is_refused(run, mini, live):
    text = (mini / FAQS).read_text("utf-8")
    answer = re.search(r"^    answer: .+$", text, re.M)[0]
    edit(mini, FAQS, answer, '    answer: "Xem [tại đây](https://dichvucong.gov.vn.evil.example/)."')
    refused(run, mini, live, FAQS, "entries[0].answer", "is not an allowed domain")


def test_a_source_on_a_domain_nobody_allowed_is_refused(run, mini, live):
    edit(mini, GUIDE, "source_url: https://dichvucong.gov.vn/", "source_url: https://tinnhanh.example/bai-viet")
    refused(run, mini, live, GUIDE, "source_url", "tinnhanh.example is not an allowed domain")


def test_a_qr_base_address_with_a_user_name_is_refused(run, mini, live):
    edit(mini, CONFIG, "base_url: https://huongdan-dvc.example.org", "base_url: https://gov.vn@evil.example")
    refused(run, mini, live, CONFIG, "base_url", "user name before the host")


# --- hostile pictures -----------------------------------------------------------------------------


def picture(fmt: str, size=(8, 8), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PIL.Image.new(mode, size).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "complaint"),
    [
        ("images/dang-nhap.png", picture("JPEG"), "the file is JPEG but its name ends in .png"),
        ("images/dang-nhap.png", b"<html><script>alert(1)</script></html>", "not a readable PNG picture"),
        ("images/dang-nhap.png", picture("PNG", (6000, 6000), "1"), "pixels is too large"),
        ("images/ve.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG with a script"),
        ("images/ve.svg", b'<svg><image href="https://evil.example/x.png"/></svg>', "outside reference"),
        ("images/ve.html", b"<script>alert(1)</script>", "not a picture the site can use"),
    ],
    ids=["jpeg-named-png", "html-named-png", "decompression-bomb", "svg-onload", "svg-remote", "html-file"],
)
def test_a_hostile_picture_is_refused(run, mini, live, name, data, complaint):
    (mini / "content" / name).write_bytes(data)
    refused(run, mini, live, f"content/{name}", "", complaint)


# --- path tricks ----------------------------------------------------------------------------------


def test_a_slug_that_climbs_out_of_the_output_is_refused(run, mini, live):
    edit(mini, GUIDE, "slug: khai-sinh", "slug: ../../khai-sinh")
    refused(run, mini, live, GUIDE, "slug")


def test_an_image_path_that_climbs_out_of_content_is_refused(run, mini, live):
    edit(mini, GUIDE, "      src: images/dang-nhap.png", "      src: images/../../site_config.png")
    refused(run, mini, live, GUIDE, "steps[0].image.src", "image file not found")


def test_a_redirect_chain_through_an_old_guide_address_is_refused(run, mini, live):
    # tam-tru's address would redirect to khai-sinh while tam-tru still has a page there: a chain.
    edit(mini, GUIDE, "slug: khai-sinh", "slug: khai-sinh\nformer_slugs: [tam-tru]")
    refused(run, mini, live, GUIDE, "former_slugs[0]", "duplicate guide slug 'tam-tru'")


def test_a_leaflet_whose_layout_runs_too_long_stops_with_its_name(mini, live, monkeypatch):
    from generator.errors import ContentErrors

    monkeypatch.setattr(print_module, "LAYOUT_SECONDS", 0.001)
    monkeypatch.setattr(print_module, "LAYOUT_BYTES_PER_SECOND", 10**12)
    before = tree_digest(live)
    options = BuildOptions(content=mini / "content", config=mini / CONFIG, out=live, use_cache=False, skip_kit=True)
    with pytest.raises(ContentErrors) as caught:
        build(options, lambda m: None)
    assert any("layout took longer than" in str(e) and ".pdf" in str(e) for e in caught.value.errors)
    assert tree_digest(live) == before


def test_no_markdown_extension_that_reads_files_is_enabled():
    from generator.links import MARKDOWN_EXTENSIONS
    from generator.render.site import _MARKDOWN_EXTENSIONS

    names = [next(iter(e)) if isinstance(e, dict) else e for e in [*_MARKDOWN_EXTENSIONS, *MARKDOWN_EXTENSIONS]]
    assert names and not [n for n in names if any(word in n for word in ("snippets", "include", "macros"))]


# --- raw HTML in Markdown: built, with the active parts removed ------------------------------------

ACTIVE = [
    "<script>alert('s1')</script>",
    "<img src=x onerror=alert('s2')>",
    "Chữ đậm{: onclick=\"alert('s3')\" }",
    '<iframe src="https://dichvucong.gov.vn/"></iframe>',
    "<style>body{display:none}</style>",
    "<svg onload=alert('s6')><circle r=1 /></svg>",
    '<a href="https://dichvucong.gov.vn/" onmouseover="alert(\'s7\')">Cổng</a>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">Che trang</div>',
    '<form action="./"><input type="password" name="p"></form>',
    "<object data=\"x.swf\"></object><embed src='x.swf'>",
    "{{ config }} {% raw %}{% endraw %} {{ 7*7 }}",
    "<details open ontoggle=alert('s12')><summary>Xem</summary>Nội dung</details>",
]


@pytest.fixture(scope="module")
def built_with_active_html(tmp_path_factory) -> Path:
    """One build whose FAQ answers carry every snippet above, each after its own marker."""
    project = tmp_path_factory.mktemp("active")
    shutil.copytree(MINI, project, dirs_exist_ok=True)
    path = project / FAQS
    text = path.read_text("utf-8")
    answers = [json.dumps(f"MARKER-{i} {snippet}", ensure_ascii=False) for i, snippet in enumerate(ACTIVE)]
    extra = "".join(f"\n  - id: thu-{i}\n    question: Câu thử {i}\n    answer: {a}\n" for i, a in enumerate(answers))
    path.write_text(text.rstrip("\n") + extra, "utf-8")
    out = project / "site"
    build(
        BuildOptions(content=project / "content", config=project / CONFIG, out=out, skip_print=True, skip_kit=True),
        lambda m: None,
    )
    return out


def article(html: str) -> str:
    start = html.index('<article class="md-content__inner md-typeset">')
    return html[start : html.index("</article>", start)]


@pytest.mark.parametrize("index", range(len(ACTIVE)), ids=[s[:30] for s in ACTIVE])
def test_raw_html_reaches_the_page_without_anything_active(built_with_active_html, index):
    pages = [p.read_text("utf-8") for p in built_with_active_html.rglob("hoi-dap/**/*.html")]
    found = [h for h in pages if f"MARKER-{index} " in h and f'id="thu-{index}"' in h]
    assert found, f"snippet {index} is not on any FAQ page"
    html = found[0]
    body = article(html)
    assert "<script" not in body.lower()
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", body, re.I)
    assert "javascript:" not in html.lower()
    assert not re.search(r"<(iframe|object|embed|style)\b", body, re.I)
    assert not re.search(r"\sstyle=\"[^\"]*position", body)
    assert 'type="password"' not in body
    if "{{" in ACTIVE[index]:  # content is data, never a template
        assert "{{ 7*7 }}" in body and "{{ config }}" in body


def test_no_page_of_the_hostile_build_runs_a_script_the_theme_did_not_put_there(built_with_active_html):
    theme_scripts = {"application/ld+json", "dvc.js", "localStorage", "__md_scope", "location.hash"}
    for path in built_with_active_html.rglob("*.html"):
        html = path.read_text("utf-8")
        for script in re.findall(r"<script[^>]*>.*?</script>", html, re.S):
            assert any(mark in script for mark in theme_scripts), f"{path}: {script[:120]}"
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", html, re.I), path
        assert "javascript:" not in html.lower(), path


def test_sanitising_is_idempotent_and_keeps_what_the_theme_needs():
    html = (
        '<div class="admonition tip"><p class="admonition-title">Mẹo</p><p>x</p></div>'
        '<table><thead><tr><th style="text-align:right">Phí</th></tr></thead></table>'
        '<form class="dvc-search" action="../tim-kiem/" method="get" data-index="../tim-kiem.json">'
        '<label for="q">Tìm</label><input id="q" name="q" type="search"></form>'
        '<figure><img src="../anh/a.png" alt="Ảnh" width="10" height="10" loading="lazy"></figure>'
        '<a href="tel:0900000100">0900 000 100</a>'
    )
    once = clean_html(html)
    assert clean_html(once) == once
    kept = ('class="admonition tip"', 'style="text-align:right"', 'data-index="../tim-kiem.json"', 'type="search"')
    assert all(k in once for k in kept)
    assert 'src="../anh/a.png"' in once and 'href="tel:0900000100"' in once
