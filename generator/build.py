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
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import parallel, text
from .cache import RenderCache, code_digest, digest
from .errors import ContentError, ContentErrors
from .load import REGISTRY_FILE, load_content
from .parallel import available_cores
from .plan import BuildPlan, Shard, SitePlan, kit_files, plan_build, print_batches
from .render import bundle, mkdocs_hooks, previews, qr, sanitize, scene, scripts, speech
from .render import site as render_site
from .render.images import ImageError, ImageRenderer
from .render.pages import render_pages
from .render.posts import PostError, post_text
from .render.print import PrintError, PrintRenderer
from .render.quiz import quiz_pdf
from .render.redirects import render_redirect, render_short_link
from .render.search import INDEX_NAME, search_index_json
from .render.site import SiteBuildError, build_site, mkdocs_config
from .render.video import VideoError, VideoRenderer
from .shortlinks import registry_yaml
from .validate import Site, load_config, validate
from .write import MANIFEST, Entry, Output, OutputError, locked, replace_file

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
    use_cache: bool = True  # reuse PDFs, pictures, QR codes and whole sites made before from the same input
    skip_print: bool = False  # no PDFs (leaflets, posters, scripts' and quiz PDFs): a quick preview, not for publishing
    skip_kit: bool = False  # no campaign kit files (scripts, posts, audio, videos, zip); its pages are still made
    skip_video: bool = False  # no step videos
    skip_audio: bool = False  # no audio drafts (scripts' MP3, video narration)
    record_short_links: bool = True  # add new short codes to content/short-links.yml (verify leaves content alone)
    jobs: int = 0  # processes to build provinces in; 0: one per available core
    shard: Shard | None = None  # build only this share of the provinces (merge the shards' outputs afterwards)
    tidy_later: bool = False  # remove the previous output in the background (serve, whose process goes on)

    @property
    def cache_dir(self) -> Path | None:
        return self.config.parent / CACHE_DIR if self.use_cache else None

    @property
    def processes(self) -> int:
        return self.jobs if self.jobs > 0 else available_cores()


@dataclass
class BuildReport:
    files: int
    pages: int
    seconds: float
    pdfs: int = 0
    pdfs_rendered: int = 0  # layouts WeasyPrint ran; the rest came from the cache
    images: int = 0
    images_rendered: int = 0  # pictures drawn (step pictures, cards, results charts); the rest came from the cache
    sites_built: int = 0  # sites the engine built; the rest were unchanged and came from the cache
    videos_rendered: int = 0  # step videos encoded; the rest came from the cache
    sites: int = 0
    source_date_epoch: int = 0  # the build date the output carries (sitemaps), in seconds since 1970 UTC
    new_short_codes: list[str] = field(default_factory=list)  # codes issued by this build (recorded or not)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # per stage, summed over the processes


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
    whole = plan_build(site, options.province)
    plan = options.shard.of(whole) if options.shard else whole
    jobs = min(options.processes, len(plan.sites))
    shard = f", shard {options.shard}" if options.shard else ""
    progress(f"Building {len(plan.sites)} site(s) into {options.out} with {jobs} process(es){shard}")
    progress(f"  build date {dt.datetime.fromtimestamp(epoch, dt.UTC):%Y-%m-%d} ({origin})")

    report = BuildReport(files=0, pages=sum(len(s.pages) for s in plan.sites), seconds=0.0, sites=len(plan.sites))
    # MkDocs dates the sitemaps (and the gzip header of sitemap.xml.gz) from SOURCE_DATE_EPOCH;
    # nothing else in the output carries a date or the time of the build. Set before workers fork.
    with _environment(SOURCE_DATE_EPOCH, str(epoch)), Output(options.out, options.tidy_later) as output:
        work = Work(site, plan, options, output, engine_fingerprint(options.theme), epoch)
        run_sites(work, STAGES, jobs, report, progress)
        if not options.shard or options.shard.index == 1:
            write_root_files(whole, site, options.theme, output)
        manifest = output.commit(_shard_record(options.shard, whole, epoch) if options.shard else None)
        if site.short_links.new and options.record_short_links:
            # Only after the output is live (a code is recorded once something may carry it), and
            # still under the output's lock, so two builds never write the registry at once.
            replace_file(options.content / REGISTRY_FILE, registry_yaml(site.short_links.updated_registry()))
            progress(f"  {len(site.short_links.new)} new short code(s) recorded in {options.content / REGISTRY_FILE}")

    report.files = len(manifest["files"])
    report.seconds = time.perf_counter() - started
    report.pdfs = 0 if options.skip_print else sum(len(s.prints) + len(s.chart_prints) for s in plan.sites)
    report.images = sum(len(s.images) + (s.card is not None) + len(s.charts) for s in plan.sites)
    report.source_date_epoch = epoch
    report.new_short_codes = [link.code for link in site.short_links.new]
    return report


