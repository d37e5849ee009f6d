"""The site engine adapter: the only module that knows about MkDocs and Material.

It receives a planned site and its page Markdown, writes an ordinary MkDocs
project (docs/ + mkdocs.yml) to a work folder and builds it into `site_dir`.
Swapping the engine (for example to Zensical, which reads the same mkdocs.yml
and Markdown) means replacing this module, mkdocs_hooks.py and theme/overrides/ (html_blocks.py is a
Python-Markdown extension, which Zensical runs too).
Sites built one after another in a process share their theme work through a few
patches of MkDocs internals (share_work_between_sites), which change no output.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from warnings import warn

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
    "generator.render.html_blocks",  # speed only: the output is the same without it
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

    share_work_between_sites()
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


# Work shared between the sites one process builds. MkDocs builds every site from scratch: a new
# Jinja environment (so Material's templates are compiled again, ~190 ms a site) and a listing of
# the theme's files that walks all of Material's templates folder, 14,348 of whose 14,509 files are
# icons under .icons/ (only ever included by name, never copied); and a new Markdown converter for
# every page. The patches below keep one environment per theme folders and language, list theme
# files without entering dot folders, and convert a site's pages with one reset Markdown converter.
# They replace MkDocs internals, so they are applied only to the MkDocs version they were read in;
# any other version builds unpatched (slower, same output). tests/test_site_engine.py checks both.
# Like MkDocs itself (its logging, its config), they allow one build at a time per process: build
# sites in parallel with processes, never threads.

_CHECKED_MKDOCS = "1.6.1"
_shared: bool | None = None  # None until share_work_between_sites() has run in this process


def share_work_between_sites() -> bool:
    """Patch MkDocs, once per process, so that successive builds share their theme work; True if patched."""
    global _shared
    if _shared is None:
        import markdown
        import mkdocs
        import mkdocs.structure.pages
        from mkdocs.structure.files import Files
        from mkdocs.theme import Theme

        untouched = not hasattr(Theme.get_env, "__wrapped__") and not hasattr(Files.add_files_from_theme, "__wrapped__")
        expected = mkdocs.__version__ == _CHECKED_MKDOCS and untouched and mkdocs.structure.pages.markdown is markdown
        if expected:
            Theme.get_env = _shared_env(Theme.get_env)
            Files.add_files_from_theme = _listed_theme_files(Files.add_files_from_theme)
            mkdocs.structure.pages.markdown = _OneMarkdownPerSite(markdown)
        else:
            warn(
                f"MkDocs {mkdocs.__version__} is not {_CHECKED_MKDOCS} as render/site.py expects (or is patched "
                "already): building every site from scratch, slower but with the same output",
                RuntimeWarning,
                stacklevel=2,
            )
        _shared = expected
    return _shared


def _shared_env(get_env: Callable) -> Callable:
    """Theme.get_env, returning one environment (and its compiled templates) per theme folders and language.

    Every value that differs between sites reaches the templates through the render context (config,
    page, nav, base_url), never through the environment, and no plugin is enabled that changes it.
    An edit to the custom folder (`serve` rebuilds in the same process) gives a new environment.
    """
    envs: dict[tuple, tuple[tuple, object]] = {}  # (theme folders, language) -> (custom folder stamp, env)

    @functools.wraps(get_env)
    def shared_get_env(theme):
        key = (tuple(theme.dirs), str(theme.locale))
        stamp = _folder_stamp(theme.custom_dir)
        if key not in envs or envs[key][0] != stamp:
            if len(envs) >= 8:  # tests build from many theme copies: keep the newest few
                del envs[next(iter(envs))]
            envs.pop(key, None)
            envs[key] = (stamp, get_env(theme))
        return envs[key][1]

    return shared_get_env


def _listed_theme_files(add_files_from_theme: Callable) -> Callable:
    """Files.add_files_from_theme, from theme_files() instead of the environment's list of templates."""

    @functools.wraps(add_files_from_theme)
    def add_listed_theme_files(files, env, config) -> None:
        from mkdocs.structure.files import File

        theme = config.theme
        listing = _listing(tuple(theme.dirs), frozenset(theme.static_templates), _folder_stamp(theme.custom_dir))
        for path, folder in listing:
            if files.get_file_from_path(path) is None:  # a docs file of the same name wins, as in MkDocs
                files.append(File(path, folder, config.site_dir, config.use_directory_urls))

    return add_listed_theme_files


@functools.lru_cache(maxsize=8)
def _listing(dirs: tuple[str, ...], static_templates: frozenset[str], stamp: tuple) -> list[tuple[str, str]]:
    return theme_files(dirs, static_templates)


def theme_files(dirs: Sequence[str], static_templates: Collection[str]) -> list[tuple[str, str]]:
    """(path, folder) of every theme file MkDocs 1.6 copies into a site, in its order.

    The same as Files.add_files_from_theme, which lists every file of every folder and then drops
    dot folders and the patterns below; this never enters a dot folder, so .icons/ is not walked.
    """
    from mkdocs.utils import markdown_extensions

    dropped = [".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*"]
    dropped += [f"*{extension}" for extension in markdown_extensions]
    dropped += static_templates
    names = set()
    for folder in dirs:
        for root, subfolders, filenames in os.walk(folder):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            names.update(Path(root, name).relative_to(folder).as_posix() for name in filenames)
    listing = []
    for name in sorted(names):
        if any(fnmatch.fnmatch(name.lower(), pattern) for pattern in dropped):
            continue
        folder = next((f for f in dirs if os.path.isfile(os.path.join(f, name))), None)
        if folder is not None:
            listing.append((name, folder))
    return listing


class _OneMarkdownPerSite:
    """Stands in for the `markdown` module in mkdocs.structure.pages, whose Page.render makes a new
    markdown.Markdown for every page (~0.35 ms, a tenth of the conversion): this one hands out one
    instance per site's configuration, reset between pages as Python-Markdown intends. Page.render
    then registers its four per-page processors on it, which replace the previous page's (same names).
    """

    def __init__(self, module):
        self._module = module
        self._last: tuple | None = None  # (extensions, extension_configs, instance)

    def __getattr__(self, name: str):
        return getattr(self._module, name)

    def Markdown(self, extensions: list, extension_configs: dict):  # the name Page.render calls
        last = self._last
        # A site's configuration passes the same two objects for every page; a new site, new objects.
        if last is None or last[0] is not extensions or last[1] is not extension_configs:
            instance = self._module.Markdown(extensions=extensions, extension_configs=extension_configs)
            self._last = last = (extensions, extension_configs, instance)
        return last[2].reset()


def _folder_stamp(folder: str | None) -> tuple:
    """Name, size and modification time of every file under folder: changes when a file is edited."""
    if folder is None:
        return ()
    stamp = []
    for root, _, filenames in os.walk(folder):
        for name in filenames:
            info = os.stat(os.path.join(root, name))
            stamp.append((root, name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamp))


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
