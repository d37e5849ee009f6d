"""MkDocs hooks (listed under `hooks:` in the generated mkdocs.yml, see site.py).

Every page body is sanitised after Markdown and before the theme wraps it: the theme's own
scripts stay, nothing a content file says can add one. Material's files that no page loads
are left out of the site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.render.sanitize import clean_html

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


def on_page_content(html: str, **_) -> str:
    return clean_html(html)


def on_files(files: Files, config: MkDocsConfig, **_) -> Files:
    """Leave out Material's scripts and source maps: 2.2 of the 2.6 MB Material adds to every site.

    theme/overrides/main.html replaces Material's script bundle with dvc.js (empty `config` and
    `scripts` blocks) and the search plugin is off, so no page loads assets/javascripts/ (the
    bundle, lunr/, workers/), and source maps are only ever fetched by a browser's developer
    tools. Material's stylesheets and favicon stay; so do our own files of the same folders.
    """
    for file in list(files):
        if is_unused_theme_asset(file.src_uri, file.src_dir, config.theme.dirs, config.theme.custom_dir):
            files.remove(file)
    return files


def is_unused_theme_asset(path: str, folder: str | None, theme_dirs: list[str], custom_dir: str | None) -> bool:
    """True for a file of Material's (not of the docs or of theme/overrides) that no page loads."""
    from_material = folder in theme_dirs and folder != custom_dir
    return from_material and (path.startswith("assets/javascripts/") or path.endswith(".map"))
