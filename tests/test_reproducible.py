"""Reproducible builds: the same content gives the same bytes on any day, in any time zone and with any
PYTHONHASHSEED; `verify` rebuilds and names every file of the live output that differs."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build import SOURCE_DATE_EPOCH, BuildOptions, build
from tests.conftest import MINI, ROOT, tree_digest

pytestmark = pytest.mark.slow

FAKETIME = shutil.which("faketime")  # Debian's faketime (system-packages.txt): another day for one of the builds
# Two communes that ask for their own leaflet: their PDFs are stamped from a shared layer with pikepdf.
COMMUNES = """    print_guides: [khai-sinh]
  - slug: xa-tay
    name: Xã Tây
    kind: xã
    service_centre:
      name: Trung tâm Phục vụ hành chính công xã Tây
      address: Ấp 2, xã Tây
      hours: "Thứ Hai – Thứ Sáu: 7:30–17:00"
    print_guides: [khai-sinh]
featured_guides:"""


def _project(folder: Path) -> Path:
    """A copy of the mini fixture with commune leaflets."""
    shutil.copytree(MINI, folder)
    province = folder / "content" / "provinces" / "tinh-a.yml"
    text = province.read_text("utf-8")
    assert text.count("\nfeatured_guides:") == 1
    province.write_text(text.replace("featured_guides:", COMMUNES, 1), "utf-8")
    return folder


def _dvc(project: Path, *args: str, env: dict[str, str] | None = None, faketime: str | None = None):
    """The CLI in a fresh interpreter, as a terminal or CI runs it; never with an inherited SOURCE_DATE_EPOCH."""
    environment = {k: v for k, v in os.environ.items() if k != SOURCE_DATE_EPOCH}
    environment["PYTHONPATH"] = str(ROOT)
    environment.update(env or {})
    wrapper = [FAKETIME, faketime] if faketime and FAKETIME else []
    command = [*wrapper, sys.executable, "-m", "generator", *args]
    return subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, timeout=300)


def _newest_last_reviewed(project: Path) -> dt.date:
    texts = [
        p.read_text("utf-8") for folder in ("guides", "provinces") for p in (project / "content" / folder).glob("*.yml")
    ]
    return max(dt.date.fromisoformat(d) for text in texts for d in re.findall(r"^last_reviewed: (\S+)", text, re.M))


def _differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(path for path in a.keys() | b.keys() if a.get(path) != b.get(path))


@dataclass
class TwoBuilds:
    first: Path  # project folder; output in site/
    second: Path


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> TwoBuilds:
    root = tmp_path_factory.mktemp("reproducible")
    first, second = _project(root / "first"), _project(root / "second")
    result = _dvc(first, "build", "--skip", "video", env={"TZ": "Asia/Ho_Chi_Minh", "PYTHONHASHSEED": "1"})
    assert result.returncode == 0, result.stderr
    # Years later on the wall clock (when faketime is installed), on the other side of the world.
    env = {"TZ": "America/Los_Angeles", "PYTHONHASHSEED": "2"}
    result = _dvc(second, "build", "--skip", "video", "--no-cache", env=env, faketime="2031-05-06 07:08:09")
    assert result.returncode == 0, result.stderr
    return TwoBuilds(first, second)


def test_two_builds_in_different_zones_days_and_hash_seeds_are_byte_identical(two_builds):
    first, second = tree_digest(two_builds.first / "site"), tree_digest(two_builds.second / "site")
    assert not _differing(first, second)
    # Every kind of output took part: pages, sitemaps, search index, manifest, PDFs (stamped commune
    # leaflets too), PNG and SVG pictures, the campaign kit (scripts, audio drafts, posts, its zip;
    # the videos' own test encodes them twice).
    names = set(first)
    for expected in ("manifest.json", "sitemap.xml.gz", "tinh-a/sitemap.xml", "tinh-a/tim-kiem.json"):
        assert expected in names
    assert {"tinh-a/in/xa-dong/khai-sinh/the-a6.pdf", "tinh-a/in/xa-tay/khai-sinh/the-a6.pdf"} <= names
    assert {".html", ".pdf", ".png", ".svg", ".txt", ".mp3", ".zip"} <= {Path(name).suffix for name in names}
    assert (two_builds.first / "content" / "short-links.yml").read_bytes() == (
        two_builds.second / "content" / "short-links.yml"
    ).read_bytes()


def test_sitemaps_are_dated_from_the_content_not_the_clock(two_builds):
    """Without SOURCE_DATE_EPOCH the build date is the newest last_reviewed, at 00:00 UTC."""
    newest = _newest_last_reviewed(two_builds.first)
    epoch = int(dt.datetime.combine(newest, dt.time(), dt.UTC).timestamp())
    for project in (two_builds.first, two_builds.second):
        for sitemap in ("sitemap.xml", "tinh-a/sitemap.xml", "tinh-b/sitemap.xml"):
            text = (project / "site" / sitemap).read_text("utf-8")
            assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", text)) == {newest.isoformat()}
            packed = (project / "site" / f"{sitemap}.gz").read_bytes()
            assert int.from_bytes(packed[4:8], "little") == epoch  # the gzip header's mtime
            assert gzip.decompress(packed).decode("utf-8") == text


def test_source_date_epoch_from_the_environment_wins_and_is_restored(tmp_path, monkeypatch):
    project = _project(tmp_path / "project")
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(int(dt.datetime(2030, 1, 2, 23, 59, tzinfo=dt.UTC).timestamp())))
    options = BuildOptions(
        content=project / "content",
        config=project / "site_config.yml",
        out=project / "site",
        skip_print=True,
        skip_kit=True,
    )
    report = build(options, progress=lambda message: None)
    assert report.source_date_epoch == int(os.environ[SOURCE_DATE_EPOCH])
    assert "<lastmod>2030-01-02</lastmod>" in (project / "site" / "sitemap.xml").read_text("utf-8")

    monkeypatch.delenv(SOURCE_DATE_EPOCH)
    report = build(options, progress=lambda message: None)
    assert SOURCE_DATE_EPOCH not in os.environ  # set for the build only
    assert dt.datetime.fromtimestamp(report.source_date_epoch, dt.UTC).date() == _newest_last_reviewed(project)


def test_verify_passes_on_an_unchanged_build_and_names_every_file_that_differs(two_builds, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(two_builds.first, project)
    shutil.rmtree(project / ".cache")
    registry = (project / "content" / "short-links.yml").read_bytes()
    before = tree_digest(project / "site")

    # With the options it was built with (README: verify a published folder as it was built).
    result = _dvc(project, "verify", "--skip", "video", env={"TZ": "Europe/Paris", "PYTHONHASHSEED": "3"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches a fresh build byte for byte" in result.stdout
    assert tree_digest(project / "site") == before
    assert (project / "content" / "short-links.yml").read_bytes() == registry
    assert not (project / ".cache").exists()  # a fresh render, not the cache the live output came from
    assert sorted(p.name for p in project.iterdir()) == [".site.lock", "content", "site", "site_config.yml"]

    page = project / "site" / "tinh-a" / "index.html"
    text = page.read_text("utf-8")
    assert "Tỉnh A" in text
    page.write_text(text.replace("Tỉnh A", "Tỉnh Ạ", 1), "utf-8")
    (project / "site" / "tinh-b" / "the-a6.pdf").write_bytes(b"%PDF-1.7\n")
    (project / "site" / "tinh-a" / "in" / "xa-tay" / "khai-sinh" / "the-a6.pdf").unlink()
    before = tree_digest(project / "site")

    result = _dvc(project, "verify", "--skip", "video")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("differs") and "tinh-a/index.html: changed after the build" in line for line in lines)
    assert any(line.startswith("missing") and "tinh-a/in/xa-tay/khai-sinh/the-a6.pdf" in line for line in lines)
    assert any(line.startswith("extra") and "tinh-b/the-a6.pdf" in line for line in lines)
    assert "3 of " in lines[-1]
    assert tree_digest(project / "site") == before


def test_verify_reports_short_codes_missing_from_the_registry_and_does_not_record_them(two_builds, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(two_builds.first, project)
    (project / "content" / "short-links.yml").unlink()  # as if the registry had not been committed

    result = _dvc(project, "verify", "--skip", "video", "--cache")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "are not in content/short-links.yml" in result.stdout
    assert not (project / "content" / "short-links.yml").exists()


def test_verify_does_not_compare_while_a_build_holds_the_output(two_builds, tmp_path):
    from generator.write import locked

    project = tmp_path / "project"
    shutil.copytree(two_builds.first, project)
    with locked(project / "site"):  # as a build that is about to swap the folder would
        result = _dvc(project, "verify", "--skip", "print", "--cache")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "is writing to" in result.stderr
