"""Social posts and the campaign kit page ("Bộ tài liệu truyền thông"): every post within its platform's
limit with the short link, hotline and hashtags; the short link resolving in the built site; every asset
on the page downloadable; copy buttons that put exactly the post on the clipboard (Debian's Chromium)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from generator.build import DEFAULT_THEME, BuildOptions, check
from generator.errors import ContentErrors
from generator.plan import KIT_PAGE, SHORT_LINK_DIR, PostJob, plan_build
from generator.render import posts
from generator.render.pages import render_page
from generator.render.posts import LIMITS, PostError, post_length, post_text
from tests.browser_tools import PHONE, new_context
from tests.conftest import ROOT
from tests.html_tools import read_page, resolve
from tests.pdf_tools import read_html

PROVINCE = "vinh-long"
KIT = f"{PROVINCE}/truyen-thong/"


def planned(root: Path):
    """The site and the build plan of a project folder, as the build makes them."""
    site = check(BuildOptions(content=root / "content", config=root / "site_config.yml"))
    return site, plan_build(site)


def all_posts(plan) -> list[PostJob]:
    return [job for site_plan in plan.sites if site_plan.kit for job in site_plan.kit.posts]


@pytest.fixture(scope="module")
def demo():
    return planned(ROOT)


# --- the posts ------------------------------------------------------------------------------------


def test_every_demo_post_fits_its_platform_and_carries_link_hotline_and_hashtags(demo):
    site, plan = demo
    jobs = all_posts(plan)
    assert {job.platform for job in jobs} == {"zalo", "facebook"}
    hashtags = " ".join(site.config.campaign.hashtags)
    for job in jobs:
        text = post_text(job, site.config)
        assert post_length(text) <= LIMITS[job.platform], job.path
        assert text == unicodedata.normalize("NFC", text)
        assert job.item.qr.url in text
        assert job.item.qr.url.startswith(f"{site.config.base}/{SHORT_LINK_DIR}/{job.item.qr.code}/")
        assert job.item.guide.province.hotlines[0].number in text
        assert text.endswith(hashtags)
        assert job.item.guide.title in text.splitlines()[0]  # the hook names the service
        step_lines = [line for line in text.splitlines() if line[:2] in {f"{n}." for n in range(1, 10)}]
        assert min(3, len(job.item.guide.steps)) <= len(step_lines) <= 5
        if job.platform == "facebook":  # before "Xem thêm": the hook, then the link
            assert job.item.qr.url in text.splitlines()[1]


def test_post_length_counts_as_javascript_does():
    assert post_length("Tiếng Việt") == 10  # NFC: one character per letter
    assert post_length("📢 ☎️") == 5  # an emoji outside the BMP is two, and ☎️ carries a variation selector


def test_a_post_over_its_limit_drops_detail_but_keeps_the_essentials(demo, monkeypatch):
    site, plan = demo
    job = next(j for j in all_posts(plan) if j.platform == "zalo" and len(j.item.guide.steps) >= 5)
    full = post_text(job, site.config)
    monkeypatch.setitem(LIMITS, "zalo", post_length(full) - 1)
    shorter = post_text(job, site.config)
    assert post_length(shorter) <= post_length(full) - 1
    assert job.item.guide.summary not in shorter
    assert posts.first_sentence(job.item.guide.summary) in shorter  # the summary's first sentence stays longest
    for kept in (job.item.qr.url, job.item.guide.province.hotlines[0].number, *site.config.campaign.hashtags):
        assert kept in shorter


def test_a_post_that_cannot_fit_is_an_error_naming_its_file_and_limit(demo, monkeypatch):
    site, plan = demo
    job = all_posts(plan)[0]
    monkeypatch.setitem(LIMITS, job.platform, 120)
    with pytest.raises(PostError, match=rf"{job.path}: .* \(at most 120\)"):
        post_text(job, site.config)
    # The kit page shows the post too: there it is a content error naming the guide's file.
    site_plan = next(s for s in plan.sites if s.kit and job in s.kit.posts)
    page = next(p for p in site_plan.pages if p.path == KIT_PAGE)
    with pytest.raises(ContentErrors) as raised:
        render_page(page, DEFAULT_THEME / "pages")
    assert raised.value.errors[0].file == job.source
    assert "at most 120" in raised.value.errors[0].message


# --- the built kit page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(built_demo):
    """The demo build with its own plan (the build adds short codes to its copy's registry)."""
    site, plan = planned(built_demo.root)
    return built_demo, site, plan


@pytest.mark.slow
def test_every_post_links_to_a_short_url_that_resolves_to_its_guide_in_the_built_site(built):
    built_demo, site, plan = built
    for job in all_posts(plan):
        page = built_demo.out / SHORT_LINK_DIR / job.item.qr.code / "index.html"
        assert page.is_file(), job.item.qr.url
        assert read_html(page).data["short-link"]["target"] == f"{site.config.base}/{job.item.page}"
        assert (built_demo.out / job.item.page / "index.html").is_file()
        # the post the build wrote is the one the kit page shows
        assert (built_demo.out / job.path).read_text("utf-8") == post_text(job, site.config)


@pytest.mark.slow
def test_the_kit_page_lists_every_post_with_a_copy_button_and_every_file_it_offers_exists(built):
    built_demo, _, plan = built
    site_plan = next(s for s in plan.sites if s.prefix == PROVINCE)
    page_file = built_demo.out / KIT / "index.html"
    html = page_file.read_text("utf-8")
    for job in site_plan.kit.posts:
        pre = f'id="bai-{job.platform}-{job.item.guide.slug}"'
        assert html.count(pre) == 1
        assert html.count(f'data-copy="bai-{job.platform}-{job.item.guide.slug}"') == 1
    info = read_page(page_file)
    assert "Tải cả bộ (.zip)" in info.text
    targets = {href: resolve(built_demo.out, page_file, href) for href in [*info.links, *info.resources]}
    assert [href for href, target in targets.items() if target and not target[0].is_file()] == []
    kit = site_plan.kit
    offered = [kit.zip, kit.quiz.path, *(job.path for job in site_plan.prints), *(job.path for job in kit.posts)]
    offered += [f"{job.path}.png" for job in site_plan.images]
    offered += [f"{job.path}.{suffix}" for job in kit.scripts for suffix in ("txt", "pdf")]
    offered += [f"{job.path}.mp3" for job in kit.scripts if job.audio]
    offered += [f"{job.path}.{suffix}" for job in kit.videos for suffix in ("mp4", "vtt")]
    linked = {target[0] for href, target in targets.items() if target and href in info.links}
    assert [name for name in offered if built_demo.out / name not in linked] == []


# --- in the browser -------------------------------------------------------------------------------


def copy_and_read(page: Page, job: PostJob) -> str:
    """Open the guide's fold, press the post's copy button; the clipboard as another page reads it."""
    text = page.locator(f"#bai-{job.platform}-{job.item.guide.slug}")
    page.locator("details", has=text).evaluate("details => { details.open = true }")
    button = page.locator(f"button[data-copy='bai-{job.platform}-{job.item.guide.slug}']")
    assert button.inner_text() == "Sao chép"
    button.click()
    status = page.locator("p", has=button).locator("[role=status]")
    status.filter(has_text="Đã sao chép").wait_for()
    reader = page.context.new_page()  # with the clipboard API, whichever way the page copied
    try:
        reader.goto(page.url)
        return reader.evaluate("navigator.clipboard.readText()")
    finally:
        reader.close()


@pytest.mark.slow
@pytest.mark.parametrize("api", ["clipboard API", "fallback without it"])
def test_a_copy_button_puts_exactly_the_post_on_the_clipboard(browser, base, built, api):
    _, site, plan = built
    site_plan = next(s for s in plan.sites if s.prefix == PROVINCE)
    context, outside = new_context(browser, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    if api != "clipboard API":  # plain HTTP on a LAN has no navigator.clipboard: the fallback copies
        page.add_init_script("delete Navigator.prototype.clipboard")
    page.goto(f"{base}/{KIT}")
    assert page.evaluate("typeof navigator.clipboard") == ("object" if api == "clipboard API" else "undefined")
    for job in site_plan.kit.posts[:3]:
        expected = post_text(job, site.config)
        assert copy_and_read(page, job) == expected
        length = page.locator(f"#bai-{job.platform}-{job.item.guide.slug}").evaluate("e => e.textContent.length")
        assert length == post_length(expected) <= LIMITS[job.platform]
    context.close()
    assert outside.requests == []


@pytest.mark.slow
def test_without_javascript_posts_are_selectable_text_and_every_file_a_link(browser, base, built):
    _, _, plan = built
    site_plan = next(s for s in plan.sites if s.prefix == PROVINCE)
    context, outside = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/{KIT}")
    job = site_plan.kit.posts[0]
    text = page.locator(f"#bai-{job.platform}-{job.item.guide.slug}")
    page.locator("details", has=text).locator("summary").click()  # native details: opens without a script
    assert text.is_visible()
    assert not page.locator(f"button[data-copy='bai-{job.platform}-{job.item.guide.slug}']").is_visible()
    assert page.get_by_role("link", name="Tải cả bộ (.zip)").is_visible()
    assert page.locator("audio, video").count() == 0  # players come with the script; the links stay
    assert page.locator("a[href$='.mp3']").count() == sum(1 for s in site_plan.kit.scripts if s.audio)
    context.close()
    assert outside.requests == []


@pytest.mark.slow
def test_players_fetch_nothing_until_pressed(browser, base, built):
    built_demo, _, plan = built
    site_plan = next(s for s in plan.sites if s.prefix == PROVINCE)
    context, outside = new_context(browser)
    page = context.new_page()
    media = []
    page.on("request", lambda r: media.append(r.url) if r.url.endswith((".mp3", ".mp4", ".vtt", ".zip")) else None)
    page.goto(f"{base}/{KIT}", wait_until="networkidle")
    audio = page.locator("audio")
    assert audio.count() == sum(1 for s in site_plan.kit.scripts if s.audio)
    assert audio.evaluate_all("players => players.every(p => p.preload === 'none' && p.controls)")
    assert media == []

    video_job = site_plan.kit.videos[0]  # the page lists the videos in the kit's order
    page.locator("a.dvc-video").first.click()
    video = page.locator("figure video")
    assert video.count() == 1
    src, poster, track = video.evaluate(
        """v => { const t = v.querySelector("track"), path = url => new URL(url).pathname
                  return [path(v.src), path(v.poster), [t.kind, t.srclang, t.default, path(t.src)]] }"""
    )
    assert src == f"/{video_job.path}.mp4"
    assert track == ["subtitles", "vi", True, f"/{video_job.path}.vtt"]
    assert (built_demo.out / poster.lstrip("/")).is_file()
    assert video.evaluate("v => v.controls && v.preload === 'none'")
    context.close()
    assert outside.requests == []


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, PHONE, {"width": 1280, "height": 900}])
def test_quiz_and_kit_pages_fit_small_screens_and_axe_finds_no_violation(browser, base, viewport):
    context, outside = new_context(browser, viewport=viewport)
    page = context.new_page()
    found, too_wide = {}, {}
    for path in (KIT, f"{PROVINCE}/trac-nghiem/"):
        page.goto(f"{base}/{path}", wait_until="networkidle")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if path.endswith("trac-nghiem/"):
            page.get_by_role("button", name="Chấm điểm").click()  # marks and explanations shown too
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            too_wide[path] = width
        violations = Axe().run(page).response["violations"]
        if violations:
            found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    context.close()
    assert outside.requests == []
    assert too_wide == {}
    assert found == {}


@pytest.mark.slow
def test_kit_downloads_and_quiz_answers_are_large_enough_to_tap(browser, base):
    context, outside = new_context(browser)
    page = context.new_page()
    small = {}
    for path, selector in (
        (KIT, ".dvc-kit-links a, .dvc-copy, .dvc-kit-item summary, .dvc-kit-zip a"),
        (f"{PROVINCE}/trac-nghiem/", ".dvc-quiz label, .dvc-quiz button"),
    ):
        page.goto(f"{base}/{path}")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        small[path] = page.evaluate(
            """selector => [...document.querySelectorAll(selector)].filter(el => el.offsetParent !== null)
                 .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
                 .filter(([, r]) => r.height < 44 || r.width < 44)
                 .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)""",
            selector,
        )
    context.close()
    assert outside.requests == []
    assert small == {KIT: [], f"{PROVINCE}/trac-nghiem/": []}
