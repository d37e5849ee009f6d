"""Merge the outputs of `build --shard i/N` into one output, the same as a build on one machine.

Each shard's output is an ordinary build of some provinces whose manifest says which share it
is. Merging copies the folders together and writes one manifest; it refuses a missing or
repeated share, shares of different builds, and two shards with different bytes at one path.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .write import MANIFEST, Entry, Output, OutputError


def merge(shards: list[Path], out: Path) -> int:
    """Merge the shard folders into out (atomically, like a build); returns the number of files."""
    manifests = [_shard_manifest(folder) for folder in shards]
    _check_complete(shards, manifests)
    with Output(out) as output:
        seen: dict[str, tuple[str, Path]] = {}
        for folder, manifest in zip(shards, manifests, strict=True):
            for item in manifest["files"]:
                path = item["path"]
                if path in seen:
                    digest, first = seen[path]
                    if digest != item["sha256"]:
                        raise OutputError(f"{path} differs between the shards in {first} and {folder}")
                    continue
                seen[path] = (item["sha256"], folder)
                target = output.path(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / path, target)
                entry = Entry(item["kind"], item["province"], item["source"], tuple(item.get("qr", ())))
                output.record(path, entry.kind, entry.province, entry.source, entry.qr)
        return len(output.commit()["files"])


def _shard_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"{folder} is not a build output ({MANIFEST}: {exc})") from None
    if "shard" not in manifest:
        raise OutputError(f"{folder} is a whole build, not a shard (built without --shard)")
    return manifest


def _check_complete(shards: list[Path], manifests: list[dict]) -> None:
    first = manifests[0]["shard"]
    for folder, manifest in zip(shards, manifests, strict=True):
        shard = manifest["shard"]
        if (shard["count"], shard["sites"], shard["epoch"]) != (first["count"], first["sites"], first["epoch"]):
            raise OutputError(
                f"{folder} is a shard of another build than {shards[0]} (other provinces, build date or shard count)"
            )
    count = first["count"]
    indexes = sorted(m["shard"]["index"] for m in manifests)
    expected = list(range(1, count + 1))
    if indexes != expected:
        missing = [f"{i}/{count}" for i in sorted(set(expected) - set(indexes))]
        repeated = [f"{i}/{count}" for i in sorted({i for i in indexes if indexes.count(i) > 1})]
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"given twice: {', '.join(repeated)}"] if repeated else []
        )
        raise OutputError(f"the shards do not make a whole build: {'; '.join(problems)}")
