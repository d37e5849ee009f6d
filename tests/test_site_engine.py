"""The site engine adapter's patches of MkDocs (render/site.py) and its asset pruning (render/mkdocs_hooks.py).

The patches share work between the sites one process builds; they must never change a byte of
output, and the theme listing must stay exactly what MkDocs itself would copy.
"""

from __future__ import annotations

import copy
import inspect
import re
import shutil
from pathlib import Path

import markdown
import mkdocs.structure.pages
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.theme import Theme

from generator.build import BuildOptions, check
from generator.plan import plan_build
from generator.render import site as engine
from generator.render.mkdocs_hooks import is_unused_theme_asset
from generator.render.pages import render_pages
from generator.render.search import INDEX_NAME, search_index_json
from generator.text import toc_slugify
from tests.conftest import ROOT
from tests.html_tools import read_page, resolve

THEME = ROOT / "theme"
HTML_BLOCKS = "generator.render.html_blocks"


@pytest.fixture(scope="module")
def patched() -> bool:
    return engine.share_work_between_sites()


def material_config(tmp_path: Path, custom_dir: Path = THEME / "overrides"):
    """A real MkDocs configuration with Material and our overrides, as build_site writes it."""
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(
        f"site_name: t\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
        f"theme: {{name: material, custom_dir: {custom_dir}, language: vi}}\n",
        encoding="utf-8",
    )
    return load_config(str(config_file))


def test_the_installed_mkdocs_is_the_one_the_patches_were_read_in(patched):
    # Failing here means MkDocs changed: read its Theme.get_env, Files.add_files_from_theme and
    # Page.render again, then update _CHECKED_MKDOCS. Sites still build meanwhile, unpatched.
    assert patched


def test_theme_listing_is_what_mkdocs_itself_copies(tmp_path, patched):
    config = material_config(tmp_path)
    unpatched_env = inspect.unwrap(Theme.get_env)(config.theme)

    def listed(add_files_from_theme, env, docs_files: list[File]) -> list[tuple[str, str]]:
        files = Files(docs_files)
        add_files_from_theme(files, env, config)
        return [(f.src_uri, f.src_dir) for f in files]

    theirs = listed(inspect.unwrap(Files.add_files_from_theme), unpatched_env, [])
    assert engine.theme_files(config.theme.dirs, config.theme.static_templates) == theirs
    assert listed(Files.add_files_from_theme, config.theme.get_env(), []) == theirs
    favicon = File("assets/images/favicon.png", config.docs_dir, config.site_dir, True)  # a docs file wins
    assert listed(Files.add_files_from_theme, config.theme.get_env(), [favicon]) == listed(
        inspect.unwrap(Files.add_files_from_theme), unpatched_env, [favicon]
    )

    paths = {path for path, _ in theirs}
    assert {"assets/javascripts/dvc.js", "assets/stylesheets/dvc.css", "assets/images/favicon.png"} <= paths
    assert any(re.fullmatch(r"assets/stylesheets/main\.\w+\.min\.css", p) for p in paths)
    assert not any(".icons" in p for p in paths)


def test_one_jinja_environment_per_theme_until_the_theme_changes(tmp_path, patched):
    custom = tmp_path / "overrides"
    custom.mkdir()
    (custom / "main.html").write_text('{% extends "base.html" %}{% block content %}one{% endblock %}')
    first = material_config(tmp_path / "first", custom)
    again = material_config(tmp_path / "again", custom)
    ours = material_config(tmp_path / "ours")

    env = first.theme.get_env()
    assert again.theme.get_env() is env
    assert ours.theme.get_env() is not env
    env.get_template("main.html")  # compiled once, kept in the shared environment

    # `serve` rebuilds in the same process: an edited template must be read again.
    (custom / "main.html").write_text('{% extends "base.html" %}{% block content %}two, longer{% endblock %}')
    edited = again.theme.get_env()
    assert edited is not env
    template = edited.get_template("main.html")
    assert "".join(template.blocks["content"](template.new_context())) == "two, longer"


def test_another_mkdocs_version_builds_unpatched(monkeypatch):
    monkeypatch.setattr(mkdocs, "__version__", "9.9.9")
    monkeypatch.setattr(engine, "_shared", None)
    get_env = Theme.get_env
    with pytest.warns(RuntimeWarning, match="MkDocs 9.9.9"):
        assert engine.share_work_between_sites() is False
    assert Theme.get_env is get_env


