"""The build, read top to bottom: load, validate, plan, render, write."""

from __future__ import annotations

import datetime as dt
import filecmp
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
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
from .write import MANIFEST, Output, OutputError, locked, replace_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_THEME = PROJECT_ROOT / "theme"
CACHE_DIR = ".cache"
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"  # https://reproducible-builds.org/specs/source-date-epoch/


@dataclass
class BuildOptions:
    content: Path = Path("content")
    config: Path = Path("site_config.yml")
    out: Path = Path("site")
    province: str | None = None
    theme: Path = DEFAULT_THEME
    use_cache: bool = True  # reuse PDFs rendered before from the same input (.cache/ beside site_config.yml)
    skip_print: bool = False  # pages, QR images and short links only: a quick preview, not for publishing
    record_short_links: bool = True  # add new short codes to content/short-links.yml (verify leaves content alone)

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
    source_date_epoch: int = 0  # the build date the output carries (sitemaps), in seconds since 1970 UTC
    new_short_codes: list[str] = field(default_factory=list)  # codes issued by this build (recorded or not)


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
    epoch, origin = source_date_epoch(site)
    plan = plan_build(site, options.province)
    progress(f"Building {len(plan.sites) - 1} province site(s) and the national page into {options.out}")
    progress(f"  build date {dt.datetime.fromtimestamp(epoch, dt.UTC):%Y-%m-%d} ({origin})")

    cache = RenderCache(options.cache_dir)
    printer = PrintRenderer(options.theme, site.config, site.assets, cache)
    pictures = ImageRenderer(site.config, cache)
    # MkDocs dates the sitemaps (and the gzip header of sitemap.xml.gz) from SOURCE_DATE_EPOCH;
    # nothing else in the output carries a date or the time of the build.
    with _environment(SOURCE_DATE_EPOCH, str(epoch)), Output(options.out) as output:
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
        if site.short_links.new and options.record_short_links:
            # Only after the output is live (a code is recorded once something may carry it), and
            # still under the output's lock, so two builds never write the registry at once.
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
        source_date_epoch=epoch,
        new_short_codes=[link.code for link in site.short_links.new],
    )


def source_date_epoch(site: Site) -> tuple[int, str]:
    """The build date in seconds since 1970 UTC, and where it came from.

    SOURCE_DATE_EPOCH from the environment when it is set; else the newest `last_reviewed`
    of the guides and provinces at 00:00 UTC, so the same content always gives the same date.
    """
    value = os.environ.get(SOURCE_DATE_EPOCH)
    if value is not None:
        try:
            seconds = int(value)
        except ValueError:
            seconds = -1
        if seconds < 0:
            message = f"must be a whole number of seconds since 1970-01-01 UTC, got {value!r}"
            raise ContentErrors([ContentError(SOURCE_DATE_EPOCH, None, "", message)])
        return seconds, f"{SOURCE_DATE_EPOCH} from the environment"
    newest = max((item.last_reviewed for item in [*site.guides, *site.provinces]), default=None)
    if newest is None:
        return 0, "no dated content"
    return int(dt.datetime.combine(newest, dt.time(), dt.UTC).timestamp()), "the newest last_reviewed in the content"


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """Set an environment variable for the duration of a block (the build may run in-process)."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


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


# --- verify: rebuild into a temporary folder and compare with the live output --------


@dataclass(frozen=True)
class Difference:
    path: str  # relative to the output folder
    problem: str  # "differs", "missing" (only in the rebuild) or "extra" (only in the live output)
    detail: str


@dataclass
class VerifyReport:
    files: int  # files compared (the union of both trees)
    differences: list[Difference]
    unrecorded_codes: list[str]  # short codes the content needs that content/short-links.yml does not list

    @property
    def identical(self) -> bool:
        return not self.differences and not self.unrecorded_codes


def verify(options: BuildOptions, progress: Callable[[str], None] = log_to_stderr) -> VerifyReport:
    """Build the same content again into a temporary folder and compare every file with options.out.

    Writes nothing into options.out or the content folder: new short codes are reported, not recorded.
    """
    live = options.out
    if not (live / MANIFEST).is_file():
        raise OutputError(f"{live} holds no build to verify (no {MANIFEST})")
    with tempfile.TemporaryDirectory(prefix="dvc-verify-") as work:
        rebuilt = Path(work) / "site"
        report = build(replace(options, out=rebuilt, record_short_links=False), progress)
        progress(f"Comparing {live} with the rebuild")
        with locked(live):  # a build swapping the output mid-comparison would show false differences
            differences, files = compare_outputs(live, rebuilt)
    return VerifyReport(files, differences, report.new_short_codes)


def compare_outputs(live: Path, rebuilt: Path) -> tuple[list[Difference], int]:
    """Every file that is not byte-for-byte the same in both folders, and how many files were compared."""
    try:
        recorded = {e["path"]: e["sha256"] for e in json.loads((live / MANIFEST).read_text("utf-8"))["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        recorded = {}
    old, new = _files(live), _files(rebuilt)
    differences = []
    for path in sorted(old | new):
        if path not in old:
            differences.append(Difference(path, "missing", f"the rebuild has it, {live.name}/ does not"))
        elif path not in new:
            differences.append(Difference(path, "extra", f"in {live.name}/ only, the rebuild has no such file"))
        elif not filecmp.cmp(live / path, rebuilt / path, shallow=False):
            edited = path in recorded and recorded[path] != hashlib.sha256((live / path).read_bytes()).hexdigest()
            detail = f"changed after the build (no longer matches {MANIFEST})" if edited else "the rebuild differs"
            differences.append(Difference(path, "differs", detail))
    return differences, len(old | new)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
