"""Stage 1, load: read content files into plain data with line numbers.

YAML is parsed to a node tree and converted by hand, so that every value keeps
the line it came from, scalars stay text until the typed model decides what
they are (a commune called "NO" stays "NO", "0123" stays "0123"), and the
YAML features content never needs (tags, aliases, duplicate keys) are errors.
Outreach results (content/results/*.csv) are tables saved from Excel: each row
becomes a dict of column -> text, checked and summed later by results.py.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, ContentErrors, display_path, format_loc
from .text import nfc

CONTENT_KINDS = ("provinces", "guides", "faqs", "quiz")
RESULTS_DIR = "results"  # outreach results, one CSV file per province (see results.py)
REGISTRY_FILE = "short-links.yml"  # the short-link registry, written by the build (see shortlinks.py)
ASSET_DIRS = ("images",)
YAML_SUFFIXES = (".yml", ".yaml")
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32

_Y = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_Y + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """One content file: its data as plain Python values and where each value sits."""

    path: Path
    name: str  # as shown to authors, e.g. content/guides/khai-sinh.yml
    kind: str  # provinces | guides | faqs | quiz | results
    data: Any  # results: a list of rows, each a dict of column -> text
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        """The line of the value at loc, or of its nearest located parent."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def error(self, loc: Loc, message: str) -> ContentError:
        return ContentError(self.name, self.line_of(loc), format_loc(loc), message)


@dataclass(frozen=True)
class Asset:
    """A file referenced from content (an image), read once here for the renderers."""

    name: str  # path relative to the content folder, e.g. images/vneid-login.png
    data: bytes


@dataclass
class LoadedContent:
    root: Path
    documents: list[Document]
    assets: dict[str, Asset]
    errors: list[ContentError] = field(default_factory=list)  # files that could not be read