# --- the work of one site, run in worker processes --------------------------------------------

STAGES = ("site", "qr", "images", "print", "kit", "redirects")


@dataclass
class Work:
    """Everything a site's task reads. Set up before the workers fork, so they inherit it as it is;
    the renderers are made in each process on first use (WeasyPrint's font state must not cross a fork)."""

    site: Site
    plan: BuildPlan
    options: BuildOptions
    output: Output
    engine: str = ""  # engine_fingerprint() of the theme, read once per build
    epoch: int = 0  # the build date (SOURCE_DATE_EPOCH): the date of the files in the kit's zip
    _renderers: tuple[PrintRenderer, ImageRenderer, RenderCache] | None = None
    _videos: VideoRenderer | None = None

    def renderers(self) -> tuple[PrintRenderer, ImageRenderer, RenderCache]:
        if self._renderers is None:
            cache = RenderCache(self.options.cache_dir)
            printer = PrintRenderer(self.options.theme, self.site.config, self.site.assets, cache)
            self._renderers = printer, ImageRenderer(self.site.config, cache), cache
        return self._renderers

    def videos(self) -> VideoRenderer:
        if self._videos is None:
            self._videos = VideoRenderer(self.site.config, self.renderers()[2])
        return self._videos


@dataclass
class SiteResult:
    """What a worker sends back: its share of the manifest, its errors, and its counts."""

    entries: dict[str, Entry]
    errors: list[ContentError]
    engine_errors: list[str]
    pdfs_rendered: int
    images_rendered: int
    site_built: bool
    seconds: dict[str, float]
    videos_rendered: int = 0


_work: Work | None = None  # the current build's work, read by the forked workers


def run_sites(work: Work, stages: tuple[str, ...], jobs: int, report: BuildReport, progress) -> None:
    """Run the given stages for every site of the plan, largest first, on `jobs` processes; every
    error of every site is reported at once, after all sites have run."""
    global _work
    plan = work.plan
    order = sorted(range(len(plan.sites)), key=lambda n: (-_size(plan.sites[n]), n))
    if jobs > 1 and "site" in stages:
        _warm_up_engine(work)
    errors: list[ContentError] = []
    engine_errors: list[tuple[int, str]] = []  # by the site's place in the plan, whatever order they end in
    _work = work
    try:
        for done, (position, result) in enumerate(
            parallel.run(_site_task, [(n, stages) for n in order], jobs), start=1
        ):
            site_plan = plan.sites[order[position]]
            work.output.adopt(result.entries)
            errors += result.errors
            engine_errors += [(order[position], message) for message in result.engine_errors]
            report.pdfs_rendered += result.pdfs_rendered
            report.images_rendered += result.images_rendered
            report.sites_built += result.site_built
            report.videos_rendered += result.videos_rendered
            for stage, seconds in result.seconds.items():
                report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + seconds
            name = site_plan.prefix or "national page"
            pdfs = 0 if work.options.skip_print else len(site_plan.prints) + len(site_plan.chart_prints)
            cached = "" if result.site_built else ", pages unchanged"
            progress(
                f"  [{done}/{len(order)}] {name}: {len(site_plan.pages)} pages{cached}, "
                f"{pdfs} PDFs in {sum(result.seconds.values()):.1f} s"
            )
    finally:
        _work = None
    if engine_errors:
        raise SiteBuildError("\n".join(message for _, message in sorted(engine_errors)))
    if errors:
        raise ContentErrors(errors)


