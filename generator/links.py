"""Links between content items inside Markdown: [text](guide:slug#anchor) and [text](faq:id).

Authors name what they link to, not where its page lives; the build checks
that the target exists in every province the link is shown in, and the page
renderer turns the name into a relative path the site engine can verify.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown as python_markdown

_LINK = re.compile(r"\]\((?P<scheme>guide|faq):(?P<name>[^)\s#]*)(?P<anchor>#[^)\s]*)?\)")
MARKDOWN_EXTENSIONS = ("admonition", "attr_list", "tables")
_LOCAL_SCHEMES = {"guide", "faq", "tel"}
_ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "background"}
_RELATIVE_MD = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)(?P<target>[^)\s]+\.md(?:#[^)\s]*)?)\)")


@dataclass(frozen=True)
class ContentLink:
    scheme: str  # guide | faq
    name: str
    anchor: str  # '' or '#...'


def content_links(markdown: str) -> list[ContentLink]:
    return [ContentLink(m["scheme"], m["name"], m["anchor"] or "") for m in _LINK.finditer(markdown)]


def web_links(markdown: str) -> list[str]:
    """Every address a reader can follow, send a form to or the page loads from outside (href, src, action…) of the
    HTML the Markdown becomes (inline, reference and autolinks, raw HTML), except guide:, faq:,
    tel: and links inside the page. Scheme-relative addresses (//host/...) count as outside."""
    collector = _Addresses()
    collector.feed(python_markdown.markdown(markdown, extensions=list(MARKDOWN_EXTENSIONS)))
    links = []
    for address in collector.addresses:
        seen = as_browser_reads(address)
        parts = urlsplit(seen)
        if parts.scheme.lower() in _LOCAL_SCHEMES or not (parts.scheme or seen.startswith("//")):
            continue
        links.append(address.strip())
    return links


def as_browser_reads(address: str) -> str:
    """An address the way a browser reads it: tabs and newlines dropped, backslashes as slashes
    (so /\\evil.example/ is another host), surrounding spaces trimmed."""
    return re.sub(r"[\t\n\r]", "", address).strip().replace("\\", "/")


class _Addresses(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.addresses += [value for name, value in attrs if name in _ADDRESS_ATTRIBUTES and value]


def relative_page_links(markdown: str) -> list[str]:
    """Links written as file paths, which break when a page moves; authors use guide:/faq: instead."""
    return [m["target"] for m in _RELATIVE_MD.finditer(markdown)]


def resolve_links(markdown: str, page_path: Callable[[ContentLink], str]) -> str:
    """Replace every guide:/faq: link with the path page_path gives for it."""
    return _LINK.sub(lambda m: f"]({page_path(ContentLink(m['scheme'], m['name'], m['anchor'] or ''))})", markdown)
