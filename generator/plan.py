"""Stage 3, plan: decide every output (sites, pages, redirects) before anything renders.

The plan is plain data. Renderers turn it into files; nothing here touches disk.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from .load import Asset
from .models import Commune, Guide, Province, QuizQuestion
from .results import MEASURES, Measure, PeriodResults
from .shortlinks import encode
from .text import slugify, sort_key
from .validate import Site

GUIDES_DIR = "huong-dan"
FAQ_DIR = "hoi-dap"
HELP_PAGE = "ho-tro-truc-tiep.md"
PRINT_PAGE = "tai-lieu-in.md"
SEARCH_PAGE = "tim-kiem.md"
PRINT_DIR = "in"  # print files of a province: in/<guide>/..., in/<commune>/<guide>/...
CHECK_PAGE = "kiem-tra-to-roi.md"  # on the national site
SHORT_LINK_DIR = "q"
LEAFLET_FORMATS = ("a4-trifold", "a5", "a6")
POSTER_FORMATS = ("poster-a4", "poster-a3")
INFOGRAPHIC_FORMATS = ("infographic-a4", "infographic-a3")  # the step infographic for print
PRINT_FILE_NAMES = {
    "a4-trifold": "to-roi-a4-gap-ba.pdf",
    "a5": "to-roi-a5.pdf",
    "a6": "the-a6.pdf",
    "guide-a4": "huong-dan-day-du-a4.pdf",
    "poster-a4": "ap-phich-a4.pdf",
    "poster-a3": "ap-phich-a3.pdf",
    "infographic-a4": "anh-in-a4.pdf",
    "infographic-a3": "anh-in-a3.pdf",
}
PRINT_LABELS = {
    "a4-trifold": "Tờ rơi A4 gấp ba",
    "a5": "Tờ rơi A5 hai mặt",
    "a6": "Thẻ A6 hai mặt",
    "guide-a4": "Hướng dẫn đầy đủ A4",
    "poster-a4": "Áp phích A4",
    "poster-a3": "Áp phích A3",
    "infographic-a4": "Ảnh các bước, bản in A4",
    "infographic-a3": "Ảnh các bước, bản in A3",
}
POSTER_MAX_GUIDES = 4
IMAGE_DIR = "anh"  # pictures for sharing: anh/<guide>/..., with a page anh/<guide>/ that shows them
# Step infographics in the sizes people post: (file name stem, width, height, label).
STEP_IMAGE_SIZES = (
    ("bang-tin", 1080, 1350, "Bảng tin Facebook, Zalo (1080×1350)"),
    ("tin", 1080, 1920, "Tin (story) dọc (1080×1920)"),
    ("xem-truoc", 1200, 630, "Ảnh xem trước khi chia sẻ liên kết (1200×630)"),
)
CARD_SIZE = (1200, 630)  # the share card of pages that are not guides
RESULTS_PAGE = "ket-qua.md"  # outreach results of a province: figures, charts and their print file
RESULTS_DIR = "ket-qua"  # charts: ket-qua/<period>/tien-do, ket-qua/<period>/<commune>/tien-do, .../so-sanh-<measure>
CHART_SIZE = (1080, 1350)  # the feed size; the same picture is placed on A4 for print
COMPARISON_MAX_ROWS = 8  # communes per comparison picture; more are split over several pictures
RESULTS_PRINT_NAME = "bao-cao-a4.pdf"  # per period: the province's progress and the comparisons, a page each
KIT_PAGE = "truyen-thong.md"  # the campaign kit of a province: every asset, a preview and a download each
KIT_DIR = "truyen-thong"  # its files: truyen-thong/<guide>/..., truyen-thong/<guide>/<commune>/loa-*
QUIZ_PAGE = "trac-nghiem.md"
QUIZ_PRINT_NAME = "trac-nghiem-a4.pdf"  # the quiz sheet and, on its last page, the answer key
POST_PLATFORMS = ("zalo", "facebook")
PREVIEW_WIDTH = 480  # pixels: 240 CSS pixels at 2x
PREVIEW_SUFFIX = ".xem-truoc.png"  # "preview": beside the PDF, to-roi-a4-gap-ba.pdf -> to-roi-a4-gap-ba.xem-truoc.png
# Print formats whose PDF gets a preview on the kit page: one per guide (the tri-fold, the first leaflet
# format; its outside shows the cover panel with title, summary and QR code) and the A4 poster.
# The A5 and A6 leaflets and the A3 poster are the same material in another size, the full guide is
# pages of text, and the step infographics have their own pictures on the page.
PREVIEW_FORMATS = ("a4-trifold", "poster-a4")
QUIZ_PAPER = "quiz"  # PAPER_MM's key for the quiz sheet (a QuizSheet, not a PrintJob)
# (width, height) in mm of the first page of each kind of print file, as theme/print/print.css
# (@page) and theme/print/quiz-a4.html.j2 set it.
PAPER_MM: dict[str, tuple[float, float]] = {
    "a4-trifold": (297, 210),
    "a5": (148, 210),
    "a6": (105, 148),
    "guide-a4": (210, 297),
    "poster-a4": (210, 297),
    "poster-a3": (297, 420),
    "infographic-a4": (210, 297),
    "infographic-a3": (297, 420),
    QUIZ_PAPER: (210, 297),
}
Preview = tuple[str, int, int]  # (PNG path relative to the output root, width, height in pixels)
VIDEO_NAME = "video-cac-buoc"  # .mp4 and .vtt, per guide
MEASURE_SLUGS = {  # short file names of the comparison charts; other measures use their column name
    "dossiers_supported": "ho-so",
    "people_guided": "luot-huong-dan",
    "accounts_created": "tai-khoan",
    "volunteers_trained": "tap-huan",
}


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


@dataclass(frozen=True)
class QrCode:
    """A printed QR code: the permanent short link it encodes."""

    code: str
    url: str  # <base_url>/q/<code>/: the folder's own address, served without a redirect
    display: str  # <base_url>/q/<code> without https://, printed under the code for typing

    @classmethod
    def of(cls, code: str, base: str) -> QrCode:
        address = f"{base}/{SHORT_LINK_DIR}/{code}"
        return cls(code, f"{address}/", address.removeprefix("https://"))


@dataclass(frozen=True)
class PrintItem:
    """One guide as printed: the guide for the province and the code that leads to it."""

    guide: GuideInProvince
    qr: QrCode
    page: str  # the guide page's URL relative to the output root


@dataclass(frozen=True)
class PrintJob:
    """One PDF: a leaflet, a poster or a full printable guide."""

    path: str  # relative to the output root
    format: str  # a key of PRINT_FILE_NAMES
    province: Province
    commune: Commune | None
    items: tuple[PrintItem, ...]  # one guide, or several on a poster
    source: str | None

    @property
    def label(self) -> str:
        return PRINT_LABELS[self.format]


@dataclass(frozen=True)
class QrImage:
    """A downloadable QR image (PNG at 300 dpi and SVG) for a guide page."""

    path: str  # without suffix, relative to the output root
    qr: QrCode
    province: str


@dataclass(frozen=True)
class ShortLinkPage:
    """The static page behind a short link: says what the code is and sends the visitor on."""

    path: str
    code: str
    target: str  # the guide page (or the province's guide list if retired), relative to the output root
    guide_title: str
    province_name: str
    commune_name: str | None
    batch: str
    province: str
    retired: str | None = None  # why the guide no longer applies; the code still leads somewhere useful


@dataclass(frozen=True)
class ImageJob:
    """One picture (PNG and SVG): a guide's steps at one size, or a site's share card."""

    path: str  # relative to the output root, without suffix
    width: int
    height: int
    province: Province | None
    guide: GuideInProvince | None  # None: the share card
    qr: QrCode | None
    source: str | None
    label: str = ""


@dataclass(frozen=True)
class ChartJob:
    """One results chart (PNG and SVG): progress against target of a place, or communes compared on a measure."""

    path: str  # relative to the output root, without suffix
    width: int
    height: int
    province: Province
    commune: Commune | None  # progress of one commune; None: the province (progress) or all communes (comparison)
    period: PeriodResults = field(hash=False, compare=False)
    measure: Measure | None  # the measure compared; None for progress
    kind: str  # progress | comparison
    source: str  # the results file, content/results/<province>.csv
    part: int = 1  # comparison: which picture of `parts`, when the communes do not fit in one
    parts: int = 1

    @property
    def label(self) -> str:
        """What the chart shows, in words: for alt text and download lists."""
        if self.kind == "progress":
            place = self.commune.name if self.commune else f"{self.province.kind} {self.province.name}"
            figures = self.period.communes[self.commune.slug] if self.commune else self.period.province
            shown = "Tiến độ so với chỉ tiêu" if figures.target else "Số đã thực hiện (chưa đặt chỉ tiêu)"
            return f"{shown}, {place}, {self.period.label}"
        assert self.measure is not None
        part = f", phần {self.part}/{self.parts}" if self.parts > 1 else ""
        return f"So sánh các xã, phường: {self.measure.label}, {self.period.label}{part}"


@dataclass(frozen=True)
class ChartPrint:
    """The print file of one period: the province's progress chart and the comparisons, one A4 page each."""

    path: str  # relative to the output root
    province: Province
    period: PeriodResults = field(hash=False, compare=False)
    charts: tuple[ChartJob, ...]
    source: str

    @property
    def title(self) -> str:
        return f"Kết quả {self.period.label} – {self.province.kind} {self.province.name}"


