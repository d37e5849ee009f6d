"""Stage 3, plan: decide every output (sites, pages, redirects) before anything renders.

The plan is plain data. Renderers turn it into files; nothing here touches disk.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from .load import Asset
from .models import Guide, Province
from .text import sort_key
from .validate import Site

GUIDES_DIR = "huong-dan"
FAQ_DIR = "hoi-dap"
HELP_PAGE = "ho-tro-truc-tiep.md"


@dataclass(frozen=True)
class Page:
    """One page of a site, as a Markdown source path plus what its template needs."""

    path: str  # relative to the site's docs folder, e.g. huong-dan/dang-ky-thuong-tru.md
    template: str  # file name in theme/pages/
    title: str
    kind: str  # home | guide | guides-index | faq | faq-index | help | landing
    source: str | None  # content file the page is made from, for the manifest
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def output_path(self) -> str:
        """Where the HTML lands in the site, with directory URLs: a.md -> a/index.html."""
        stem = self.path.removesuffix(".md")
        if posixpath.basename(stem) == "index":
            return stem + ".html"
        return stem + "/index.html"

    @property
    def url(self) -> str:
        """The page's address relative to its site root, e.g. huong-dan/dang-ky-thuong-tru/."""
        return self.output_path.removesuffix("index.html")


@dataclass
class SitePlan:
    """One static site: the national landing (prefix '') or a province (prefix = its slug)."""

    prefix: str
    title: str
    province: Province | None
    pages: list[Page]
    nav: list[tuple[str, str]]  # (title, page path)
    assets: list[Asset] = field(default_factory=list)


@dataclass(frozen=True)
class Redirect:
    """A static page at `path` (relative to the output root) that sends visitors to `target`."""

    path: str
    target: str  # relative to the output root
    province: str
    reason: str


@dataclass
class BuildPlan:
    sites: list[SitePlan]
    redirects: list[Redirect]


@dataclass(frozen=True)
class GuideInProvince:
    """A guide with a province's overrides applied: what a citizen of that province reads."""

    guide: Guide
    province: Province
    note: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.guide, name)

    @classmethod
    def of(cls, guide: Guide, province: Province) -> GuideInProvince:
        changes: dict[str, Any] = {
            "faqs": [q for q in guide.faqs if q.provinces is None or province.slug in q.provinces],
        }
        override = guide.overrides.get(province.slug)
        if override is not None:
            changes |= {
                key: getattr(override, key)
                for key in ("channels", "office", "online_url")
                if getattr(override, key) is not None
            }
        return cls(guide.model_copy(update=changes), province, override.note if override else None)


def plan_build(site: Site, only_province: str | None = None) -> BuildPlan:
    provinces = [p for p in site.provinces if only_province in (None, p.slug)]
    sites = [plan_landing(site)] + [plan_province(site, p) for p in provinces]
    redirects = [r for s in sites if s.province for r in former_province_redirects(s)]
    return BuildPlan(sites=sites, redirects=redirects)


def plan_landing(site: Site) -> SitePlan:
    page = Page(
        "index.md",
        "landing.md.j2",
        site.config.site_name,
        "landing",
        None,
        {"provinces": site.provinces, "config": site.config},
    )
    return SitePlan(prefix="", title=site.config.site_name, province=None, pages=[page], nav=[])


def plan_province(site: Site, province: Province) -> SitePlan:
    guides = [GuideInProvince.of(g, province) for g in site.guides_for(province)]
    by_slug = {g.slug: g for g in guides}
    featured = [by_slug[s] for s in province.featured_guides if s in by_slug]
    source = site.sources[("provinces", province.slug)]
    groups = [(group, site.faq_entries_for(group, province)) for group in site.faq_groups]
    groups = [(group, entries) for group, entries in groups if entries]
    link_targets = {("guide", g.slug): f"{GUIDES_DIR}/{g.slug}.md" for g in guides}
    link_targets |= {("faq", e.id): f"{FAQ_DIR}/{group.slug}.md#{e.id}" for group, entries in groups for e in entries}
    base = {"province": province, "config": site.config, "guides_by_slug": by_slug, "link_targets": link_targets}

    pages = [
        Page("index.md", "home.md.j2", province.name, "home", source, {**base, "featured": featured}),
        Page(
            f"{GUIDES_DIR}/index.md",
            "guides-index.md.j2",
            "Hướng dẫn",
            "guides-index",
            None,
            {**base, "fields": _by_field(guides)},
        ),
    ]
    pages += [
        Page(
            f"{GUIDES_DIR}/{g.slug}.md",
            "guide.md.j2",
            g.title,
            "guide",
            site.sources[("guides", g.slug)],
            {**base, "guide": g},
        )
        for g in guides
    ]
    pages.append(
        Page(
            f"{FAQ_DIR}/index.md",
            "faq-index.md.j2",
            "Câu hỏi thường gặp",
            "faq-index",
            None,
            {**base, "groups": groups},
        )
    )
    pages += [
        Page(
            f"{FAQ_DIR}/{group.slug}.md",
            "faq.md.j2",
            group.title,
            "faq",
            site.sources[("faqs", group.slug)],
            {**base, "group": group, "entries": entries},
        )
        for group, entries in groups
    ]
    pages.append(Page(HELP_PAGE, "help.md.j2", "Hỗ trợ trực tiếp", "help", source, base))

    used_images = {s.image.src for g in guides for s in g.steps if s.image}
    return SitePlan(
        prefix=province.slug,
        title=f"{site.config.site_name} – {province.name}",
        province=province,
        pages=pages,
        nav=[
            ("Trang chủ", "index.md"),
            ("Hướng dẫn", f"{GUIDES_DIR}/index.md"),
            ("Câu hỏi thường gặp", f"{FAQ_DIR}/index.md"),
            ("Hỗ trợ trực tiếp", HELP_PAGE),
        ],
        assets=[site.assets[name] for name in sorted(used_images)],
    )


def former_province_redirects(site_plan: SitePlan) -> list[Redirect]:
    """Every page of a merged province is also reachable under each former province's address."""
    province = site_plan.province
    assert province is not None
    return [
        Redirect(
            path=f"{former.slug}/{page.output_path}",
            target=f"{province.slug}/{page.url}",
            province=province.slug,
            reason=f"{former.name} hợp nhất vào {province.name}",
        )
        for former in province.former
        for page in site_plan.pages
    ]


def _by_field(guides: list[GuideInProvince]) -> list[tuple[str, list[GuideInProvince]]]:
    ordered = sorted(guides, key=lambda g: (sort_key(g.field), sort_key(g.title)))
    return [(name, list(items)) for name, items in groupby(ordered, key=lambda g: g.field)]
