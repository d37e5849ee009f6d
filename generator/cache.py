"""A content-addressed store for rendered files: the same input never renders twice.

Keys are hashes of everything a render depends on (the HTML the templates made from the
content, the stylesheet, the fonts, the renderer's version), so a stale entry can never be
found; old entries are simply never asked for again. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


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