@dataclass
class SitePlan:
    """One static site: the national landing (prefix '') or a province (prefix = its slug)."""

    prefix: str
    title: str
    province: Province | None
    pages: list[Page]
    nav: list[tuple[str, str]]  # (title, page path)
    assets: list[Asset] = field(default_factory=list)
    prints: list[PrintJob] = field(default_factory=list)
    qr_images: list[QrImage] = field(default_factory=list)
    images: list[ImageJob] = field(default_factory=list)
    card: ImageJob | None = None  # the share picture (og:image) of pages without their own
    charts: list[ChartJob] = field(default_factory=list)  # outreach results charts (ket-qua/)
    chart_prints: list[ChartPrint] = field(default_factory=list)  # their print file, one per period
    search_page: str | None = None  # address of the site's search page, relative to the site (province sites)
    kit: Kit | None = None  # the campaign kit (province sites)


@dataclass(frozen=True)
class ScriptJob:
    """A loudspeaker script (bài đọc loa truyền thanh): a guide read aloud in about `seconds`,
    for the province or for one commune (its service centre, duty hours and short link)."""

    path: str  # without suffix: .txt and .pdf, and .mp3 with an audio draft
    seconds: int
    item: PrintItem  # the guide and the short link read out (the commune's own for a commune script)
    commune: Commune | None
    audio: bool
    source: str | None

    @property
    def province(self) -> Province:
        return self.item.guide.province

    @property
    def label(self) -> str:
        minutes = f"{self.seconds // 60} phút" if self.seconds % 60 == 0 else f"{self.seconds} giây"
        return f"Bài đọc loa {minutes}"


