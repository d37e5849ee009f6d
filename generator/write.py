"""Stage 5, write: the only module that puts files in the output folder.

A build writes into a staging folder beside the output, then swaps it in with
one atomic rename, so the live output is always a complete build. A lock file
keeps two builds from writing to the same output at once.

What a killed build (SIGKILL included) leaves behind, and how the next build copes:
- the lock is an flock() on an open file, which the kernel releases when the process dies,
  so a lock file left on disk never blocks anyone;
- its staging folder (and the `.work` folder beside it) is removed by the next build to the
  same output, once that build holds the lock (so no build using them can still be running);
- the live output is either the previous build or, if the swap had happened, the new one.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"


class OutputError(Exception):
    """The output folder cannot be written (locked, or a path that would escape it)."""


@dataclass(frozen=True)
class Entry:
    kind: str
    province: str | None
    source: str | None
    qr: tuple[str, ...] = ()  # the exact URL of every QR code the file shows


@contextmanager
def locked(final: Path) -> Iterator[None]:
    """Hold the output's lock, as a build does, so that no build swaps it while it is being read."""
    output = Output(final)
    output._lock()
    try:
        yield
    finally:
        output._unlock()


class Output:
    """A staging folder that becomes `final` on commit(), or vanishes if the build ends without one."""

    def __init__(self, final: Path, tidy_later: bool = False):
        self.final = final.resolve()
        self.tidy_later = tidy_later  # remove the previous build in the background (serve, which keeps running)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.root = self.final.parent / f".{self.final.name}.staging-{os.getpid()}"
        self.work = self.final.parent / f"{self.root.name}.work"  # where engines build whole sites
        self.lock_path = self.final.parent / f".{self.final.name}.lock"
        self._lock_fd: int | None = None
        self.entries: dict[str, Entry] = {}

    def __enter__(self) -> Output:
        while _tidying:  # an earlier build of this process still removing its previous output
            _tidying.pop().join()
        self._lock()
        try:
            self._remove_stale_staging()
            self.root.mkdir()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for folder in (self.root, self.work):
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
        self._unlock()

    def _lock(self) -> None:
        """Hold an flock() on the lock file until __exit__, or refuse if another build holds it.

        The kernel drops the lock when the process dies, however it dies: a lock file left on disk
        by a killed build is free. The file holds the owner's process id, for the message only.
        """
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f"another build (process {owner})" if owner.isdigit() else "another build"
            raise OutputError(
                f"{who} is writing to {self.final}; try again when it has finished (lock file {self.lock_path})"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def _remove_stale_staging(self) -> None:
        """Leftovers of builds that were killed; we hold the lock, so none of them is running."""
        name = re.escape(self.final.name)
        staging = re.compile(rf"\.{name}\.staging-\d+(\.work|\.trash-\d+)?")
        old = re.compile(rf"\.{name}\.old-\d+")
        leftovers = [p for p in self.final.parent.iterdir() if staging.fullmatch(p.name) or old.fullmatch(p.name)]
        olds = [p for p in leftovers if old.fullmatch(p.name)]
        if not self.final.exists() and not self.final.is_symlink() and len(olds) == 1:
            # Killed inside the two-rename fallback of _exchange() after the live output was moved
            # aside: that folder is the previous complete build, so it becomes live again.
            os.rename(olds[0], self.final)
            leftovers.remove(olds[0])
        for stale in leftovers:
            shutil.rmtree(stale, ignore_errors=True)

    def _relative(self, relative: str) -> PurePosixPath:
        """The parts of an output-relative path; refuses absolute paths, `..` and the empty path."""
        if not isinstance(relative, str) or "\0" in relative:
            raise OutputError(f"output path {relative!r} is not a valid path")
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise OutputError(f"output path {relative!r} would leave the output folder")
        return pure

    def _inside(self, target: Path, base: Path, relative: str) -> Path:
        """Refuse `target` if a symbolic link on its way (or at its end) leads out of `base`."""
        try:
            real = target.resolve()  # follows every link that exists, dangling ones included
        except (OSError, RuntimeError) as exc:  # a link loop
            raise OutputError(f"output path {relative!r} cannot be resolved: {exc}") from None
        if not real.is_relative_to(base.resolve()):
            raise OutputError(
                f"output path {relative!r} would leave the output folder through a symbolic link (it leads to {real})"
            )
        return target

    def path(self, relative: str) -> Path:
        """Absolute staging path for an output-relative path; refuses anything outside."""
        pure = self._relative(relative)
        return self._inside(self.root.joinpath(*pure.parts), self.root, relative)

    def build_dir(self, prefix: str) -> Path:
        """An empty folder for an engine to build one site into (engines may empty their folder first)."""
        pure = self._relative(prefix or "_national")
        self.work.mkdir(exist_ok=True)
        folder = self._inside(self.work.joinpath(*pure.parts), self.work, prefix)
        folder.mkdir(parents=True)
        return folder

    def place(self, built: Path, prefix: str) -> None:
        """Move a site built in build_dir() to `prefix` in the output ('' for the root)."""
        self._inside(built, self.work, str(built))
        if prefix:
            target = self.path(prefix)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(built, target)
            return
        for child in built.iterdir():
            os.rename(child, self.path(child.name))
        built.rmdir()

    def write(
        self,
        relative: str,
        data: bytes | str,
        kind: str,
        province: str | None = None,
        source: str | None = None,
        qr: tuple[str, ...] = (),
    ) -> None:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.record(relative, kind, province, source, qr)

    def record(
        self,
        relative: str,
        kind: str,
        province: str | None = None,
        source: str | None = None,
        qr: tuple[str, ...] = (),
    ) -> None:
        """Describe a file that a renderer wrote into the staging folder itself."""
        self.entries[self._relative(relative).as_posix()] = Entry(kind, province, source, qr)

    @contextmanager
    def collecting(self) -> Iterator[dict[str, Entry]]:
        """Record into a fresh dict for the length of the block: a worker process's share of the
        manifest, which the parent takes in with adopt()."""
        previous, self.entries = self.entries, {}
        try:
            yield self.entries
        finally:
            self.entries = previous

    def adopt(self, entries: dict[str, Entry]) -> None:
        """Take in what a worker recorded (its files are already in the staging folder)."""
        self.entries.update(entries)

    def manifest(self) -> dict:
        """Every file of the staging folder with its SHA-256; a symbolic link leading outside is an error."""
        files = []
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            if path.is_symlink():
                self._inside(path, self.root, relative)
            if not path.is_file():
                continue
            entry = self.entries.get(relative) or Entry("asset", None, None)
            item = {
                "path": relative,
                "kind": entry.kind,
                "province": entry.province,
                "source": entry.source,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
            if entry.qr:
                item["qr"] = list(entry.qr)
            files.append(item)
        return {"format": 1, "files": files}

    def commit(self, shard: dict | None = None) -> dict:
        """Write the manifest and make the staging folder the live output in one step.

        A shard's manifest says which share of which build it holds, so merge can check the set."""
        self._check_replaceable()
        manifest = self.manifest()
        if shard is not None:
            manifest["shard"] = shard
        (self.root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if self.final.exists() or self.final.is_symlink():
            _exchange(self.root, self.final)  # now self.root holds the previous build
            if self.tidy_later:
                # Joined before this process starts its next build, so no thread runs while it forks workers.
                trash = self.root.with_name(f"{self.root.name}.trash-{next(_trash_numbers)}")
                os.rename(self.root, trash)
                _tidying.append(threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}))
                _tidying[-1].start()
            else:
                shutil.rmtree(self.root, ignore_errors=True)  # if this fails, the next build removes it
        else:
            os.rename(self.root, self.final)
        return manifest

    def _check_replaceable(self) -> None:
        """Only a previous build (or an empty folder) is replaced: `--out .` or `--out content`
        would otherwise swap the author's own folder away and delete it."""
        if not self.final.exists() and not self.final.is_symlink():
            return
        if not self.final.is_dir() or self.final.is_symlink():
            raise OutputError(f"{self.final} is not a folder; choose another --out")
        if any(self.final.iterdir()) and not (self.final / MANIFEST).is_file():
            raise OutputError(
                f"{self.final} is not empty and is not the output of a previous build (it has no {MANIFEST}); "
                "choose another --out, or empty or remove that folder"
            )


_RENAME_EXCHANGE = 2
_tidying: list[threading.Thread] = []  # removals of previous outputs still running (tidy_later)
_trash_numbers = itertools.count(1)


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux renameat2); two renames elsewhere."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(err, os.strerror(err), str(b))
    aside = b.parent / f".{b.name}.old-{os.getpid()}"  # restored by the next build if we die before b exists
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def replace_file(path: Path, text: str) -> None:
    """Write a file in place atomically: readers see the old or the new version, never half of one."""
    temporary = path.parent / f".{path.name}.tmp-{os.getpid()}"
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)
