"""The campaign kit in the build: the quiz bank's content errors, the kit's files in the manifest,
the zip of a province's kit, and the flags that leave parts out (--skip, --only)."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.plan import KIT_DIR, kit_files, plan_build
from generator.render.bundle import ABOUT_NAME
from tests.conftest import tree_digest
from tests.test_bad_input import error_count, error_line, line_of, read, write

BANK = "content/quiz/co-ban.yml"

GOOD_BANK = """slug: co-ban
title: Hiểu biết cơ bản
questions:
  - id: dang-nhap
    question: Đăng nhập Cổng Dịch vụ công quốc gia bằng gì?
    options:
      - text: Tài khoản VNeID
        right: true
      - text: Tài khoản Zalo
    explanation: Từ 1/7/2024 người dân đăng nhập bằng tài khoản VNeID.
    guide: khai-sinh
"""


def quiet(message: str) -> None:
    pass


def options(project: Path, out: Path | None = None, **flags) -> BuildOptions:
    out = out or project / "site"
    return BuildOptions(content=project / "content", config=project / "site_config.yml", out=out, **flags)


# --- bad questions are content errors naming file, line and question ---------------------------


def test_bad_questions_are_reported_together_with_file_line_and_question(run, mini):
    bank = (
        GOOD_BANK
        + """
  - id: khong-co-dap-an
    question: Câu không có đáp án đúng?
    options:
      - text: Một
      - text: Hai
    explanation: Giải thích.
    guide: khai-sinh

  - id: hai-dap-an
    question: Câu có hai đáp án đúng?
    options:
      - text: Một
        right: true
      - text: Hai
      - text: Ba
        right: true
    explanation: Giải thích.
    guide: khai-sinh

  - id: sai-huong-dan
    question: Câu dẫn tới hướng dẫn không có?
    options:
      - text: Một
        right: true
      - text: Hai
    explanation: Giải thích.
    guide: khai-snh

  - id: mot-phuong-an
    question: Câu chỉ có một phương án?
    options:
      - text: Một
        right: true
    explanation: Giải thích.
    guide: khai-sinh

  - id: dang-nhap
    question: Câu trùng mã?
    options:
      - text: Một
        right: true
      - text: Hai
    explanation: Giải thích.
    guide: khai-sinh