@dataclass(frozen=True)
class PostJob:
    """A ready-to-post text for Zalo or Facebook, paired with the guide's feed picture."""

    path: str  # .txt, relative to the output root
    platform: str  # one of POST_PLATFORMS
    item: PrintItem
    image: str  # the paired picture, relative to the output root, without suffix (.png)
    source: str | None


@dataclass(frozen=True)
class VideoJob:
    """A short vertical video of a guide's steps (1080x1920 MP4) with WebVTT subtitles."""

    path: str  # without suffix: .mp4 and .vtt
    item: PrintItem
    narrated: bool  # with the audio draft read over it
    source: str | None


@dataclass(frozen=True)
class QuizEntry:
    """A quiz question as a province asks it, with the guide that holds the answer."""

    question: QuizQuestion
    guide_title: str
    page: str  # the guide page, relative to the output root
    number: int  # from 1, in the province's quiz


@dataclass(frozen=True)
class QuizSheet:
    """The printable quiz of a province for events, its answer key on the last page."""

    path: str  # .pdf, relative to the output root
    province: Province
    entries: tuple[QuizEntry, ...]
    source: str | None


@dataclass
class Kit:
    """A province's campaign kit: what its page truyen-thong/ lists and its zip holds."""

    scripts: list[ScriptJob]
    posts: list[PostJob]
    videos: list[VideoJob]
    quiz: QuizSheet | None
    zip: str  # relative to the output root
    previews: dict[str, Preview] = field(default_factory=dict)  # PDF path -> its preview picture


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
    short_link_pages: list[ShortLinkPage] = field(default_factory=list)


