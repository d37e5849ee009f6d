"""Scale: provinces built in parallel processes give the bytes one process gives; unchanged sites
come from the cache; shards built apart merge into the output of one whole build."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.merge import merge
from generator.plan import Shard, plan_build
from generator.write import OutputError
from tests.conftest import tree_digest
from tests.test_reproducible import _project


def quiet(message: str) -> None:
    pass


def options(project: Path, out: Path, **changes) -> BuildOptions:
    return BuildOptions(
        content=project / "content", config=project / "site_config.yml", out=out, **{"skip_kit": True, **changes}
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """The mini fixture with two communes asking for their own leaflet (stamped variants)."""
    return _project(tmp_path / "project")


@pytest.mark.slow
def test_two_processes_build_exactly_what_one_process_builds(project, tmp_path):
    one = build(options(project, tmp_path / "one", jobs=1, use_cache=False, skip_kit=False), quiet)
    two = build(options(project, tmp_path / "two", jobs=2, use_cache=False, skip_kit=False), quiet)
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    # Nothing came from a cache, so the second build really rendered everything in its workers.
    assert one.pdfs_rendered == two.pdfs_rendered > 0
    assert one.images_rendered == two.images_rendered > 0
    assert one.sites_built == two.sites_built == 3


def test_an_unchanged_site_comes_from_the_cache_and_an_edit_rebuilds_only_the_sites_it_touches(project, tmp_path):
    out = tmp_path / "site"
    first = build(options(project, out, skip_print=True), quiet)
    before = tree_digest(out)
    again = build(options(project, out, skip_print=True), quiet)
    assert (first.sites_built, again.sites_built, again.images_rendered) == (3, 0, 0)
    assert tree_digest(out) == before

    # tam-tru applies to tinh-a only: tinh-b and the national page stay as they were.
    guide = project / "content" / "guides" / "tam-tru.yml"
    text = guide.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    guide.write_text(text.replace(title, f"{title} (sửa)", 1), "utf-8")
    edited = build(options(project, out, skip_print=True), quiet)
    after = tree_digest(out)
    assert edited.sites_built == 1
    changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
    provinces = {e["path"]: e["province"] for e in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    assert {provinces.get(path, "manifest") for path in changed} == {"tinh-a", "manifest"}  # its short links too
    assert "(sửa)" in (out / "tinh-a" / "huong-dan" / "tam-tru" / "index.html").read_text("utf-8")


def test_a_theme_change_rebuilds_every_site(project, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).parent.parent / "theme", theme)
    out = tmp_path / "site"
    build(options(project, out, skip_print=True, theme=theme), quiet)
    stylesheet = theme / "overrides" / "assets" / "stylesheets" / "dvc.css"
    stylesheet.write_text(stylesheet.read_text("utf-8") + "\n.dvc-new { color: #000; }\n", "utf-8")
    report = build(options(project, out, skip_print=True, theme=theme), quiet)
    assert report.sites_built == 3
    assert ".dvc-new" in (out / "tinh-b" / "assets" / "stylesheets" / "dvc.css").read_text("utf-8")


def test_shards_split_the_provinces_between_them_every_province_once(project):
    from generator.build import check

    plan = plan_build(check(options(project, Path("unused"))))
    for count in (1, 2, 3, 5):
        shares = [Shard(index, count).of(plan) for index in range(1, count + 1)]
        prefixes = [s.prefix for share in shares for s in share.sites]
        assert sorted(prefixes) == sorted(s.prefix for s in plan.sites)  # each site once, in one share
        assert next(s.prefix for s in shares[0].sites) == ""  # the national page goes with the first
        redirects = [r.path for share in shares for r in share.redirects]
        assert sorted(redirects) == sorted(r.path for r in plan.redirects)


@pytest.mark.slow
def test_shards_built_apart_merge_into_the_same_output_as_one_build(project, tmp_path):
    build(options(project, tmp_path / "whole"), quiet)
    shards = []
    for index in (1, 2, 3):  # three shares of two provinces: the third holds nothing but its manifest
        shards.append(tmp_path / f"shard-{index}")
        build(options(project, shards[-1], shard=Shard(index, 3)), quiet)
    assert {p.name for p in (tmp_path / "shard-2").iterdir()} == {"tinh-b", "q", "manifest.json"}  # q: its short links
    merge(list(reversed(shards)), tmp_path / "merged")
    assert tree_digest(tmp_path / "merged") == tree_digest(tmp_path / "whole")


def test_merge_refuses_an_incomplete_or_mixed_set_of_shards(project, tmp_path, run):
    for index in (1, 2):
        build(options(project, tmp_path / f"shard-{index}", shard=Shard(index, 2), skip_print=True), quiet)
    build(options(project, tmp_path / "whole", skip_print=True), quiet)
    build(options(project, tmp_path / "of-three", shard=Shard(3, 3), skip_print=True), quiet)

    with pytest.raises(OutputError, match="missing 2/2"):
        merge([tmp_path / "shard-1"], tmp_path / "merged")
    with pytest.raises(OutputError, match="given twice: 1/2"):
        merge([tmp_path / "shard-1", tmp_path / "shard-1", tmp_path / "shard-2"], tmp_path / "merged")
    with pytest.raises(OutputError, match="whole build, not a shard"):
        merge([tmp_path / "shard-1", tmp_path / "whole"], tmp_path / "merged")
    with pytest.raises(OutputError, match="shard of another build"):
        merge([tmp_path / "shard-1", tmp_path / "of-three"], tmp_path / "merged")

    # Two shards that disagree on a file they both hold: neither is trusted.
    robots = tmp_path / "shard-2" / "robots.txt"
    shutil.copy(tmp_path / "shard-1" / "robots.txt", robots)
    manifest = json.loads((tmp_path / "shard-2" / "manifest.json").read_text("utf-8"))
    manifest["files"].append({"path": "robots.txt", "kind": "robots", "province": None, "source": None, "sha256": "0"})
    (tmp_path / "shard-2" / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = run(tmp_path, "merge", "shard-1", "shard-2", "--out", "merged")
    assert result.code == 1
    assert "robots.txt differs between the shards" in result.err
    assert not (tmp_path / "merged").exists()  # nothing half-merged is left


def test_the_command_line_takes_jobs_and_shards_and_refuses_nonsense(project, run):
    result = run(project, "build", "--skip", "print", "--skip", "kit", "--jobs", "2", "--shard", "2/2", "--out", "part")
    assert result.code == 0, result.err
    assert "shard 2/2" in result.err
    for bad in ("0/2", "3/2", "2", "a/b"):
        result = run(project, "build", "--shard", bad)
        assert result.code == 2
        assert "I/N" in result.err or "i/N" in result.err


def test_a_worker_dies_with_its_build(project, tmp_path):
    """Killed builds leave no worker behind writing on, or holding the output's lock."""
    import signal
    import subprocess
    import sys
    import time

    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    command = [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--skip",
        "kit",
        "--no-cache",
        "--jobs",
        "2",
        "--out",
        str(tmp_path / "o"),
    ]
    process = subprocess.Popen(command, cwd=project, env=environment, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:  # wait until the workers are running
        if "build date" in line:
            break
    time.sleep(0.5)
    children = _children(process.pid)
    assert children, "the build started no worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if _alive(pid)]


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_removes_the_previous_output_after_the_swap_and_before_its_next_build(project, tmp_path):
    from generator import write

    out = tmp_path / "site"
    for _ in range(3):
        build(options(project, out, skip_print=True, tidy_later=True), quiet)
        assert (out / "manifest.json").is_file()  # the new output is live at once
    for thread in list(write._tidying):
        thread.join()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [".site.lock"]