"""
    )
    write(mini, BANK, bank)
    result = run(mini, "check")
    assert result.code == 1

    no_right = error_line(result, BANK, line_of(mini, BANK, "  - id: khong-co-dap-an"), "questions[1]")
    assert "'khong-co-dap-an' has no right answer" in no_right and "right: true" in no_right
    two_right = error_line(result, BANK, line_of(mini, BANK, "  - id: hai-dap-an"), "questions[2]")
    assert "'hai-dap-an' has 2 right answers (options 1 and 3)" in two_right
    unknown = error_line(result, BANK, line_of(mini, BANK, "    guide: khai-snh"), "questions[3].guide")
    assert "'sai-huong-dan' links to unknown guide 'khai-snh'" in unknown and "did you mean 'khai-sinh'" in unknown
    one_option = error_line(result, BANK, line_of(mini, BANK, "  - id: mot-phuong-an") + 2, "questions[4].options")
    assert "at least 2" in one_option
    lines = read(mini, BANK).split("\n")
    first, second = [n for n, line in enumerate(lines, start=1) if line == "  - id: dang-nhap"]
    for line, field, other in ((first, "questions[0].id", second), (second, "questions[5].id", first)):
        duplicate = error_line(result, BANK, line, field)
        assert f"duplicate quiz question id 'dang-nhap', also used at {BANK}:{other}" in duplicate
    assert error_count(result) == 6


def test_a_bad_question_leaves_the_previous_output_untouched(run, mini):
    write(mini, BANK, GOOD_BANK)
    assert run(mini, "build", "--only", "site").code == 0
    before = tree_digest(mini / "site")
    write(mini, BANK, GOOD_BANK.replace("        right: true\n", ""))
    result = run(mini, "build", "--only", "site")
    assert result.code == 1 and "has no right answer" in result.err
    assert tree_digest(mini / "site") == before


# --- the kit in the build --------------------------------------------------------------------

KIT_KINDS = {"script-text", "script-pdf", "script-audio", "post", "quiz-pdf", "video", "subtitles", "kit-zip"}


@pytest.mark.slow
def test_every_kit_file_is_in_the_manifest_with_its_kind(built_demo):
    site_plans = plan_build_of(built_demo.root)
    expected: dict[str, str] = {}
    for site_plan in site_plans:
        kit = site_plan.kit
        for script in kit.scripts:
            expected |= {f"{script.path}.txt": "script-text", f"{script.path}.pdf": "script-pdf"}
            expected |= {f"{script.path}.mp3": "script-audio"} if script.audio else {}
        expected |= {post.path: "post" for post in kit.posts}
        expected |= {f"{v.path}.mp4": "video" for v in kit.videos} | {f"{v.path}.vtt": "subtitles" for v in kit.videos}
        expected |= {kit.quiz.path: "quiz-pdf", kit.zip: "kit-zip"}
    assert {path: built_demo.files[path]["kind"] for path in expected if path in built_demo.files} == expected
    in_kits = {path for path, entry in built_demo.files.items() if entry["kind"] in KIT_KINDS}
    assert in_kits == set(expected)
    assert any(path.count("/") == 4 for path in expected if path.endswith(".txt"))  # commune scripts too


@pytest.mark.slow
def test_the_zip_holds_the_whole_kit_as_the_site_serves_it(built_demo):
    for site_plan in plan_build_of(built_demo.root):
        slug = site_plan.province.slug
        archive = zipfile.ZipFile(built_demo.out / site_plan.kit.zip)
        names = archive.namelist()
        assert names[0] == ABOUT_NAME
        assert f"{built_demo.root.name}" not in archive.read(ABOUT_NAME).decode()
        wanted = sorted(path.removeprefix(f"{slug}/") for path in kit_files(site_plan))
        assert names[1:] == wanted
        for name in names[1:]:
            assert archive.read(name) == (built_demo.out / slug / name).read_bytes(), name
            info = archive.getinfo(name)
            stored = name.endswith((".pdf", ".png", ".mp3", ".mp4"))
            assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED), name
        kinds = {name.rsplit(".", 1)[-1] for name in names}
        assert {"pdf", "png", "txt", "mp3", "mp4", "vtt"} <= kinds
        assert any(name.startswith("in/") for name in names) and any(name.startswith(f"{KIT_DIR}/") for name in names)


def plan_build_of(root: Path):
    from generator.build import check

    site = check(BuildOptions(content=root / "content", config=root / "site_config.yml"))
    return [s for s in plan_build(site).sites if s.province is not None]


# --- leaving parts out --------------------------------------------------------------------------


@pytest.mark.slow
def test_only_site_and_skip_flags_leave_out_what_they_name(run, mini, tmp_path):
    write(mini, BANK, GOOD_BANK)
    assert run(mini, "build", "--only", "site", "--out", str(tmp_path / "site-only")).code == 0
    kinds = manifest_kinds(tmp_path / "site-only")
    assert not kinds & (KIT_KINDS | {"print"})
    assert {"page", "image-png", "qr-png"} <= kinds

    assert run(mini, "build", "--skip", "video", "--skip", "audio", "--out", str(tmp_path / "no-av")).code == 0
    kinds = manifest_kinds(tmp_path / "no-av")
    assert {"script-text", "script-pdf", "post", "quiz-pdf", "kit-zip", "print"} <= kinds
    assert not kinds & {"video", "subtitles", "script-audio"}
    zipped = zipfile.ZipFile(next((tmp_path / "no-av").rglob("*.zip"))).namelist()
    assert not [name for name in zipped if name.endswith((".mp4", ".mp3"))]

    assert run(mini, "build", "--skip", "audio", "--out", str(tmp_path / "silent")).code == 0
    videos = sorted((tmp_path / "silent").rglob("*.mp4"))
    assert videos and not list((tmp_path / "silent").rglob("*.mp3"))
    assert all(audio_streams(video) == 0 for video in videos)


def manifest_kinds(out: Path) -> set[str]:
    return {entry["kind"] for entry in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}


def audio_streams(video: Path) -> int:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=index", "-of", "csv=p=0", video],
        capture_output=True,
        text=True,
        check=True,
    )
    return len(probe.stdout.split())


@pytest.mark.slow
def test_a_rebuild_without_changes_makes_no_kit_file_anew(mini):
    write(mini, BANK, GOOD_BANK)
    first = build(options(mini), quiet)
    videos = sum(len(s.kit.videos) for s in plan_build_of(mini))
    assert videos == 3 and first.videos_rendered == videos and first.pdfs_rendered > 0
    before = tree_digest(mini / "site")
    again = build(options(mini), quiet)
    assert (again.videos_rendered, again.pdfs_rendered, again.images_rendered) == (0, 0, 0)
    assert tree_digest(mini / "site") == before


def test_zip_bytes_do_not_depend_on_the_order_files_come_in():
    from generator.render.bundle import zip_bytes

    files = [("b.txt", b"b" * 100), ("a.pdf", b"%PDF"), ("c/d.vtt", b"WEBVTT\n")]
    one = zip_bytes(files, "đọc trước", 1_764_000_000)
    assert one == zip_bytes(list(reversed(files)), "đọc trước", 1_764_000_000)
    archive = zipfile.ZipFile(io.BytesIO(one))
    assert archive.namelist() == [ABOUT_NAME, "a.pdf", "b.txt", "c/d.vtt"]
    assert archive.read(ABOUT_NAME).decode("utf-8") == "đọc trước"
    assert {info.date_time for info in archive.infolist()} == {(2025, 11, 24, 16, 0, 0)}