@dataclass(frozen=True)
class Shard:
    """One of `count` shares of a build, numbered from 1: provinces are dealt out in turn, in
    content order, so every machine that builds the same content agrees on the split. The first
    share also holds the national page and the files at the root of the output."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, slash, count = text.partition("/")
        if not (slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise ValueError(f"expected i/N with 1 <= i <= N, for example 1/4, not {text!r}")
        return cls(int(index), int(count))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def of(self, plan: BuildPlan) -> BuildPlan:
        provinces = [s.prefix for s in plan.sites if s.province is not None]
        mine = set(provinces[self.index - 1 :: self.count])
        return BuildPlan(
            sites=[s for s in plan.sites if s.prefix in mine or (s.province is None and self.index == 1)],
            redirects=[r for r in plan.redirects if r.province in mine],
            short_link_pages=[p for p in plan.short_link_pages if p.province in mine],
        )


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
    built = {p.slug for p in provinces}
    return BuildPlan(sites=sites, redirects=redirects, short_link_pages=plan_short_link_pages(site, built))


def plan_short_link_pages(site: Site, provinces: set[str]) -> list[ShortLinkPage]:
    """A page for every code ever issued whose guide is in this build, leading to the guide today."""
    names = {p.slug: p for p in site.provinces}
    titles = {g.slug: g.title for g in site.guides} | {old: g.title for g in site.guides for old in g.former_slugs}
    pages = []
    for issued in site.short_links.all():
        if issued.province not in provinces:
            continue
        province = names[issued.province]
        communes = {c.slug: c.name for c in province.communes}
        guide = issued.guide or issued.link.guide
        pages.append(
            ShortLinkPage(
                path=f"{SHORT_LINK_DIR}/{issued.code}/index.html",
                code=issued.code,
                target=f"{issued.province}/{GUIDES_DIR}/" + (f"{issued.guide}/" if issued.guide else ""),
                guide_title=titles.get(guide, guide),
                province_name=province.name,
                commune_name=communes.get(issued.link.commune or ""),
                batch=issued.link.batch,
                province=issued.province,
                retired=issued.link.retired,
            )
        )
    return pages


def plan_landing(site: Site) -> SitePlan:
    context = {"provinces": site.provinces, "config": site.config, "check_page": CHECK_PAGE, "example_code": encode(1)}
    pages = [
        Page("index.md", "landing.md.j2", site.config.site_name, "landing", None, context),
        Page(CHECK_PAGE, "check-leaflet.md.j2", "Kiểm tra tờ rơi", "check-leaflet", None, context),
    ]
    card = ImageJob(f"{IMAGE_DIR}/the-chia-se", *CARD_SIZE, None, None, None, None)
    return SitePlan(prefix="", title=site.config.site_name, province=None, pages=pages, nav=[], card=card)


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
    search_context = {**base, "fields": _by_field(guides)}
    search = Page(SEARCH_PAGE, "search.md.j2", "Tìm kiếm", "search", None, search_context)
    pages.append(search)

    prints, qr_images = plan_print(site, province, guides, featured)
    leaflets: dict[str, list[PrintJob]] = {image.qr.code: [] for image in qr_images}
    for job in prints:
        if job.commune is None and len(job.items) == 1 and job.items[0].qr.code in leaflets:
            leaflets[job.items[0].qr.code].append(job)
    by_commune: dict[str, list[PrintJob]] = {}
    for job in prints:
        if job.commune is not None:
            by_commune.setdefault(job.commune.slug, []).append(job)
    print_context = {
        "posters": [j for j in prints if j.commune is None and j.format in POSTER_FORMATS],
        "rows": [(g, image, leaflets[image.qr.code]) for g, image in zip(guides, qr_images, strict=True)],
        "communes": [(c, by_commune[c.slug]) for c in province.communes if c.slug in by_commune],
    }
    pages.append(Page(PRINT_PAGE, "print-materials.md.j2", "Tài liệu in", "print", source, {**base, **print_context}))
    images = plan_step_images(site, province, guides, qr_images)
    images_of: dict[str, list[ImageJob]] = {g.slug: [] for g in guides}
    for job in images:
        images_of[job.guide.slug].append(job)
    qr_of = {g.slug: image for g, image in zip(guides, qr_images, strict=True)}
    for page in pages:
        if page.kind == "guide":
            guide = page.context["guide"]
            page.context["qr_image"] = qr_of[guide.slug]
            page.context["prints"] = leaflets[qr_of[guide.slug].qr.code]
            page.context["og_image"] = f"{site.config.base}/{_preview(images_of[guide.slug])}.png"
    for guide, image in zip(guides, qr_images, strict=True):
        own = images_of[guide.slug]
        context = {**base, "guide": guide, "images": own, "qr_image": image, "prints": leaflets[image.qr.code]}
        context["og_image"] = f"{site.config.base}/{_preview(own)}.png"
        title = f"Ảnh hướng dẫn: {guide.title}"
        pages.append(Page(f"{IMAGE_DIR}/{guide.slug}.md", "infographic.md.j2", title, "infographic", None, context))
    kit = plan_kit(site, province, guides, prints)
    if kit.quiz:
        pages.append(Page(QUIZ_PAGE, "quiz.md.j2", "Trắc nghiệm", "quiz", kit.quiz.source, {**base, "quiz": kit.quiz}))
    kit_context = {**base, "kit": kit, "rows": print_context["rows"], "posters": print_context["posters"]}
    kit_context |= {"images_of": images_of, "communes": print_context["communes"], "previews": kit.previews}
    kit_context |= {"scripts_of": _by_guide(kit.scripts, guides), "posts_of": _by_guide(kit.posts, guides)}
    pages.append(Page(KIT_PAGE, "kit.md.j2", "Bộ tài liệu truyền thông", "kit", source, kit_context))
    card = ImageJob(f"{province.slug}/{IMAGE_DIR}/the-chia-se", *CARD_SIZE, province, None, None, source)
    charts, chart_prints, results_pages = plan_results(site, province)
    pages += results_pages

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
            ("Tài liệu in", PRINT_PAGE),
            *([("Trắc nghiệm", QUIZ_PAGE)] if kit.quiz else []),
            ("Truyền thông", KIT_PAGE),
            *[("Kết quả", page.path) for page in results_pages],
        ],
        assets=[site.assets[name] for name in sorted(used_images)],
        prints=prints,
        qr_images=qr_images,
        images=images,
        card=card,
        charts=charts,
        chart_prints=chart_prints,
        search_page=search.url,
        kit=kit,
    )


def plan_results(site: Site, province: Province) -> tuple[list[ChartJob], list[ChartPrint], list[Page]]:
    """Charts of the province's outreach results for each period, their print files and the page ket-qua/
    that shows them with the figures as tables; nothing when the province has no results file."""
    results = site.results.get(province.slug)
    if results is None:
        return [], [], []
    communes = {c.slug: c for c in province.communes}
    charts: list[ChartJob] = []
    prints: list[ChartPrint] = []
    periods = []

    def folder(period: PeriodResults) -> str:
        return f"{province.slug}/{RESULTS_DIR}/{slugify(period.period)}"

    def chart(
        period: PeriodResults,
        name: str,
        kind: str,
        commune: Commune | None = None,
        measure: Measure | None = None,
        part: int = 1,
        parts: int = 1,
    ) -> ChartJob:
        job = ChartJob(
            f"{folder(period)}/{name}",
            *CHART_SIZE,
            province,
            commune,
            period,
            measure,
            kind,
            results.source,
            part,
            parts,
        )
        charts.append(job)
        return job

    for period in results.periods:
        progress = chart(period, "tien-do", "progress") if period.province.actual else None
        own = [
            (communes[slug], chart(period, f"{slug}/tien-do", "progress", communes[slug]) if figures.actual else None)
            for slug, figures in period.communes.items()
        ]
        comparisons = []
        for measure in MEASURES:
            count = sum(measure.key in f.actual for f in period.communes.values())
            if count < 2:  # a comparison needs two communes
                continue
            parts = -(-count // COMPARISON_MAX_ROWS)
            stem = f"so-sanh-{MEASURE_SLUGS.get(measure.key, slugify(measure.key))}"
            for part in range(1, parts + 1):
                name = stem if parts == 1 else f"{stem}-{part}"
                comparisons.append(chart(period, name, "comparison", measure=measure, part=part, parts=parts))
        printed = ([progress] if progress else []) + comparisons
        pdf = ChartPrint(f"{folder(period)}/{RESULTS_PRINT_NAME}", province, period, tuple(printed), results.source)
        if printed:
            prints.append(pdf)
        periods.append(
            {
                "results": period,
                "anchor": f"ket-qua-{slugify(period.period)}",
                "progress": progress,
                "communes": own,
                "comparisons": comparisons,
                "print": pdf if printed else None,
            }
        )
    context = {
        "province": province,
        "config": site.config,
        "measures": MEASURES,
        "periods": periods[::-1],  # newest first
        "source": results.source,
    }
    page = Page(RESULTS_PAGE, "results.md.j2", "Kết quả", "results", results.source, context)
    return charts, prints, [page]


def plan_step_images(
    site: Site, province: Province, guides: list[GuideInProvince], qr_images: list[QrImage]
) -> list[ImageJob]:
    """Each guide's steps as pictures in every posted size, beside its page anh/<guide>/."""
    source = {g.slug: site.sources[("guides", g.slug)] for g in guides}
    return [
        ImageJob(
            f"{province.slug}/{IMAGE_DIR}/{g.slug}/{stem}", width, height, province, g, image.qr, source[g.slug], label
        )
        for g, image in zip(guides, qr_images, strict=True)
        for stem, width, height, label in STEP_IMAGE_SIZES
    ]


