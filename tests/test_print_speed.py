"""The fast way a leaflet is made for many communes, held to the slow way it replaces.

A commune's leaflet is stamped: its own parts (help, footer, QR code) are laid out with every
other commune's in one batch, drawn over a layer all communes share, and its QR modules are
written straight into the page. Here each stamped leaflet is rasterised with poppler and compared
pixel for pixel with a full render of the same job, its QR code is read by two decoders, and the
fit checks that send a commune back to a full render are driven with real content. The cache,
and the garbage collector that is paused while WeasyPrint works, are checked on the way.

Every test works on a copy of tests/fixtures/mini with communes of tinh-a asking for leaflets of
khai-sinh.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from generator.build import DEFAULT_THEME, BuildOptions, check
from generator.cache import RenderCache
from generator.plan import LEAFLET_FORMATS, PrintJob, plan_build
from generator.render.print import SHRINK_STEPS, PrintError, PrintRenderer
from tests.conftest import MINI
from tests.pdf_tools import collapse, decode_zbar, decode_zxing, pdf_text, rasterise
from tests.test_print_errors import copy_theme

pytestmark = pytest.mark.slow

PROVINCE = "content/provinces/tinh-a.yml"
HOTLINE = "0900 000 001"  # tinh-a's one hotline
DPI = 150
QR_EDGE_PX = 2  # anti-aliasing at the edges of the modules may differ: filled runs against stroked ones


def commune(slug: str, name: str, shifts: int = 1) -> str:
    """A commune of tinh-a that asks for its own leaflets of khai-sinh, with `shifts` volunteer shifts."""
    schedule = "".join(
        f"        - days: Thứ Bảy tuần {n + 1}\n          hours: 7:30–11:00\n          place: Nhà văn hóa ấp {n + 1}\n"
        for n in range(shifts)
    )
    return (
        f"  - slug: {slug}\n    name: {name}\n    kind: xã\n    service_centre:\n"
        f"      name: Trung tâm Phục vụ hành chính công {name.lower()}\n"
        f"      address: Số 5 đường Chính, {name.lower()}\n"
        f'      hours: "Thứ Hai – Thứ Sáu: 7:30–17:00"\n'
        f"    volunteer_team:\n      name: Đội thanh niên xung kích {name.lower()}\n"
        f"      contact: Trần Thị Bình\n      phone: 0900 000 {len(slug):03d}\n      schedule:\n{schedule}"
        f"    print_guides: [khai-sinh]\n"
    )


SHORT = [commune("xa-bac", "Xã Bắc"), commune("xa-nam", "Xã Nam", 2), commune("xa-tay-son", "Xã Tây Sơn", 3)]


def project(tmp_path: Path, communes: list[str], hotlines: str | None = None) -> Path:
    """A copy of the mini fixture with these communes added to tinh-a (and its hotlines replaced)."""
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    path = root / PROVINCE
    text = path.read_text("utf-8")
    assert text.count("communes:\n") == 1
    text = text.replace("communes:\n", "communes:\n" + "".join(communes))
    if hotlines is not None:
        start, end = text.index("hotlines:\n"), text.index("service_centre:\n")
        text = text[:start] + hotlines + text[end:]
    path.write_text(text, "utf-8")
    return root


def renderer(root: Path, cache: RenderCache | None = None, theme: Path = DEFAULT_THEME) -> PrintRenderer:
    site = check(BuildOptions(content=root / "content", config=root / "site_config.yml"))
    return PrintRenderer(theme, site.config, site.assets, cache)


def planned(root: Path, fmt: str, communes: bool = True) -> list[PrintJob]:
    """The khai-sinh leaflets of tinh-a in this format: the communes' (in content order), or the province's."""
    site = check(BuildOptions(content=root / "content", config=root / "site_config.yml"))
    plan = plan_build(site, "tinh-a")
    jobs = [
        job
        for site_plan in plan.sites
        for job in site_plan.prints
        if job.format == fmt and job.items[0].guide.slug == "khai-sinh" and (job.commune is not None) == communes
    ]
    assert jobs, fmt
    return jobs


def pages(pdf: bytes, workdir: Path, name: str) -> list[Image.Image]:
    folder = workdir / name
    folder.mkdir()
    path = folder / "file.pdf"
    path.write_bytes(pdf)
    images = []
    for page in rasterise(path, folder / "page", DPI):
        with Image.open(page) as image:
            images.append(image.convert("L"))
    return images


def qr_areas(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """The bounding box of each QR code zxing-cpp finds, widened by the anti-aliased edge."""
    areas = []
    for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = [found.position.top_left, found.position.top_right, found.position.bottom_left]
        corners.append(found.position.bottom_right)
        xs, ys = [c.x for c in corners], [c.y for c in corners]
        areas.append((min(xs) - QR_EDGE_PX, min(ys) - QR_EDGE_PX, max(xs) + QR_EDGE_PX, max(ys) + QR_EDGE_PX))
    return areas


# --- A stamped leaflet is the full render, pixel for pixel ----------------------------------


@pytest.mark.parametrize("fmt", LEAFLET_FORMATS)
def test_a_stamped_commune_leaflet_looks_like_its_full_render_and_its_qr_code_scans(tmp_path, fmt):
    root = project(tmp_path, SHORT)
    jobs = planned(root, fmt)
    printer = renderer(root)

    stamped = printer.render_communes(jobs)

    assert printer.renders == 2  # the shared layer and one batch: no commune was rendered on its own
    for job in jobs:
        full = printer.render(job)
        assert stamped[job.path].scale == full.scale
        name = job.commune.slug
        ours, theirs = pages(stamped[job.path].pdf, tmp_path, f"{name}-stamped"), pages(full.pdf, tmp_path, name)
        assert len(ours) == len(theirs) == 2
        found = []
        for number, (image, reference) in enumerate(zip(ours, theirs, strict=True), start=1):
            difference = ImageChops.difference(image, reference).point(lambda v: 255 if v > 64 else 0)
            areas = qr_areas(reference)
            draw = ImageDraw.Draw(difference)
            for area in areas:
                draw.rectangle(area, fill=0)
            assert difference.getbbox() is None, f"{job.path} page {number}: differs outside its QR code"
            assert len(qr_areas(image)) == len(areas)
            found += [(decode_zxing(image), decode_zbar(image))]
        url = job.items[0].qr.url
        assert [page for page in found if page != ([], [])] == [([url], [url])], job.path


def test_the_trifold_prints_the_provinces_hotlines_from_the_shared_layer_once(tmp_path):
    root = project(tmp_path, SHORT)
    jobs = planned(root, "a4-trifold")
    printer = renderer(root)
    for job in jobs:  # the commune's own layer leaves them out: they are laid out once per province
        assert HOTLINE not in printer.html(job, 1.0, "variant")
        assert HOTLINE in printer.html(job, 1.0, "shared")

    stamped = printer.render_communes(jobs)

    for job in jobs:
        text = collapse(pdf_text_of(stamped[job.path].pdf, tmp_path))
        assert text.count(HOTLINE) == 1, job.path
        assert collapse(job.commune.service_centre.address) in text, job.path
        assert f"Mã {job.items[0].qr.code}" in text, job.path


def pdf_text_of(pdf: bytes, workdir: Path) -> str:
    path = workdir / "text.pdf"
    path.write_bytes(pdf)
    return pdf_text(path)


# --- The fit checks still run for every commune ---------------------------------------------


def test_a_commune_whose_help_no_longer_fits_its_slot_is_rendered_on_its_own_smaller_and_whole(tmp_path):
    root = project(tmp_path, [*SHORT, commune("xa-dai", "Xã Dài", 8)])
    jobs = planned(root, "a4-trifold")
    printer = renderer(root)

    stamped = printer.render_communes(jobs)

    long = next(job for job in jobs if job.commune.slug == "xa-dai")
    assert stamped[long.path].scale in SHRINK_STEPS[1:]
    assert {stamped[job.path].scale for job in jobs if job is not long} == {1.0}
    text = collapse(pdf_text_of(stamped[long.path].pdf, tmp_path))
    for n in range(8):  # every shift printed, and the parts around the help untouched
        assert f"Nhà văn hóa ấp {n + 1}" in text
    assert text.count(HOTLINE) == 1 and f"Mã {long.items[0].qr.code}" in text


def test_help_too_long_for_its_slot_even_at_the_smallest_size_is_reported_naming_panel_and_field(tmp_path):
    root = project(tmp_path, [*SHORT, commune("xa-dai", "Xã Dài", 30)])
    jobs = planned(root, "a4-trifold")

    with pytest.raises(PrintError) as caught:
        renderer(root).render_communes(jobs)

    assert caught.value.job.commune.slug == "xa-dai"
    assert "panel “6 (mặt sau): hỗ trợ”: field help runs past the panel" in str(caught.value)


def test_hotlines_too_long_for_their_pinned_place_are_reported(tmp_path):
    name = "Đường dây nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính của tỉnh " * 4
    hotlines = "hotlines:\n" + "".join(f"  - name: {name.strip()}\n    number: 0900 000 00{n}\n" for n in (1, 2))
    root = project(tmp_path, SHORT, hotlines)

    with pytest.raises(PrintError) as caught:
        renderer(root).render(planned(root, "a4-trifold", communes=False)[0])

    assert "panel “6 (mặt sau): đường dây nóng”: field hotlines runs past the panel" in str(caught.value)


def test_a_footer_pinned_to_the_bottom_that_grows_above_its_slot_is_reported(tmp_path):
    old = ".a4-trifold .slot-footer { left: 7mm; right: 7mm; bottom: 8mm; height: 18mm; }"
    theme = copy_theme(tmp_path, old, old.replace("18mm", "3mm"))  # not even one line
    root = project(tmp_path, SHORT)

    with pytest.raises(PrintError) as caught:
        renderer(root, theme=theme).render(planned(root, "a4-trifold", communes=False)[0])

    assert "panel “6 (mặt sau): chân trang”: field footer runs past the panel" in str(caught.value)


# --- Cache and garbage collector ------------------------------------------------------------


def test_cached_commune_leaflets_are_the_bytes_a_fresh_render_gives_after_one_commune_changed(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    root = project(tmp_path, SHORT)
    first = renderer(root, cache).render_communes(planned(root, "a4-trifold"))
    again = renderer(root, cache)
    assert pdfs(again.render_communes(planned(root, "a4-trifold"))) == pdfs(first)
    assert again.renders == 0

    path = root / PROVINCE
    text = path.read_text("utf-8")
    new = "address: Số 5 phố Quỳnh, xã nam"  # letters no other commune uses: the batch's subsets change
    path.write_text(text.replace("address: Số 5 đường Chính, xã nam", new), "utf-8")
    changed = renderer(root, cache)
    after = changed.render_communes(planned(root, "a4-trifold"))

    # Every PDF carries the font subsets of its whole batch: the batch is laid out again, whole.
    assert changed.renders == 2
    assert pdfs(after) == pdfs(renderer(root).render_communes(planned(root, "a4-trifold")))
    changed_pdf = "tinh-a/in/xa-nam/khai-sinh/to-roi-a4-gap-ba.pdf"
    assert pdfs(after)[changed_pdf] != pdfs(first)[changed_pdf]

    path.write_text(text, "utf-8")  # changed back: the first batch's PDFs, every one of them
    back = renderer(root, cache)
    assert pdfs(back.render_communes(planned(root, "a4-trifold"))) == pdfs(first)
    assert back.renders == 0


def pdfs(rendered: dict) -> dict[str, bytes]:
    return {path: r.pdf for path, r in rendered.items()}


def test_the_garbage_collector_is_paused_only_while_rendering_even_when_a_render_fails(tmp_path):
    root = project(tmp_path, [*SHORT, commune("xa-dai", "Xã Dài", 30)])
    jobs = planned(root, "a4-trifold")
    printer = renderer(root)

    printer.render_communes(jobs[:-1])
    assert gc.isenabled()
    with pytest.raises(PrintError):
        printer.render_communes(jobs)
    assert gc.isenabled()

    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        printer.render(jobs[0])
        assert not gc.isenabled()
    finally:
        gc.enable()