def _warm_up_engine(work: Work) -> None:
    """Build the smallest site once in this process and throw it away, so that the workers forked
    next start with the engine's templates compiled (about 0.2 s each) instead of compiling them
    every one. `serve` keeps its process, so after the first build this costs a few milliseconds."""
    smallest = min(work.plan.sites, key=lambda s: len(s.pages))
    theme = work.options.theme
    pages = render_pages(smallest, theme / "pages")
    with tempfile.TemporaryDirectory(prefix="dvc-warm-") as folder, suppress(SiteBuildError):
        build_site(smallest, pages, {}, work.site.config, theme, Path(folder))  # its own task reports errors


def _size(site_plan: SitePlan) -> int:
    """Rough cost of a site, to start the longest first."""
    return len(site_plan.pages) + 10 * len(site_plan.prints) + 2 * len(site_plan.images)


def _site_task(task: tuple[int, tuple[str, ...]]) -> SiteResult:
    number, stages = task
    work = _work
    assert work is not None, "run_sites sets the work before its tasks run"
    site_plan = work.plan.sites[number]
    printer, pictures, cache = work.renderers()
    pdfs_before, images_before, videos_before = printer.renders, pictures.renders, work.videos().renders
    errors: list[ContentError] = []
    engine_errors: list[str] = []
    seconds: dict[str, float] = {}
    site_built = False
    with work.output.collecting() as entries:
        for stage in stages:
            started = time.perf_counter()
            try:
                if stage == "site":
                    site_built = write_site(site_plan, work.site, work.options.theme, work.output, cache, work.engine)
                elif stage == "qr":
                    write_qr_images(site_plan, work.output, cache)
                elif stage == "images":
                    write_images(site_plan, pictures, work.output, printer, work.options.skip_print)
                elif stage == "print" and not work.options.skip_print:
                    write_print(site_plan, printer, work.output)
                elif stage == "kit" and site_plan.kit and not work.options.skip_kit:
                    write_kit(site_plan, work)
                elif stage == "redirects":
                    write_redirects(site_plan, work.plan, work.site, work.options.theme, work.output)
            except ContentErrors as exc:
                errors += exc.errors
            except SiteBuildError as exc:
                engine_errors.append(str(exc))
                break  # the site's folder is missing: its other files would have nowhere to go
            seconds[stage] = time.perf_counter() - started
    return SiteResult(
        entries=entries,
        errors=errors,
        engine_errors=engine_errors,
        pdfs_rendered=printer.renders - pdfs_before,
        images_rendered=pictures.renders - images_before,
        site_built=site_built,
        seconds=seconds,
        videos_rendered=work.videos().renders - videos_before,
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


def write_site(
    site_plan: SitePlan, site: Site, theme: Path, output: Output, cache: RenderCache, engine: str = ""
) -> bool:
    """The site's pages through the engine, or its unchanged copy from the cache; True if built."""
    pages = render_pages(site_plan, theme / "pages")
    files = {INDEX_NAME: search_index_json(site_plan, site.config)} if site_plan.search_page else {}
    built = output.build_dir(site_plan.prefix)
    key = site_key(site_plan, pages, files, site.config, theme, engine or engine_fingerprint(theme))
    engine_ran = not cache.get_tree("site", key, built)
    if engine_ran:
        build_site(site_plan, pages, files, site.config, theme, built)
        cache.put_tree("site", key, built)
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
    return engine_ran


def site_key(
    site_plan: SitePlan, pages: dict[str, str], files: dict[str, bytes], config, theme: Path, engine: str
) -> str:
    """Everything a site's engine build depends on: its configuration, Markdown, files and pictures,
    the theme, the engine's code and version, and the build date (which the sitemaps carry)."""
    placeholder = Path("/dvc")
    engine_config = json.dumps(mkdocs_config(site_plan, config, theme, placeholder, placeholder), sort_keys=True)
    parts: list[str | bytes] = [_SITE_CACHE_VERSION, engine, engine_config]
    parts += [os.environ.get(SOURCE_DATE_EPOCH, "")]
    for name, markdown in sorted(pages.items()):
        parts += [name, markdown]
    for name, data in sorted([*files.items(), *((a.name, a.data) for a in site_plan.assets)]):
        parts += [name, data]
    return digest(*parts)


_SITE_CACHE_VERSION = "1"
_ENGINE_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "nh3", "jinja2", "pyyaml")