def _preview(own_images: list[ImageJob]) -> str:
    """The guide's picture in the link-preview size (og:image)."""
    return next(job.path for job in own_images if (job.width, job.height) == (1200, 630))


def plan_print(
    site: Site, province: Province, guides: list[GuideInProvince], featured: list[GuideInProvince]
) -> tuple[list[PrintJob], list[QrImage]]:
    """Leaflets in every format and a full guide per guide; posters of the most-used guides;
    the same again for each commune that asked for its own (its address, duty hours and codes)."""
    source = site.sources[("provinces", province.slug)]
    folder = f"{province.slug}/{PRINT_DIR}"

    def item(guide: GuideInProvince, commune: Commune | None) -> PrintItem:
        return _print_item(site, guide, commune)

    def job(fmt: str, items: list[PrintItem], commune: Commune | None, where: str) -> PrintJob:
        # Errors in a one-guide file are the guide's to fix; a poster's belong to the province.
        origin = site.sources[("guides", items[0].guide.slug)] if len(items) == 1 else source
        return PrintJob(f"{where}/{PRINT_FILE_NAMES[fmt]}", fmt, province, commune, tuple(items), origin)

    prints: list[PrintJob] = []
    qr_images: list[QrImage] = []
    for guide in guides:
        one = item(guide, None)
        where = f"{folder}/{guide.slug}"
        prints += [job(fmt, [one], None, where) for fmt in (*LEAFLET_FORMATS, "guide-a4")]
        prints += [job(fmt, [one], None, f"{province.slug}/{IMAGE_DIR}/{guide.slug}") for fmt in INFOGRAPHIC_FORMATS]
        qr_images.append(QrImage(f"{where}/ma-qr", one.qr, province.slug))
    poster_guides = (featured or guides)[:POSTER_MAX_GUIDES]
    if poster_guides:
        prints += [job(fmt, [item(g, None) for g in poster_guides], None, folder) for fmt in POSTER_FORMATS]

    by_slug = {g.slug: g for g in guides}
    for commune in province.communes:
        chosen = [by_slug[slug] for slug in commune.print_guides if slug in by_slug]
        where = f"{folder}/{commune.slug}"
        for guide in chosen:
            prints += [job(fmt, [item(guide, commune)], commune, f"{where}/{guide.slug}") for fmt in LEAFLET_FORMATS]
        if chosen:
            items = [item(g, commune) for g in chosen[:POSTER_MAX_GUIDES]]
            prints += [job(fmt, items, commune, where) for fmt in POSTER_FORMATS]
    return prints, qr_images


