"""The output folder: swapped in whole, locked against a second build, never written outside.

A build stages beside the live output and swaps it in when complete, so a build killed at any
moment (SIGKILL included) leaves the previous complete build live. A build that fails on its
content does the same; that is tested in test_bad_input.py
(test_content_error_leaves_the_previous_build_untouched and
test_failure_while_rendering_leaves_the_previous_build_untouched).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from generator.write import MANIFEST, Output, OutputError
from tests.conftest import tree_digest

GUIDE = "content/guides/khai-sinh.yml"


# --- helpers ---------------------------------------------------------------------------------------


def build_command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--skip", "kit", "--out", str(out), *extra]


def build(project: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(out, *extra), cwd=project, capture_output=True, text=True, timeout=300)


def build_ok(project: Path, out: Path, *extra: str) -> dict[str, str]:
    result = build(project, out, *extra)
    assert result.returncode == 0, result.stderr
    return tree_digest(out)


def leftovers(out: Path) -> list[str]:
    """Staging and set-aside folders of builds to `out` (the lock file may stay: it is never in the way)."""
    return sorted(
        p.name for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.staging-", f".{out.name}.old-"))
    )


def assert_manifest_lists_exactly_the_files(out: Path) -> None:
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {path: digest for path, digest in tree_digest(out).items() if path != MANIFEST}
    assert listed == on_disk


def edit_title(project: Path) -> None:
    path = project / GUIDE
    text = path.read_text("utf-8")
    assert "title: Đăng ký khai sinh\n" in text
    path.write_text(text.replace("title: Đăng ký khai sinh\n", "title: Đăng ký khai sinh cho trẻ em\n", 1), "utf-8")


def kill_at(project: Path, out: Path, delays: list[float], args: tuple[str, ...], previous: dict, new: dict) -> str:
    """Start a build again and again, each time killed with SIGKILL after one of the delays; after
    every kill the live output must be one of the two complete builds. Returns what happened."""
    outcomes = []
    for delay in delays:
        with tempfile.TemporaryFile() as err:
            process = subprocess.Popen(build_command(out, *args), cwd=project, stdout=subprocess.DEVNULL, stderr=err)
            try:
                process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
            code = process.wait(timeout=60)
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        killed = code == -signal.SIGKILL
        live = tree_digest(out)
        assert live in (previous, new), f"killed after {delay:.2f} s: the live output is neither complete build"
        assert_manifest_lists_exactly_the_files(out)
        if not killed:  # it had finished before the kill
            assert code == 0 and live == new, stderr
        outcomes.append(f"{delay:.2f}s:{'killed' if killed else 'done'}:{'new' if live == new else 'old'}")
    return " ".join(outcomes)


def spread(duration: float, points: int) -> list[float]:
    """Kill moments from 0.05 s to 95% of a build's duration."""
    return [0.05 + (0.95 * duration - 0.05) * n / (points - 1) for n in range(points)]


def timed_build(project: Path, out: Path, *extra: str) -> tuple[dict[str, str], float]:
    started = time.monotonic()
    digest = build_ok(project, out, *extra)
    return digest, time.monotonic() - started


# --- killed builds ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_complete_build_live(mini, tmp_path):
    out = tmp_path / "out"
    previous = build_ok(mini, out, "--skip", "print")
    assert_manifest_lists_exactly_the_files(out)
    edit_title(mini)
    # A complete build of the new content elsewhere: the only other state the live output may be in
    # (builds are reproducible byte for byte), and, with the render cache now warm, the duration of
    # each of the builds to kill.
    new, duration = timed_build(mini, tmp_path / "reference", "--skip", "print")
    assert new != previous

    outcomes = kill_at(mini, out, spread(duration, 8), ("--skip", "print"), previous, new)
    print(f"\nfull build {duration:.2f} s; kills: {outcomes}")

    # Leftovers of the killed builds (staging folders, the lock file) do not stop the next build.
    assert build_ok(mini, out, "--skip", "print") == new
    assert_manifest_lists_exactly_the_files(out)
    assert leftovers(out) == []


@pytest.mark.slow
def test_a_build_killed_while_rendering_pdfs_leaves_a_complete_build_live(mini, tmp_path):
    out = tmp_path / "out"
    previous, duration = timed_build(mini, out)  # a cold render cache: as long as a --no-cache build
    assert_manifest_lists_exactly_the_files(out)
    edit_title(mini)
    new = build_ok(mini, tmp_path / "reference")
    assert new != previous

    # --no-cache: every killed build renders all its PDFs, so the kills land while they are being made.
    outcomes = kill_at(mini, out, spread(duration, 4), ("--no-cache",), previous, new)
    print(f"\nfull build {duration:.2f} s; kills: {outcomes}")

    assert build_ok(mini, out) == new
    assert_manifest_lists_exactly_the_files(out)
    assert leftovers(out) == []