class _Converter:
    def __init__(self, name: str):
        self.name = name
        self.lines: dict[Loc, int] = {}
        self.errors: list[ContentError] = []
        self._seen: set[int] = set()

    def fail(self, node: yaml.Node, loc: Loc, message: str) -> None:
        self.errors.append(ContentError(self.name, node.start_mark.line + 1, format_loc(loc), message))

    def convert(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self._seen:
            # An alias shares the anchored node, so report the line of the key that uses it.
            line = self.lines.get(loc, node.start_mark.line + 1)
            self.errors.append(
                ContentError(
                    self.name, line, format_loc(loc), "YAML aliases (*name) are not allowed: write the value out"
                )
            )
            return None
        self._seen.add(id(node))
        if len(loc) > MAX_DEPTH:
            self.fail(node, loc, f"nested deeper than {MAX_DEPTH} levels")
            return None
        if node.tag not in _ALLOWED_TAGS:
            self.fail(node, loc, f"YAML tag {node.tag!r} is not allowed")
            return None
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*loc, i)) for i, item in enumerate(node.value)]
        if node.tag == _Y + "null" and not node.style:  # plain ~, null or nothing
            return None
        # Every other scalar stays text; the typed model parses numbers, dates and booleans.
        return nfc(node.value)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _Y + "merge":
                self.fail(key_node, loc, "YAML merge keys (<<) are not allowed: write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _ALLOWED_TAGS:
                self.fail(key_node, loc, "a key must be plain text")
                continue
            key = nfc(key_node.value)
            line = key_node.start_mark.line + 1
            if key in key_lines:
                self.fail(key_node, (*loc, key), f"duplicate key {key!r} (first given on line {key_lines[key]})")
                continue
            key_lines[key] = line
            self.lines[(*loc, key)] = line
            result[key] = self.convert(value_node, (*loc, key))
        return result


def parse_yaml(text: str, name: str) -> tuple[Any, dict[Loc, int]]:
    """Parse one YAML document into plain data plus a location -> line map."""
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise ContentErrors([ContentError(name, line, "", f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ContentErrors([ContentError(name, None, "", f"YAML error: {exc}")]) from None
    if node is None:
        raise ContentErrors([ContentError(name, 1, "", "the file is empty")])
    converter = _Converter(name)
    data = converter.convert(node, ())
    if converter.errors:
        raise ContentErrors(converter.errors)
    return data, converter.lines


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (a BOM is dropped) or a located error; NFC so that comparisons hold."""
    try:
        return nfc(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise ContentErrors([ContentError(name, line, "", message)]) from None


def parse_csv(text: str, name: str) -> tuple[list[dict[str, str]], dict[Loc, int]]:
    """A results table: one dict per data row (column -> text, stripped) plus a location -> line map.

    The delimiter is read from the header line: ';' (what Excel writes in a Vietnamese locale) or ','.
    Lines: () and (column,) -> 1, the header; (row,) and (row, column) -> the line where that row starts.
    Blank rows are skipped, so row numbers count data rows only.
    """
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    errors: list[ContentError] = []
    rows: list[dict[str, str]] = []
    lines: dict[Loc, int] = {(): 1}
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise ContentErrors([ContentError(name, 1, "", "the file is empty: the first line must name the columns")])
        for column, count in Counter(c for c in header if c).items():
            if count > 1:
                errors.append(ContentError(name, 1, column, f"column {column!r} appears {count} times in the header"))
        lines.update({(column,): 1 for column in header if column})
        start = reader.line_num + 1
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if any(cells) and len(cells) > len(header):
                message = (
                    f"this row has {len(cells)} cells but the header line has {len(header)}: check for an extra "
                    f"'{reader.dialect.delimiter}' (in a file separated by ',' write 3000, or 3,000 in quotes)"
                )
                errors.append(ContentError(name, start, "", message))
            elif stray := [c for c, column in zip(cells, header, strict=False) if c and not column]:
                errors.append(ContentError(name, start, "", f"{stray[0]!r} is in a column with no name in the header"))
            if any(cells):
                row = len(rows)
                lines[(row,)] = start
                lines.update({(row, column): start for column in header if column})
                rows.append({column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header) if column})
            start = reader.line_num + 1
    except csv.Error as exc:
        errors.append(ContentError(name, reader.line_num or 1, "", f"CSV error: {exc}"))
    if errors:
        raise ContentErrors(errors)
    return rows, lines


def load_document(path: Path, kind: str, root: Path) -> Document:
    name = path.relative_to(root.parent).as_posix()  # stable: the manifest records it
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise ContentErrors([ContentError(name, None, "", f"file larger than {MAX_FILE_BYTES} bytes")])
    text = decode(raw, name)
    data, lines = parse_csv(text, name) if kind == RESULTS_DIR else parse_yaml(text, name)
    return Document(path=path, name=name, kind=kind, data=data, lines=lines)


def load_content(root: Path) -> LoadedContent:
    """Read every content file and asset under root, collecting what cannot be read."""
    if not root.is_dir():
        raise ContentErrors([ContentError(display_path(root), None, "", "content folder not found")])
    errors: list[ContentError] = []
    documents: list[Document] = []
    assets: dict[str, Asset] = {}
    inside = root.resolve()

    def escapes(path: Path) -> bool:
        """A symbolic link that leads out of the content folder: a build must not read files off the machine."""
        if path.resolve().is_relative_to(inside):
            return False
        message = "a link (symlink) to a file outside the content folder: copy the file in instead"
        errors.append(ContentError(display_path(path, root.parent), None, "", message))
        return True

    for entry in sorted(root.iterdir()):
        if escapes(entry):
            continue
        if entry.name == REGISTRY_FILE and entry.is_file():
            try:
                documents.append(load_document(entry, "short-links", root))
            except ContentErrors as exc:
                errors.extend(exc.errors)
            continue
        if entry.name.startswith(".") or entry.is_file():
            continue
        if entry.name in ASSET_DIRS:
            for path in sorted(p for p in entry.rglob("*") if p.is_file()):
                if escapes(path):
                    continue
                rel = path.relative_to(root).as_posix()
                assets[rel] = Asset(rel, path.read_bytes())
            continue
        if entry.name not in (*CONTENT_KINDS, RESULTS_DIR):
            expected = ", ".join((*CONTENT_KINDS, RESULTS_DIR, *ASSET_DIRS))
            message = f"unknown content folder {entry.name!r}; expected one of: {expected}"
            errors.append(ContentError(display_path(entry, root.parent), None, "", message))
            continue
        for path in sorted(entry.iterdir()):
            if path.name.startswith(".") or path.is_dir() or escapes(path):
                continue
            if entry.name == RESULTS_DIR and path.suffix != ".csv":
                message = "not a results file: save the table from Excel as CSV UTF-8 (.csv)"
                errors.append(ContentError(display_path(path, root.parent), None, "", message))
                continue
            if entry.name != RESULTS_DIR and path.suffix not in YAML_SUFFIXES:
                message = "not a content file: content files end in .yml"
                errors.append(ContentError(display_path(path, root.parent), None, "", message))
                continue
            try:
                documents.append(load_document(path, entry.name, root))
            except ContentErrors as exc:
                errors.extend(exc.errors)
    return LoadedContent(root=root, documents=documents, assets=assets, errors=errors)