def _print_item(site: Site, guide: GuideInProvince, commune: Commune | None) -> PrintItem:
    """A guide with the short link printed for it in its province, or for one commune there."""
    province = guide.province
    code = site.short_links.code_for(guide.slug, province.slug, commune.slug if commune else None)
    return PrintItem(guide, QrCode.of(code, site.config.base), f"{province.slug}/{GUIDES_DIR}/{guide.slug}/")


def plan_kit(site: Site, province: Province, guides: list[GuideInProvince], prints: list[PrintJob]) -> Kit:
    """Scripts (every set length, the province's and each commune's that prints its own leaflets),
    posts, videos and the quiz sheet of a province, and the zip that holds them with the rest."""
    campaign = site.config.campaign
    folder = f"{province.slug}/{KIT_DIR}"
    by_slug = {g.slug: g for g in guides}
    scripts: list[ScriptJob] = []
    posts: list[PostJob] = []
    videos: list[VideoJob] = []
    for guide in guides:
        item = _print_item(site, guide, None)
        origin = site.sources[("guides", guide.slug)]
        where = f"{folder}/{guide.slug}"
        scripts += [
            ScriptJob(f"{where}/{_script_name(seconds)}", seconds, item, None, campaign.audio, origin)
            for seconds in campaign.script_seconds
        ]
        feed = f"{province.slug}/{IMAGE_DIR}/{guide.slug}/{STEP_IMAGE_SIZES[0][0]}"
        posts += [PostJob(f"{where}/{platform}.txt", platform, item, feed, origin) for platform in POST_PLATFORMS]
        videos.append(VideoJob(f"{where}/{VIDEO_NAME}", item, campaign.audio, origin))
    for commune in province.communes:
        for guide in (by_slug[slug] for slug in commune.print_guides if slug in by_slug):
            item = _print_item(site, guide, commune)
            where = f"{folder}/{guide.slug}/{commune.slug}"
            origin = site.sources[("provinces", province.slug)]
            scripts += [
                ScriptJob(f"{where}/{_script_name(seconds)}", seconds, item, commune, False, origin)
                for seconds in campaign.script_seconds
            ]
    questions = site.quiz_for(province)
    quiz = None
    if questions:
        entries = tuple(
            QuizEntry(q, by_slug[q.guide].title, f"{province.slug}/{GUIDES_DIR}/{q.guide}/", number)
            for number, q in enumerate(questions, start=1)
        )
        origin = site.sources[("quiz", site.quiz_banks[0].slug)]
        quiz = QuizSheet(f"{folder}/{QUIZ_PRINT_NAME}", province, entries, origin)
    zip_path = f"{folder}/bo-tai-lieu-{province.slug}.zip"
    return Kit(scripts, posts, videos, quiz, zip_path, kit_previews(prints, quiz))


