"""The build, read top to bottom: load, validate, plan, render, write."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cache import RenderCache
from .errors import ContentError, ContentErrors
from .load import REGISTRY_FILE, load_content
from .plan import BuildPlan, SitePlan, plan_build, print_batches
from .render import qr, scene
from .render.images import ImageError, ImageRenderer
from .render.pages import render_pages
from .render.print import PrintError, PrintRenderer
from .render.redirects import render_redirect, render_short_link
from .render.search import INDEX_NAME, search_index_json
from .render.site import build_site
from .shortlinks import registry_yaml
from .validate import Site, load_config, validate
from .write import Output, replace_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_THEME = PROJECT_ROOT / "theme"
CACHE_DIR = ".cache"


@dataclass
class BuildOptions:
    content: Path = Path("content")
    config: Path = Path("site_config.yml")
    out: Path = Path("site")
    province: str | None = None
    theme: Path = DEFAULT_THEME
    use_cache: bool = True  # reuse PDFs rendered before from the same input (.cache/ beside site_config.yml)
    skip_print: bool = False  # pages, QR images and short links only: a quick preview, not for publishing

    @property
    def cache_dir(self) -> Path | None:
        return self.config.parent / CACHE_DIR if self.use_cache else None


@dataclass
class BuildReport:
    files: int
    pages: int
    seconds: float
    pdfs: int = 0
    pdfs_rendered: int = 0  # layouts WeasyPrint ran; the rest came from the cache
    images: int = 0
    images_rendered: int = 0  # pictures drawn (step pictures, cards, results charts); the rest came from the cache


def log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check(options: BuildOptions) -> Site:
    """Load and validate only; raises ContentErrors."""
    config = load_config(options.config)
    return validate(load_content(options.content), config, options.config.as_posix())


def build(options: BuildOptions, progress: Callable[[str], None] = log_to_stderr) -> BuildReport:
    started = time.perf_counter()
    site = check(options)
    if options.province and options.province not in {p.slug for p in site.provinces}:
        known = ", ".join(p.slug for p in site.provinces)
        raise ContentErrors(
            [ContentError("--province", None, "", f"unknown province {options.province!r}; known: {known}")]
        )
    plan = plan_build(site, options.province)
    progress(f"Building {len(plan.sites) - 1} province site(s) and the national page into {options.out}")

    cache = RenderCache(options.cache_dir)
    printer = PrintRenderer(options.theme, site.config, site.assets, cache)
    pictures = ImageRenderer(site.config, cache)
    with Output(options.out) as output:
        for number, site_plan in enumerate(plan.sites, start=1):
            site_started = time.perf_counter()
            write_site(site_plan, site, options.theme, output)
            write_print(site_plan, printer, output, options.skip_print)
            write_images(site_plan, pictures, output, printer, options.skip_print)
            name = site_plan.prefix or "national page"
            pdfs = 0 if options.skip_print else len(site_plan.prints) + len(site_plan.chart_prints)
            progress(
                f"  [{number}/{len(plan.sites)}] {name}: {len(site_plan.pages)} pages, "
                f"{pdfs} PDFs in {time.perf_counter() - site_started:.1f} s"
            )
        write_root_files(plan, site, options.theme, output)
        manifest = output.commit()
    if site.short_links.new:
        # Only after the output is live: a code is recorded once something may carry it.
        replace_file(options.content / REGISTRY_FILE, registry_yaml(site.short_links.updated_registry()))
        progress(f"  {len(site.short_links.new)} new short code(s) recorded in {options.content / REGISTRY_FILE}")

    pages = sum(len(s.pages) for s in plan.sites)
    return BuildReport(
        files=len(manifest["files"]),
        pages=pages,
        seconds=time.perf_counter() - started,
        pdfs=0 if options.skip_print else sum(len(s.prints) + len(s.chart_prints) for s in plan.sites),
        pdfs_rendered=printer.renders,
        images=sum(len(s.images) + (s.card is not None) + len(s.charts) for s in plan.sites),
        images_rendered=pictures.renders,
    )


def write_site(site_plan: SitePlan, site: Site, theme: Path, output: Output) -> None:
    pages = render_pages(site_plan, theme / "pages")
    files = {INDEX_NAME: search_index_json(site_plan, site.config)} if site_plan.search_page else {}
    built = output.build_dir(site_plan.prefix)
    build_site(site_plan, pages, files, site.config, theme, built)
    output.place(built, site_plan.prefix)
    province = site_plan.prefix or None
    for page in site_plan.pages:
        output.record(_join(site_plan.prefix, page.output_path), "page", province, page.source)
    for relative, kind in (
        *(((INDEX_NAME, "search-index"),) if site_plan.search_page else ()),
        ("sitemap.xml", "sitemap"),
        ("sitemap.xml.gz", "sitemap"),
        ("404.html", "page"),
    ):
        output.record(_join(site_plan.prefix, relative), kind, province)
    for asset in site_plan.assets:
        output.record(_join(site_plan.prefix, asset.name), "image", province, f"content/{asset.name}")


def write_print(site_plan: SitePlan, printer: PrintRenderer, output: Output, skip_pdfs: bool = False) -> None:
    """Leaflets, posters, full guides and QR images of one province; every misfit reported at once."""
    errors = []
    for batch in [] if skip_pdfs else print_batches(site_plan.prints):
        try:
            rendered = printer.render_communes(batch) if len(batch) > 1 else {batch[0].path: printer.render(batch[0])}
        except PrintError as exc:
            errors.append(ContentError(exc.job.source or "", None, "", str(exc)))
            continue
        for job in batch:
            pdf = rendered[job.path].pdf
            output.write(job.path, pdf, "print", job.province.slug, job.source, tuple(i.qr.url for i in job.items))
    if errors:
        raise ContentErrors(errors)
    for image in site_plan.qr_images:
        output.write(f"{image.path}.png", qr.png(image.qr.url), "qr-png", image.province, None, (image.qr.url,))
        output.write(f"{image.path}.svg", qr.svg(image.qr.url), "qr-svg", image.province, None, (image.qr.url,))


def write_images(
    site_plan: SitePlan,
    pictures: ImageRenderer,
    output: Output,
    printer: PrintRenderer | None = None,
    skip_pdfs: bool = False,
) -> None:
    """Step infographics (PNG and SVG in every size), the site's share card, and the results charts
    with their print file per period; every misfit reported at once."""
    errors = []
    jobs = [*site_plan.images, *([site_plan.card] if site_plan.card else [])]
    for job in jobs:
        try:
            png, svg = pictures.render(job)
        except ImageError as exc:
            errors.append(ContentError(job.source or "", None, "", str(exc)))
            continue
        province = job.province.slug if job.province else None
        qr = (job.qr.url,) if job.qr else ()
        output.write(f"{job.path}.png", png, "image-png", province, job.source, qr)
        output.write(f"{job.path}.svg", svg, "image-svg", province, job.source, qr)
    failed = set()
    for chart in site_plan.charts:
        try:
            png, svg = pictures.render(chart)
        except ImageError as exc:
            errors.append(ContentError(chart.source, None, exc.field, str(exc)))
            failed.add(chart.path)
            continue
        output.write(f"{chart.path}.png", png, "chart-png", chart.province.slug, chart.source)
        output.write(f"{chart.path}.svg", svg, "chart-svg", chart.province.slug, chart.source)
    for paper in [] if skip_pdfs or printer is None else site_plan.chart_prints:
        if any(chart.path in failed for chart in paper.charts):
            continue  # already reported
        svgs = [scene.svg(pictures.scene(chart), embed_font=False) for chart in paper.charts]
        try:
            pdf = printer.pictures_pdf(svgs, paper.path, paper.title)
        except PrintError as exc:
            errors.append(ContentError(paper.source, None, "", str(exc)))
            continue
        output.write(paper.path, pdf, "print", paper.province.slug, paper.source)
    if errors:
        raise ContentErrors(errors)


def write_root_files(plan: BuildPlan, site: Site, theme: Path, output: Output) -> None:
    """Redirects, short-link pages, the service worker (one for every site, from the output root)
    and robots.txt, which points search engines at every site's sitemap."""
    output.write("sw.js", (theme / "sw.js").read_bytes(), "service-worker", None)
    sitemaps = [f"Sitemap: {site.config.base}/{_join(s.prefix, 'sitemap.xml')}" for s in plan.sites]
    output.write("robots.txt", "\n".join(["User-agent: *", "Allow: /", "", *sitemaps, ""]).encode(), "robots", None)
    for redirect in plan.redirects:
        html = render_redirect(redirect, site.config.base, theme)
        output.write(redirect.path, html, "redirect", redirect.province)
    source = site.sources[("short-links", "")]
    for page in plan.short_link_pages:
        html = render_short_link(page, site.config.base, theme)
        output.write(page.path, html, "short-link", page.province, source)


def _join(prefix: str, relative: str) -> str:
    return f"{prefix}/{relative}" if prefix else relative
