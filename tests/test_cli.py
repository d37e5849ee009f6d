"""The command line as authors use it: new, check, build --province, schema, serve."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from generator.schema import schema_texts
from tests.conftest import ROOT


@pytest.mark.parametrize("kind", ["guide", "faq", "province", "quiz"])
def test_new_scaffolds_a_file_that_passes_check(run, mini, kind):
    result = run(mini, "new", kind, "Đăng ký tạm trú cho người thuê nhà")
    assert result.code == 0, result.err
    folder = {"guide": "guides", "faq": "faqs", "province": "provinces", "quiz": "quiz"}[kind]
    created = mini / "content" / folder / "dang-ky-tam-tru-cho-nguoi-thue-nha.yml"
    assert created.is_file()
    assert run(mini, "check").code == 0


def test_new_refuses_to_overwrite(run, mini):
    assert run(mini, "new", "guide", "x", "--slug", "khai-sinh").code == 2
    assert "already exists" in run(mini, "new", "guide", "x", "--slug", "khai-sinh").err


def test_check_reports_counts_and_writes_nothing(run, mini):
    result = run(mini, "check")
    assert result.code == 0
    assert "2 provinces, 2 guides" in result.out
    assert not (mini / "site").exists()


@pytest.mark.slow
def test_build_one_province_builds_it_and_the_national_page_only(run, mini, tmp_path):
    out = tmp_path / "out"
    result = run(mini, "build", "--skip", "kit", "--province", "tinh-b", "--out", str(out))
    assert result.code == 0, result.err
    assert (out / "index.html").is_file()
    assert (out / "tinh-b" / "huong-dan" / "khai-sinh" / "index.html").is_file()
    assert not (out / "tinh-a").exists()


@pytest.mark.slow
def test_build_skip_print_leaves_out_the_pdfs_only(run, mini, tmp_path):
    out = tmp_path / "out"
    result = run(mini, "build", "--skip", "print", "--skip", "kit", "--out", str(out))
    assert result.code == 0, result.err
    assert "and 0 PDFs" in result.out
    kinds = {entry["kind"] for entry in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    assert "print" not in kinds and {"page", "qr-png", "qr-svg", "short-link"} <= kinds
    assert not list(out.rglob("*.pdf"))

    full = run(mini, "build", "--skip", "kit", "--out", str(out))
    assert full.code == 0, full.err
    assert list(out.rglob("*.pdf"))


@pytest.mark.slow
def test_province_override_replaces_fee_and_adds_note(run, mini, tmp_path):
    out = tmp_path / "out"
    assert run(mini, "build", "--skip", "kit", "--out", str(out)).code == 0
    b = (out / "tinh-b" / "huong-dan" / "khai-sinh" / "index.html").read_text(encoding="utf-8")
    a = (out / "tinh-a" / "huong-dan" / "khai-sinh" / "index.html").read_text(encoding="utf-8")
    assert "1.000 đồng" in b and "Tỉnh B có quy định riêng" in b
    assert "1.000 đồng" not in a and "Miễn phí" in a


def test_exported_schemas_match_the_models():
    for name, text in schema_texts().items():
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `make schema`"


def test_content_files_point_editors_at_their_schema():
    for folder, schema in (("guides", "guide"), ("provinces", "province"), ("faqs", "faq")):
        paths = sorted((ROOT / "content" / folder).glob("*.yml"))
        assert paths
        for path in paths:
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json", path
    assert json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_serve_rebuilds_and_reloads_when_content_changes(mini):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)],
        cwd=mini,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/tinh-a/huong-dan/tam-tru/"
    try:
        assert _wait_for(lambda: "Đăng ký tạm trú" in _get(url), 60)
        assert "livereload" in _get(url)  # the page reloads itself after a rebuild
        guide = mini / "content" / "guides" / "tam-tru.yml"
        guide.write_text(guide.read_text(encoding="utf-8").replace("Chọn thủ tục", "Chọn đúng thủ tục"), "utf-8")
        assert _wait_for(lambda: "Chọn đúng thủ tục" in _get(url), 30)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_guide_faq_limited_to_a_province_and_links_in_tips_are_resolved(run, mini, tmp_path):
    guide = mini / "content" / "guides" / "khai-sinh.yml"
    text = guide.read_text(encoding="utf-8")
    text = text.replace("    answer: Vẫn đăng ký được.", "    answer: Vẫn đăng ký được.\n    provinces: [tinh-b]")
    text = text.replace("    tip: Chuẩn bị điện thoại đã cài VNeID.", "    tip: Xem [bước 3](guide:khai-sinh#buoc-3).")
    guide.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert run(mini, "build", "--skip", "kit", "--out", str(out)).code == 0
    a = (out / "tinh-a" / "huong-dan" / "khai-sinh" / "index.html").read_text(encoding="utf-8")
    b = (out / "tinh-b" / "huong-dan" / "khai-sinh" / "index.html").read_text(encoding="utf-8")
    assert "Quá 60 ngày thì sao?" in b and "Quá 60 ngày thì sao?" not in a
    assert 'href="#buoc-3"' in a and "guide:khai-sinh" not in a


def test_an_empty_provinces_list_is_an_error_not_a_hidden_guide(run, mini):
    guide = mini / "content" / "guides" / "tam-tru.yml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("provinces: [tinh-a]", "provinces: []"), "utf-8")
    result = run(mini, "check")
    assert result.code == 1
    assert "content/guides/tam-tru.yml:18: provinces: List should have at least 1 item" in result.err