# --- the lock --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_refuses_while_another_build_writes_to_the_same_output(mini, tmp_path):
    out = tmp_path / "out"
    with Output(out) as previous:
        previous.write("index.html", "previous build", "page")
        previous.commit()
    before = tree_digest(out)
    with Output(out) as running:  # a build in progress, in this process
        result = build(mini, out, "--skip", "print")
        assert result.returncode == 1
        assert f"error: another build (process {os.getpid()}) is writing to {out}" in result.stderr
        assert "try again when it has finished" in result.stderr
        assert running.root.is_dir()  # the refused build left the running build's staging folder alone
    assert tree_digest(out) == before
    assert leftovers(out) == []


@pytest.mark.slow
def test_two_builds_started_together_leave_one_complete_output(mini, tmp_path):
    out = tmp_path / "out"
    command = build_command(out, "--skip", "print")
    processes = [subprocess.Popen(command, cwd=mini, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read().decode("utf-8")) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()

    assert any(code == 0 for code, _ in results), results
    for code, err in results:  # the second either waits its turn or refuses with a clear message
        assert code == 0 or (code == 1 and "another build (process " in err and "is writing to" in err), err
    assert_manifest_lists_exactly_the_files(out)  # written last, so the whole build is there
    assert {"index.html", "tinh-a/huong-dan/khai-sinh/index.html", "tinh-b/index.html"} <= tree_digest(out).keys()
    assert leftovers(out) == []


def test_a_lock_file_left_by_a_dead_build_is_free(tmp_path):
    out = tmp_path / "out"
    (tmp_path / ".out.lock").write_text("99999999\n")  # a killed build's lock file, its process long gone
    with Output(out) as output:
        output.write("a.txt", "a", "asset")
        output.commit()
    assert tree_digest(out).keys() == {"a.txt", MANIFEST}


def test_the_lock_is_released_when_the_build_ends_even_by_an_error(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), Output(out):
        raise RuntimeError("a renderer failed")
    with Output(out) as output, open(tmp_path / ".out.lock") as lock:
        with pytest.raises(BlockingIOError):  # held now ...
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        output.write("a.txt", "a", "asset")
        output.commit()
    with open(tmp_path / ".out.lock") as lock:  # ... and free again afterwards
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert not out.with_name(f".out.staging-{os.getpid()}").exists()


# --- leftovers of killed builds --------------------------------------------------------------------


def test_staging_folders_of_killed_builds_are_removed_and_unrelated_folders_kept(tmp_path):
    out = tmp_path / "out"
    stale = [".out.staging-4242", ".out.staging-4242.work", ".out.old-4242"]
    unrelated = [".out.staging-notapid", ".outer.staging-4242", ".out2.staging-4242", "out.staging-4242"]
    for name in [*stale, *unrelated]:
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "file.html").write_text("half written")
    out.mkdir()
    (out / MANIFEST).write_text('{"format": 1, "files": []}\n')  # a previous (empty) build

    with Output(out) as output:
        output.write("index.html", "new", "page")
        output.commit()

    assert all(not (tmp_path / name).exists() for name in stale)
    assert all((tmp_path / name / "sub" / "file.html").is_file() for name in unrelated)
    assert (out / "index.html").read_text() == "new"


def test_a_build_killed_between_the_two_renames_of_the_fallback_swap_is_undone(tmp_path):
    # Without renameat2 the swap is three renames; killed after the first, the live output is set
    # aside and missing. The next build puts it back before anything else.
    out = tmp_path / "out"
    aside = tmp_path / ".out.old-4242"
    aside.mkdir()
    (aside / "index.html").write_text("previous build")
    (aside / MANIFEST).write_text('{"format": 1, "files": []}\n')

    with Output(out):
        assert (out / "index.html").read_text() == "previous build"
        assert not aside.exists()
    assert (out / "index.html").read_text() == "previous build"  # the build ended without a commit


# --- paths stay inside the output ------------------------------------------------------------------


@pytest.fixture
def staging(tmp_path):
    """An Output in tmp_path/parent/out being written, and an empty folder outside it to watch."""
    outside = tmp_path / "outside"
    outside.mkdir()
    with Output(tmp_path / "parent" / "out") as output:
        yield output, outside
    assert list(outside.iterdir()) == []  # nothing was ever written outside


def parent_entries(output: Output) -> list[str]:
    return sorted(p.name for p in output.final.parent.iterdir())


@pytest.mark.parametrize(
    "relative", ["../x", "../out/x", "a/../../x", "a/../b", "/etc/x", "", ".", "./", "a/\0b"], ids=repr
)
def test_a_path_leaving_the_output_is_refused_and_named(staging, relative):
    output, _ = staging
    before = parent_entries(output)
    with pytest.raises(OutputError, match="output path") as refused:
        output.write(relative, b"x", "asset")
    assert repr(relative) in str(refused.value)
    assert parent_entries(output) == before
    assert list(output.root.iterdir()) == []
    assert not Path("/etc/x").exists()


