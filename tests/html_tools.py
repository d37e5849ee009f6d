"""Small HTML readers for tests: links, ids and text of built pages, with the standard library only."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class PageInfo:
    links: list[str] = field(default_factory=list)  # href of <a>
    resources: list[str] = field(default_factory=list)  # src/href of script, link, img
    ids: set[str] = field(default_factory=set)
    text: str = ""
    step_titles: list[str] = field(default_factory=list)
    meta_refresh: str | None = None
    html_lang: str | None = None


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.info = PageInfo()
        self._chunks: list[str] = []
        self._in_step = False
        self._step_text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.info.ids.add(a["id"])
        if tag == "html":
            self.info.html_lang = a.get("lang")
        if tag == "a" and a.get("href") is not None:
            self.info.links.append(a["href"])
        if tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.info.resources.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "alternate"):
            self.info.resources.append(a["href"])
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.info.meta_refresh = a.get("content", "").split("url=", 1)[-1]
        if tag == "h3" and "dvc-step" in (a.get("class") or "").split():
            self._in_step, self._step_text = True, []
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "h3" and self._in_step:
            self._in_step = False
            self.info.step_titles.append("".join(self._step_text).strip().rstrip("#").strip())
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self._chunks.append(data)
        if self._in_step:
            self._step_text.append(data)

    def close(self):
        super().close()
        self.info.text = " ".join(" ".join(self._chunks).split())


def read_page(path: Path) -> PageInfo:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.info


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    """The file and anchor an internal href points at, or None for an external or special link."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "tel:")):
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    if parts.path.startswith("/"):  # 404 pages use root-relative URLs (the demo base URL has no path)
        target = posixpath.normpath(unquote(parts.path).lstrip("/") or ".")
    else:
        base = page.parent.relative_to(site).as_posix()
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    path = site / target
    if href.split("#")[0].endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, unquote(parts.fragment)