def engine_fingerprint(theme: Path) -> str:
    """The engine's versions, our code that drives it, and every file of the theme it reads."""
    code = code_digest((render_site, mkdocs_hooks, sanitize, text), _ENGINE_PACKAGES)
    theme_files = sorted(p for p in (theme / "overrides").rglob("*") if p.is_file())
    return digest(code, *(f"{p.relative_to(theme)}\0".encode() + p.read_bytes() for p in theme_files))


def _shard_record(shard: Shard, whole: BuildPlan, epoch: int) -> dict:
    """What merge checks: every share of the same build is there once."""
    return {"index": shard.index, "count": shard.count, "sites": [s.prefix for s in whole.sites], "epoch": epoch}


def write_print(site_plan: SitePlan, printer: PrintRenderer, output: Output) -> None:
    """Leaflets, posters and full guides of one province; every misfit reported at once."""
    errors = []
    for batch in print_batches(site_plan.prints):
        try:
            rendered = printer.render_communes(batch) if len(batch) > 1 else {batch[0].path: printer.render(batch[0])}
        except PrintError as exc:
            errors.append(ContentError(exc.job.source or "", None, "", str(exc)))
            continue
        for job in batch:
            pdf = rendered[job.path].pdf
            output.write(job.path, pdf, "print", job.province.slug, job.source, tuple(i.qr.url for i in job.items))
            errors += write_preview(job.path, pdf, site_plan, printer.cache, output, job.source)
    if errors:
        raise ContentErrors(errors)


def write_preview(
    pdf_path: str, pdf: bytes, site_plan: SitePlan, cache: RenderCache, output: Output, source: str | None
) -> list[ContentError]:
    """The first page of a print file as the kit page's preview picture, if the plan shows one."""
    planned = site_plan.kit.previews.get(pdf_path) if site_plan.kit else None
    if planned is None:
        return []
    try:
        png = previews.pdf_preview(pdf, cache=cache)
    except previews.PreviewError as exc:
        return [ContentError(source or "", None, "", f"{pdf_path}: {exc}")]
    output.write(planned[0], png, "preview", site_plan.prefix, source)
    return []


