"""One error type for everything an author can get wrong, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError:
    """A single problem in the content, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ContentErrors(Exception):
    """Raised with every problem found in a stage, never just the first one."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.field, e.message))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        lines = [f"{count} content {noun}:"] + [f"  {error}" for error in self.errors]
        return "\n".join(lines)


def display_path(path: Path, root: Path | None = None) -> str:
    """Path as the author knows it: relative to the working directory when possible."""
    for base in (Path.cwd(), root):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def format_loc(loc: tuple[str | int, ...]) -> str:
    """('steps', 2, 'title') -> 'steps[2].title', the way authors read a path."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
