"""Links between content items inside Markdown: [text](guide:slug#anchor) and [text](faq:id).

Authors name what they link to, not where its page lives; the build checks
that the target exists in every province the link is shown in, and the page
renderer turns the name into a relative path the site engine can verify.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_LINK = re.compile(r"\]\((?P<scheme>guide|faq):(?P<name>[^)\s#]*)(?P<anchor>#[^)\s]*)?\)")
_WEB_LINK = re.compile(r"\]\((?P<a>[a-zA-Z][a-zA-Z0-9+.-]*://[^)\s]+)|<(?P<b>[a-zA-Z][a-zA-Z0-9+.-]*://[^>\s]+)>")
_RELATIVE_MD = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)(?P<target>[^)\s]+\.md(?:#[^)\s]*)?)\)")


@dataclass(frozen=True)
class ContentLink:
    scheme: str  # guide | faq
    name: str
    anchor: str  # '' or '#...'


def content_links(markdown: str) -> list[ContentLink]:
    return [ContentLink(m["scheme"], m["name"], m["anchor"] or "") for m in _LINK.finditer(markdown)]


def web_links(markdown: str) -> list[str]:
    """Absolute links ([text](https://...) and <https://...>), which may end up printed on paper."""
    return [m["a"] or m["b"] for m in _WEB_LINK.finditer(markdown)]


def relative_page_links(markdown: str) -> list[str]:
    """Links written as file paths, which break when a page moves; authors use guide:/faq: instead."""
    return [m["target"] for m in _RELATIVE_MD.finditer(markdown)]


def resolve_links(markdown: str, page_path: Callable[[ContentLink], str]) -> str:
    """Replace every guide:/faq: link with the path page_path gives for it."""
    return _LINK.sub(lambda m: f"]({page_path(ContentLink(m['scheme'], m['name'], m['anchor'] or ''))})", markdown)