def build_markdown(out: Path, pages: dict[str, str]) -> dict[str, str]:
    """Build Markdown pages through MkDocs with the extensions build_site uses; each page's HTML."""
    docs = out / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config_file = out / "mkdocs.yml"
    config_file.write_text(f"site_name: t\ndocs_dir: {docs}\nsite_dir: {out / 'site'}\nplugins: []\n")

    extensions = copy.deepcopy(engine._MARKDOWN_EXTENSIONS)  # MkDocs empties the dicts it reads
    for extension in extensions:
        if isinstance(extension, dict) and "toc" in extension:
            extension["toc"]["slugify"] = toc_slugify  # the YAML tag build_site writes, as MkDocs loads it
    build(load_config(str(config_file), markdown_extensions=extensions))
    return {name: (out / "site" / Path(name).stem / "index.html").read_text("utf-8") for name in pages}


def test_one_markdown_per_site_forgets_each_page_before_the_next(tmp_path, patched):
    pages = {  # abbreviations, reference links and heading ids of one page must not reach the next
        "a.md": "# A\n\n## Giấy tờ\n\nCCCD, [mẫu]\n\n*[CCCD]: Căn cước công dân\n\n[mẫu]: https://example.org/a\n",
        "b.md": "# B\n\n## Giấy tờ\n\nCCCD, [mẫu]\n",
    }
    shared = build_markdown(tmp_path / "shared", pages)
    with pytest.MonkeyPatch.context() as unpatch:
        unpatch.setattr(mkdocs.structure.pages, "markdown", markdown)
        alone = build_markdown(tmp_path / "alone", pages)
    assert shared == alone
    assert "<abbr" in shared["a.md"] and 'href="https://example.org/a"' in shared["a.md"]
    assert "<abbr" not in shared["b.md"] and "example.org" not in shared["b.md"]
    assert 'id="giay-to"' in shared["b.md"]


EDGE_CASES = {  # each converts the same with and without html_blocks
    "ours": '# T\n\n<ul class="dvc-checklist">\n<li>a</li>\n</ul>\n\nsau\n',
    "nested": '<div class="dvc-print">\n<div>\n<p>x</p>\n</div>\n</div>\n\n**sau**\n',
    "one line": 'trước\n\n<p class="dvc-meta">Lĩnh vực: <strong>x</strong></p>\n\n*sau*\n',
    "last": 'trước\n\n<table class="dvc-fees">\n<tr><td>1</td></tr>\n</table>',
    "unclosed": '<div class="dvc-print">\n<p>x</p>\n\n*Markdown*\n',
    "no blank before": 'trước\n<p class="dvc-meta">x</p>\n\nsau\n',
    "no blank after": '<p class="dvc-meta">x</p>\n*sau*\n',
    "blank inside": '<ul class="dvc-checklist">\n<li>a</li>\n\n<li>b</li>\n</ul>\n',
    "md_in_html": '<div class="dvc-table" markdown>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n</div>\n',
    "another class": '<div class="note">\n<p>x</p>\n</div>\n',
    "closed early": '<div class="dvc-x"><p>a</p></div><div>\nb</div>\n\nsau\n',
}


def converter(with_html_blocks: bool) -> markdown.Markdown:
    names = [next(iter(e)) if isinstance(e, dict) else e for e in engine._MARKDOWN_EXTENSIONS]
    configs = {next(iter(e)): dict(next(iter(e.values()))) for e in engine._MARKDOWN_EXTENSIONS if isinstance(e, dict)}
    configs["toc"]["slugify"] = toc_slugify
    names = [n for n in names if with_html_blocks or n != HTML_BLOCKS]
    return markdown.Markdown(extensions=names, extension_configs=configs)


@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_theme_html_blocks_set_aside_unparsed_convert_as_parsed(case):
    text = EDGE_CASES[case]
    assert converter(True).convert(text) == converter(False).convert(text)


def test_the_guide_pages_html_blocks_skip_the_html_parser():
    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    province = next(s for s in plan_build(site, site.provinces[0].slug).sites if s.province)
    pages = render_pages(province, THEME / "pages")
    guide = next(text for name, text in pages.items() if name.startswith("huong-dan/d"))
    md = converter(True)
    set_aside = md.preprocessors["dvc_trusted_html"].run(guide.split("\n"))
    left = "\n".join(set_aside)
    for block in ('<ul class="dvc-checklist">', '<table class="dvc-fees">', '<div class="dvc-print">', '<p class="dvc'):
        assert block in guide and block not in left
    assert md.htmlStash.html_counter >= 5