def test_an_absolute_path_is_refused_even_when_it_points_into_the_staging_folder(staging):
    output, outside = staging
    for absolute in (output.root / "a.txt", outside / "a.txt"):
        with pytest.raises(OutputError, match="would leave the output folder"):
            output.write(str(absolute), b"x", "asset")
    assert list(output.root.iterdir()) == []


@pytest.mark.parametrize(
    "link, target, relative",
    [
        ("link", "outside", "link/x.txt"),  # a folder link
        ("a/link", "outside", "a/link/deeper/x.txt"),  # a folder link further down
        ("victim.txt", "outside/victim.txt", "victim.txt"),  # a file link to a file that does not exist yet
        ("up", "..", "up/x.txt"),  # a relative link up out of the staging folder
    ],
)
def test_a_symbolic_link_in_the_staging_folder_leading_outside_is_refused(staging, tmp_path, link, target, relative):
    output, _ = staging
    planted = output.root / link
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(tmp_path / target if target != ".." else Path(".."))
    before = parent_entries(output)
    with pytest.raises(OutputError, match="through a symbolic link") as refused:
        output.write(relative, b"x", "asset")
    assert repr(relative) in str(refused.value)
    assert parent_entries(output) == before
    planted.unlink()  # so that the fixture's check of `outside` sees what was written there, not the link


def test_a_file_link_to_an_existing_file_outside_is_not_written_through(staging):
    output, outside = staging
    victim = outside.parent / "victim.txt"
    victim.write_text("keep me")
    (output.root / "index.html").symlink_to(victim)
    with pytest.raises(OutputError, match=r"'index\.html' would leave the output folder through a symbolic link"):
        output.write("index.html", "<html>", "page")
    assert victim.read_text() == "keep me"


def test_a_link_inside_the_staging_folder_is_allowed(staging):
    output, _ = staging
    (output.root / "real").mkdir()
    (output.root / "alias").symlink_to("real")
    output.write("alias/x.txt", "x", "asset")
    assert (output.root / "real" / "x.txt").read_text() == "x"


def test_site_folders_and_places_outside_the_output_are_refused(staging):
    output, _ = staging
    for prefix in ("../x", "/tmp/x", "a/../../x"):
        with pytest.raises(OutputError, match="would leave the output folder"):
            output.build_dir(prefix)
    built = output.build_dir("tinh-a")
    (built / "index.html").write_text("a")
    with pytest.raises(OutputError, match=r"'\.\./tinh-a' would leave the output folder"):
        output.place(built, "../tinh-a")
    output.place(built, "tinh-a")
    assert (output.root / "tinh-a" / "index.html").read_text() == "a"
    with pytest.raises(OutputError, match="would leave the output folder"):
        output.record("../x", "asset")


def test_a_link_leading_outside_stops_the_commit_and_the_live_output_stays(tmp_path):
    out = tmp_path / "out"
    with Output(out) as output:
        output.write("index.html", "previous", "page")
        output.commit()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publishing")
    before = tree_digest(out)

    with Output(out) as output:
        output.write("index.html", "new", "page")
        (output.root / "leak.txt").symlink_to(secret)  # made by a renderer, not through write()
        with pytest.raises(OutputError, match=r"'leak\.txt' would leave the output folder through a symbolic link"):
            output.commit()
    assert tree_digest(out) == before
    assert leftovers(out) == []


# --- what --out may replace ------------------------------------------------------------------------


def test_a_folder_that_is_not_a_previous_build_is_not_replaced(tmp_path):
    # `--out .` or `--out content` would otherwise swap the author's folder away and delete it.
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "guide.yml").write_text("title: mine")
    with Output(folder) as output:
        output.write("index.html", "new", "page")
        with pytest.raises(OutputError, match="is not empty and is not the output of a previous build"):
            output.commit()
    assert tree_digest(folder) == {"guide.yml": hashlib.sha256(b"title: mine").hexdigest()}
    assert leftovers(folder) == []


def test_an_empty_folder_and_a_previous_build_are_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for text in ("first", "second"):
        with Output(out) as output:
            output.write("index.html", text, "page")
            output.commit()
        assert (out / "index.html").read_text() == text
        assert_manifest_lists_exactly_the_files(out)


def test_a_link_loop_in_the_staging_folder_is_refused(staging):
    output, _ = staging
    (output.root / "loop").symlink_to("loop")
    with pytest.raises(OutputError, match=r"output path 'loop/x\.txt'"):
        output.write("loop/x.txt", "x", "asset")
