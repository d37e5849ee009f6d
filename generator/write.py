"""Stage 5, write: the only module that puts files in the output folder.

A build writes into a staging folder beside the output, then swaps it in with
one atomic rename, so the live output is always a complete build. A lock file
keeps two builds from writing to the same output at once.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
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


class Output:
    """A staging folder that becomes `final` on commit(), or vanishes on abort()."""

    def __init__(self, final: Path):
        self.final = final.resolve()
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.root = self.final.parent / f".{self.final.name}.staging-{os.getpid()}"
        self._lock_file = None
        self.entries: dict[str, Entry] = {}

    def __enter__(self) -> Output:
        lock_path = self.final.parent / f".{self.final.name}.lock"
        self._lock_file = open(lock_path, "w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise OutputError(f"another build is writing to {self.final}; try again when it has finished") from None
        self._remove_stale_staging()
        self.root.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for folder in (self.root, self.root.parent / f"{self.root.name}.work"):
            if folder.exists():
                shutil.rmtree(folder)
        if self._lock_file:
            self._lock_file.close()

    def _remove_stale_staging(self) -> None:
        """Leftovers of builds that were killed; we hold the lock, so none is running."""
        for stale in self.final.parent.glob(f".{self.final.name}.staging-*"):  # and their .work folders
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.final.parent.glob(f".{self.final.name}.old-*"):
            shutil.rmtree(stale, ignore_errors=True)

    def path(self, relative: str) -> Path:
        """Absolute staging path for an output-relative path; refuses anything outside."""
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise OutputError(f"output path {relative!r} would leave the output folder")
        return self.root.joinpath(*pure.parts)

    def build_dir(self, prefix: str) -> Path:
        """An empty folder for an engine to build one site into (engines may empty their folder first)."""
        folder = self.root.parent / f"{self.root.name}.work" / (prefix or "_national")
        folder.mkdir(parents=True)
        return folder

    def place(self, built: Path, prefix: str) -> None:
        """Move a site built in build_dir() to `prefix` in the output ('' for the root)."""
        if prefix:
            os.rename(built, self.path(prefix))
            return
        for child in built.iterdir():
            os.rename(child, self.root / child.name)
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
        self.entries[relative] = Entry(kind, province, source, qr)

    def manifest(self) -> dict:
        files = []
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            relative = path.relative_to(self.root).as_posix()
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

    def commit(self) -> dict:
        """Write the manifest and make the staging folder the live output in one step."""
        manifest = self.manifest()
        (self.root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if self.final.exists() or self.final.is_symlink():
            _exchange(self.root, self.final)  # now self.root holds the previous build
            shutil.rmtree(self.root)
        else:
            os.rename(self.root, self.final)
        return manifest


_RENAME_EXCHANGE = 2


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
    aside = b.parent / f".{b.name}.old-{os.getpid()}"
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def replace_file(path: Path, text: str) -> None:
    """Write a file in place atomically: readers see the old or the new version, never half of one."""
    temporary = path.parent / f".{path.name}.tmp-{os.getpid()}"
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)
