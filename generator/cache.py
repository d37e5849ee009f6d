"""A content-addressed store for rendered files: the same input never renders twice.

Keys are hashes of everything a render depends on (the HTML the templates made from the
content, or the facts a picture or QR code is made from; the stylesheet, the fonts, the
renderer's version or source code), so a stale entry can never be found; old entries are
simply never asked for again. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path
from types import ModuleType


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def code_digest(modules: tuple[ModuleType, ...], distributions: tuple[str, ...] = ()) -> str:
    """A hash of the modules' source files and the installed versions of the distributions: in a
    cache key, any change to the code that renders (or to a library it relies on) renders afresh."""
    sources = [Path(str(module.__file__)).read_bytes() for module in modules]
    return digest(*sources, *(f"{name}=={metadata.version(name)}" for name in distributions))


class RenderCache:
    """Files under folder/<kind>/<key[:2]>/<key><suffix>; folder None keeps nothing."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        assert self.folder is not None
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str) -> bytes | None:
        if self.folder is not None:
            path = self._path(kind, key, suffix)
            if path.is_file():
                self.hits += 1
                return path.read_bytes()
        self.misses += 1
        return None

    def put(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        if self.folder is None:
            return
        path = self._path(kind, key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def get_tree(self, kind: str, key: str, target: Path) -> bool:
        """Copy a cached folder (a whole built site) into target; False when there is none."""
        if self.folder is not None:
            stored = self.folder / kind / key[:2] / key
            if stored.is_dir():
                self.hits += 1
                shutil.copytree(stored, target, dirs_exist_ok=True)
                return True
        self.misses += 1
        return False

    def put_tree(self, kind: str, key: str, folder: Path) -> None:
        """Keep a copy of folder; it appears under its key complete or not at all."""
        if self.folder is None:
            return
        stored = self.folder / kind / key[:2] / key
        temporary = stored.with_name(f".{key}.{os.getpid()}")
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.copytree(folder, temporary)
        try:
            os.rename(temporary, stored)
        except OSError:  # another process stored the same folder first
            shutil.rmtree(temporary, ignore_errors=True)