@pytest.mark.parametrize(
    ("path", "folder", "unused"),
    [
        ("assets/javascripts/bundle.a5f9d56c.min.js", "material", True),
        ("assets/javascripts/lunr/wordcut.js", "material", True),
        ("assets/javascripts/workers/search.a7633da7.min.js", "material", True),
        ("assets/stylesheets/main.57a0d79d.min.css.map", "material", True),
        ("assets/stylesheets/main.57a0d79d.min.css", "material", False),
        ("assets/images/favicon.png", "material", False),
        ("assets/javascripts/dvc.js", "overrides", False),  # ours
        ("assets/javascripts/dvc.js", "docs", False),  # a docs file is never a theme asset
    ],
)
def test_only_materials_scripts_and_source_maps_are_left_out(path, folder, unused):
    assert is_unused_theme_asset(path, folder, ["overrides", "material", "mkdocs"], "overrides") is unused


def build_sites(content: Path, out: Path) -> None:
    site = check(BuildOptions(content=content / "content", config=content / "site_config.yml"))
    # The national site first: MkDocs empties the folder it builds into, here the output root.
    for site_plan in sorted(plan_build(site).sites, key=lambda s: s.prefix != ""):
        pages = render_pages(site_plan, THEME / "pages")
        files = {INDEX_NAME: search_index_json(site_plan, site.config)} if site_plan.search_page else {}
        target = out / site_plan.prefix
        target.mkdir(parents=True, exist_ok=True)
        engine.build_site(site_plan, pages, files, site.config, THEME, target)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_both_ways(tmp_path_factory, patched) -> tuple[Path, Path]:
    """The demo's sites built in one process with the patches, then each from scratch without them
    (and without the Markdown extension that sets the theme's HTML blocks aside unparsed)."""
    root = tmp_path_factory.mktemp("engine")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the sitemaps' date
        build_sites(root, root / "shared")
        with pytest.MonkeyPatch.context() as unpatch:
            unpatch.setattr(Theme, "get_env", inspect.unwrap(Theme.get_env))
            unpatch.setattr(Files, "add_files_from_theme", inspect.unwrap(Files.add_files_from_theme))
            unpatch.setattr(mkdocs.structure.pages, "markdown", markdown)
            without = [e for e in engine._MARKDOWN_EXTENSIONS if e != HTML_BLOCKS]
            unpatch.setattr(engine, "_MARKDOWN_EXTENSIONS", without)
            build_sites(root, root / "alone")
    return root / "shared", root / "alone"


@pytest.mark.slow
def test_sites_sharing_work_are_byte_identical_to_sites_built_alone(built_both_ways):
    shared, alone = built_both_ways
    shared_files, alone_files = tree(shared), tree(alone)
    assert sorted(shared_files) == sorted(alone_files)
    assert [path for path in shared_files if shared_files[path] != alone_files[path]] == []
    assert sum(path.endswith(".html") for path in shared_files) > 80


@pytest.mark.slow
def test_no_page_refers_to_a_left_out_asset(built_both_ways, tmp_path):
    shared, _ = built_both_ways
    config = material_config(tmp_path)
    left_out = [
        path
        for path, folder in engine.theme_files(config.theme.dirs, config.theme.static_templates)
        if is_unused_theme_asset(path, folder, config.theme.dirs, config.theme.custom_dir)
    ]
    assert len(left_out) > 30  # the bundle, its map, lunr/, workers/, the stylesheets' maps
    built = tree(shared)
    assert not [path for path in built if path in left_out or path.split("/", 1)[-1] in left_out]
    names = [path.rsplit("/", 1)[-1] for path in left_out]
    for path, data in built.items():
        if path.endswith((".html", ".css", ".js", ".json", ".xml")):
            text = data.decode("utf-8")
            assert not [name for name in names if name in text], path
    loaded = 0
    for page in shared.rglob("*.html"):  # and every theme file a page does load is there
        for resource in read_page(page).resources:
            target = resolve(shared, page, resource)
            if target is not None and "/assets/" in target[0].as_posix():  # pictures and QR codes: not built here
                assert target[0].is_file(), f"{page}: {resource}"
                loaded += 1
    assert loaded > 80 * 5  # Material's two stylesheets and favicon, dvc.css, dvc.js