def preview_path(pdf_path: str) -> str:
    """Where the preview of a PDF goes: beside it, `.pdf` replaced by PREVIEW_SUFFIX."""
    if not pdf_path.endswith(".pdf"):
        raise ValueError(f"{pdf_path!r} is not a .pdf path")
    return pdf_path.removesuffix(".pdf") + PREVIEW_SUFFIX


def paper_preview_size(paper: tuple[float, float], width: int = PREVIEW_WIDTH) -> tuple[int, int]:
    """(width, height) in pixels of the preview of a page `paper` wide and high (any unit)."""
    return width, max(1, round(width * paper[1] / paper[0]))


def kit_previews(prints: list[PrintJob], quiz: QuizSheet | None) -> dict[str, Preview]:
    """The previews a province's kit page shows, before any PDF exists: PDF path -> (PNG path, width,
    height) for each print job in PREVIEW_FORMATS (the province's and its communes') and the quiz
    sheet. Sizes come from PAPER_MM; the PNGs render/previews.py draws have them."""
    previews: dict[str, Preview] = {}
    for job in prints:
        if job.format in PREVIEW_FORMATS:
            previews[job.path] = (preview_path(job.path), *paper_preview_size(PAPER_MM[job.format]))
    if quiz is not None:
        previews[quiz.path] = (preview_path(quiz.path), *paper_preview_size(PAPER_MM[QUIZ_PAPER]))
    return previews


