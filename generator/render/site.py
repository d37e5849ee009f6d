"""The site engine adapter: the only module that knows about MkDocs and Material.

It receives a planned site and its page Markdown, writes an ordinary MkDocs
project (docs/ + mkdocs.yml) to a work folder and builds it into `site_dir`.
Swapping the engine (for example to Zensical, which reads the same mkdocs.yml
and Markdown) means replacing this module and theme/overrides/.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

import yaml

from ..models import SiteConfig
from ..plan import SitePlan

_MARKDOWN_EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "md_in_html",
    "tables",
    {
        "toc": {
            "permalink": "#",
            "permalink_title": "Liên kết tới mục này",
            "slugify": "!!python/name:generator.text.toc_slugify",
        }
    },
    {"pymdownx.tasklist": {"custom_checkbox": True}},
    "pymdownx.details",
]


class SiteBuildError(Exception):
    """The engine refused the generated site (a broken link or anchor, in strict mode)."""


def mkdocs_config(site: SitePlan, config: SiteConfig, theme_dir: Path, docs_dir: Path, site_dir: Path) -> dict:
    url = f"{config.base}/{site.prefix}/" if site.prefix else f"{config.base}/"
    return {
        "site_name": site.title,
        "site_url": url,
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "strict": True,
        "use_directory_urls": True,
        "validation": {
            "nav": {"omitted_files": "ignore"},  # guide pages are reached from index pages, not the nav
            "links": {"not_found": "warn", "anchors": "warn", "unrecognized_links": "warn"},
        },
        "theme": {
            "name": "material",
            "custom_dir": str(theme_dir / "overrides"),
            "language": config.language,
            "font": False,  # system fonts: no request to a font CDN, full Vietnamese coverage on phones
            "palette": {"scheme": "default", "primary": "custom", "accent": "custom"},
            "icon": {"logo": "material/card-account-details-outline"},
        },
        "plugins": [],  # Material's search does not fold Vietnamese and costs 36 KB a page: dvc.js searches
        "hooks": [str(Path(__file__).with_name("mkdocs_hooks.py"))],  # sanitises every page body
        "markdown_extensions": _MARKDOWN_EXTENSIONS,
        "nav": [{title: path} for title, path in site.nav] or None,
        "extra": {
            "generator": False,
            "sample_content": config.sample_content,
            "colours": config.theme.model_dump(),
            "national_url": "../" if site.prefix else None,
            "province": site.province.name if site.province else None,
            "province_kind": site.province.kind if site.province else None,
            "hotline": _hotline(site, config),
            "og_image": f"{config.base}/{site.card.path}.png" if site.card else None,
            "search_page": site.search_page,
            "service_worker": "../sw.js" if site.prefix else "sw.js",
            "assets_version": assets_version(theme_dir),
        },
    }


def assets_version(theme_dir: Path) -> str:
    """Part of the address of the theme's own CSS and JS, so browsers fetch them again when they change."""
    digest = hashlib.sha256()
    for path in sorted((theme_dir / "overrides" / "assets").rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _hotline(site: SitePlan, config: SiteConfig) -> dict | None:
    hotline = site.province.hotlines[0] if site.province else config.national_hotline
    return hotline.model_dump() if hotline else None


def _dump(config: dict) -> str:
    text = yaml.safe_dump({k: v for k, v in config.items() if v is not None}, allow_unicode=True, sort_keys=False)
    # PyYAML quotes the tag as a string; MkDocs needs it as a tag to load the function.
    return text.replace("'!!python/name:generator.text.toc_slugify'", "!!python/name:generator.text.toc_slugify")


def build_site(
    site: SitePlan, pages: dict[str, str], files: dict[str, bytes], config: SiteConfig, theme_dir: Path, site_dir: Path
) -> None:
    """Build one site into site_dir (which MkDocs empties first); `files` are copied as they are."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    with tempfile.TemporaryDirectory(prefix="dvc-docs-") as work:
        docs_dir = Path(work) / "docs"
        for path, text in pages.items():
            target = docs_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for name, data in [*((a.name, a.data) for a in site.assets), *files.items()]:
            target = docs_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        config_file = Path(work) / "mkdocs.yml"
        config_file.write_text(_dump(mkdocs_config(site, config, theme_dir, docs_dir, site_dir)), encoding="utf-8")

        warnings = _WarningCollector()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(warnings)
        previous_level = logger.level
        logger.setLevel(logging.WARNING)
        logger.propagate = False
        try:
            build(load_config(str(config_file)))
        except (Abort, ConfigurationError) as exc:
            details = "\n".join(f"  {w}" for w in warnings.messages) or f"  {exc}"
            raise SiteBuildError(f"site {site.prefix or '(national)'} failed to build:\n{details}") from None
        finally:
            logger.removeHandler(warnings)
            logger.setLevel(previous_level)


class _WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def serve_folder(root: Path, rebuild, watch: list[Path], host: str, port: int) -> None:
    """Serve a built output folder and reload browsers after `rebuild` runs on a change."""
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(root))
    for path in watch:
        server.watch(str(path))
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