def write_kit(site_plan: SitePlan, work: Work) -> None:
    """The campaign kit of a province: loudspeaker scripts (text, PDF, audio draft), posts, the quiz
    sheet, step videos with subtitles, then the zip of it all with the province's leaflets and
    pictures (made by the earlier stages); every problem reported at once."""
    kit, options, output = site_plan.kit, work.options, work.output
    assert kit is not None and site_plan.province is not None
    config = work.site.config
    printer, _, cache = work.renderers()
    slug = site_plan.province.slug
    errors: list[ContentError] = []

    def failed(source: str | None, exc: Exception) -> None:
        errors.append(ContentError(source or "", None, "", str(exc)))

    for job in kit.scripts:
        qr_url = (job.item.qr.url,)
        try:
            script = scripts.script_for(job, config)
            text = scripts.script_txt(job, script, config)
            output.write(f"{job.path}.txt", text, "script-text", slug, job.source, qr_url)
            if not options.skip_print:
                pdf = scripts.script_pdf(job, script, printer)
                output.write(f"{job.path}.pdf", pdf, "script-pdf", slug, job.source, qr_url)
            if job.audio and not options.skip_audio:
                mp3 = speech.speak(script.text, config.campaign.reading_speed, cache)
                output.write(f"{job.path}.mp3", mp3, "script-audio", slug, job.source)
        except (scripts.ScriptError, PrintError, speech.SpeechError) as exc:
            failed(job.source, exc)
    for post in kit.posts:
        try:
            output.write(post.path, post_text(post, config), "post", slug, post.source, (post.item.qr.url,))
        except PostError as exc:
            failed(post.source, exc)
    if kit.quiz and not options.skip_print:
        try:
            pdf = quiz_pdf(kit.quiz, printer)
            output.write(kit.quiz.path, pdf, "quiz-pdf", slug, kit.quiz.source)
            errors += write_preview(kit.quiz.path, pdf, site_plan, cache, output, kit.quiz.source)
        except PrintError as exc:
            failed(kit.quiz.source, exc)
    for job in [] if options.skip_video else kit.videos:
        try:
            video = work.videos().render(job, narrate=job.narrated and not options.skip_audio)
        except (VideoError, speech.SpeechError) as exc:
            failed(job.source, exc)
            continue
        output.write(f"{job.path}.mp4", video.mp4, "video", slug, job.source, (job.item.qr.url,))
        output.write(f"{job.path}.vtt", video.vtt, "subtitles", slug, job.source)
    if errors:
        raise ContentErrors(errors)
    files = kit_files(site_plan, not options.skip_audio, not options.skip_video, not options.skip_print)
    contents = [(name.removeprefix(f"{slug}/"), output.path(name).read_bytes()) for name in files]
    about = bundle.about_text(site_plan, config)
    output.write(kit.zip, bundle.zip_bytes(contents, about, work.epoch), "kit-zip", slug)


def write_qr_images(site_plan: SitePlan, output: Output, cache: RenderCache) -> None:
    """Every QR code of the province as PNG (300 dpi) and SVG, for people making their own prints."""
    for image in site_plan.qr_images:
        png, svg = qr.files(image.qr.url, cache)
        output.write(f"{image.path}.png", png, "qr-png", image.province, None, (image.qr.url,))
        output.write(f"{image.path}.svg", svg, "qr-svg", image.province, None, (image.qr.url,))


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
        qr_urls = (job.qr.url,) if job.qr else ()
        output.write(f"{job.path}.png", png, "image-png", province, job.source, qr_urls)
        output.write(f"{job.path}.svg", svg, "image-svg", province, job.source, qr_urls)
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


def write_redirects(site_plan: SitePlan, plan: BuildPlan, site: Site, theme: Path, output: Output) -> None:
    """The province's old addresses (merged provinces, renamed guides) and its printed short links."""
    if site_plan.province is None:
        return
    slug = site_plan.province.slug
    for redirect in plan.redirects:
        if redirect.province == slug:
            output.write(redirect.path, render_redirect(redirect, site.config.base, theme), "redirect", slug)
    source = site.sources[("short-links", "")]
    for page in plan.short_link_pages:
        if page.province == slug:
            html = render_short_link(page, site.config.base, theme)
            output.write(page.path, html, "short-link", slug, source)


def write_root_files(plan: BuildPlan, site: Site, theme: Path, output: Output) -> None:
    """The service worker (one for every site, from the output root) and robots.txt, which points
    search engines at every site's sitemap (given the whole plan when the build is a shard)."""
    output.write("sw.js", (theme / "sw.js").read_bytes(), "service-worker", None)
    sitemaps = [f"Sitemap: {site.config.base}/{_join(s.prefix, 'sitemap.xml')}" for s in plan.sites]
    output.write("robots.txt", "\n".join(["User-agent: *", "Allow: /", "", *sitemaps, ""]).encode(), "robots", None)


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
