"""Shared fixtures: copies of the small fixture content and of the demo content, and a CLI runner."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from generator.build import BuildOptions, build
from generator.cli import main
from tests.browser_tools import ARGS, CHROMIUM, new_context
from tests.webserver import serve

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the CLI in-process from a working directory, as an author would in a terminal."""

    def _run(cwd: Path, *args: str) -> Result:
        monkeypatch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of tests/fixtures/mini: two provinces, two guides, one FAQ group."""
    target = tmp_path / "project"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def demo(tmp_path) -> Path:
    """A writable copy of the project's own demo content and configuration."""
    target = tmp_path / "demo"
    target.mkdir()
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copy(ROOT / "site_config.yml", target / "site_config.yml")
    return target


@dataclass
class BuiltDemo:
    root: Path  # a copy of content/ and site_config.yml
    out: Path
    files: dict[str, dict]  # manifest entries by path


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> BuiltDemo:
    """The demo content, copied and built once for the whole test session (render cache on)."""
    root = tmp_path_factory.mktemp("built-demo")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")

    out = root / "site"
    build(BuildOptions(content=root / "content", config=root / "site_config.yml", out=out), progress=lambda m: None)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return BuiltDemo(root, out, {entry["path"]: entry for entry in manifest["files"]})


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under folder with its SHA-256: equal digests mean byte-for-byte equal trees."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- the built demo in a real browser (tests/browser_tools.py) -----------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per test module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base(built_demo) -> Iterator[str]:
    """The built demo served over HTTP on 127.0.0.1: its address."""
    with serve(built_demo.out) as url:
        yield url


@pytest.fixture
def phone(browser) -> Iterator[Page]:
    """A phone-sized page; fails the test if anything left 127.0.0.1."""
    context, outside = new_context(browser)
    yield context.new_page()
    context.close()
    assert outside.requests == []
