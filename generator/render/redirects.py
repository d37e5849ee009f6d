"""Static redirect pages (moved pages and printed short links): meta refresh, visible link, canonical, noindex."""

from __future__ import annotations

import posixpath
from pathlib import Path

from ..plan import Redirect, ShortLinkPage
from .pages import environment


def relative_url(from_path: str, to_url: str) -> str:
    """URL of to_url (output-relative, may end in '/') as seen from the file at from_path."""
    here = posixpath.dirname(from_path) or "."
    relative = posixpath.relpath(to_url or ".", here)
    return relative + "/" if to_url.endswith("/") and not relative.endswith("/") else relative


def render_redirect(redirect: Redirect, base_url: str, theme_dir: Path) -> str:
    template = environment(theme_dir).get_template("redirect.html.j2")
    return template.render(
        title="Trang đã chuyển",
        reason=redirect.reason,
        target=relative_url(redirect.path, redirect.target),
        canonical=f"{base_url}/{redirect.target}",
    )


def render_short_link(page: ShortLinkPage, base_url: str, theme_dir: Path) -> str:
    """The page behind a printed QR code: what the code is, then on to the guide."""
    template = environment(theme_dir).get_template("shortlink.html.j2")
    return template.render(
        page=page, target=relative_url(page.path, page.target), canonical=f"{base_url}/{page.target}"
    )
