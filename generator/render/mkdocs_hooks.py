"""MkDocs hooks (listed under `hooks:` in the generated mkdocs.yml, see site.py).

Every page body is sanitised after Markdown and before the theme wraps it: the theme's own
scripts stay, nothing a content file says can add one.
"""

from __future__ import annotations

from generator.render.sanitize import clean_html


def on_page_content(html: str, **_) -> str:
    return clean_html(html)
