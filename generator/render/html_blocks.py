"""A Markdown extension that sets the theme's own HTML blocks aside without parsing them.

Page templates write some blocks as HTML (the document checklist, the fee table, the print
downloads), each opening with a `class="dvc-..."` tag at the start of a line. Python-Markdown
finds raw HTML by running the whole page through html.parser, which costs about a third of a
guide page's conversion. A block of ours is well formed and already sanitised downstream, so it
can go straight into the HTML stash, which is what the raw HTML preprocessor does with it after
parsing: the output is the same, byte for byte. Content that merely looks like such a block
(unbalanced, not set apart by blank lines) and blocks marked `markdown` for md_in_html are
left to Python-Markdown.
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

_OPENING = re.compile(r'<(ul|ol|table|div|p|section|figure) class="dvc-[^"]*"[^>]*>')
_MARKDOWN_INSIDE = re.compile(r"\smarkdown[\s=>]")  # md_in_html's attribute: Markdown must parse it


def _block_end(lines: list[str], start: int, tag: str) -> int | None:
    """Index of the line that closes the block opened at lines[start], if the block is exactly
    that one element: it closes at the end of a line and nothing is left open or comes after."""
    tags = re.compile(rf"<{tag}[\s>]|</{tag}>")
    depth = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            return None  # a blank line inside: not one of ours
        for found in tags.finditer(line):
            if depth == 0 and (index, found.start()) != (start, 0):
                return None  # a second element after the first closed
            depth += -1 if found.group().startswith("</") else 1
        if depth == 0:
            return index if line.endswith(f"</{tag}>") else None
    return None


class TrustedHtmlBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        result: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            match = _OPENING.match(line)
            if match and _MARKDOWN_INSIDE.search(match.group(0)):
                match = None
            after_blank = not result or not result[-1].strip()
            end = _block_end(lines, index, match.group(1)) if match and after_blank else None
            if end is None or (end + 1 < len(lines) and lines[end + 1].strip()):
                result.append(line)
                index += 1
                continue
            # Stored with its line end, as the raw HTML preprocessor stores a block.
            result.append(self.md.htmlStash.store("\n".join(lines[index : end + 1]) + "\n"))
            index = end + 1
        return result


class TrustedHtmlExtension(Extension):
    def extendMarkdown(self, md) -> None:
        # After whitespace normalisation (30), before the raw HTML preprocessor (20).
        md.preprocessors.register(TrustedHtmlBlocks(md), "dvc_trusted_html", 25)


def makeExtension(**kwargs) -> TrustedHtmlExtension:
    return TrustedHtmlExtension(**kwargs)