def _by_guide(jobs: list, guides: list[GuideInProvince]) -> dict[str, list]:
    """Kit jobs (scripts, posts) grouped by the guide they are about, in plan order."""
    grouped: dict[str, list] = {g.slug: [] for g in guides}
    for job in jobs:
        grouped[job.item.guide.slug].append(job)
    return grouped


def _script_name(seconds: int) -> str:
    return f"loa-{seconds // 60}-phut" if seconds % 60 == 0 else f"loa-{seconds}-giay"


def kit_files(site_plan: SitePlan, audio: bool = True, video: bool = True, pdfs: bool = True) -> list[str]:
    """Every file of a province's campaign kit, as its zip holds them (relative to the output root):
    leaflets and posters, the pictures for sharing, scripts, posts, the quiz sheet and the videos."""
    kit = site_plan.kit
    assert kit is not None
    files = [job.path for job in site_plan.prints] if pdfs else []
    files += [f"{job.path}.png" for job in site_plan.images if (job.width, job.height) != (1200, 630)]
    for script in kit.scripts:
        files += [f"{script.path}.txt", *([f"{script.path}.pdf"] if pdfs else [])]
        files += [f"{script.path}.mp3"] if script.audio and audio else []
    files += [post.path for post in kit.posts]
    files += [kit.quiz.path] if kit.quiz and pdfs else []
    files += [name for v in kit.videos for name in (f"{v.path}.mp4", f"{v.path}.vtt")] if video else []
    return files


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


def print_batches(prints: list[PrintJob]) -> list[list[PrintJob]]:
    """Jobs that can share one layout: a leaflet of the same guide, province and format for several communes."""
    batches: dict[tuple, list[PrintJob]] = {}
    for job in prints:
        if job.commune is not None and job.format in LEAFLET_FORMATS:
            key: tuple = (job.province.slug, job.format, job.items[0].guide.slug)
        else:
            key = (job.path,)
        batches.setdefault(key, []).append(job)
    return list(batches.values())
