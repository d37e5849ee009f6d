"""Step videos, checked with the real tools: ffprobe for format and duration, ffmpeg to take a frame
from each step's time on screen and to find where speech is, Tesseract's Vietnamese model to read
the frames, zxing-cpp to scan the closing frame's QR code, and the WebVTT file against the steps."""

from __future__ import annotations

import html
import itertools
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from generator.build import BuildOptions, check
from generator.cache import RenderCache
from generator.plan import GuideInProvince, VideoJob, plan_build
from generator.render.frames import VideoFacts, excerpt
from generator.render.video import (
    FPS,
    LIMIT,
    NARRATION_START,
    SHOWN,
    VideoError,
    VideoRenderer,
    shots,
    timeline,
    webvtt,
)
from tests.conftest import ROOT
from tests.test_images import best_match, ocr

GUIDE = "dang-nhap-vneid"  # the demo guide with the most steps (six)


@pytest.fixture(scope="module")
def demo():
    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    site_plan = plan_build(site).sites[1]  # a province's site
    job = next(v for v in site_plan.kit.videos if v.item.guide.slug == GUIDE)
    return site, job


@dataclass
class Encoded:
    folder: Path
    cache: Path
    renders: int
    mp4: dict[bool, Path]  # by narrated
    vtt: dict[bool, str]
    seconds: dict[bool, float]


@pytest.fixture(scope="module")
def encoded(demo, tmp_path_factory) -> Encoded:
    """The guide's video with and without narration: the only two encodes besides the determinism check."""
    site, job = demo
    folder = tmp_path_factory.mktemp("video")
    renderer = VideoRenderer(site.config, RenderCache(folder / "cache"))
    result = Encoded(folder, folder / "cache", 0, {}, {}, {})
    for narrate in (False, True):
        video = renderer.render(job, narrate)
        result.mp4[narrate] = folder / f"narrated-{narrate}.mp4"
        result.mp4[narrate].write_bytes(video.mp4)
        result.vtt[narrate], result.seconds[narrate] = video.vtt, video.seconds
    result.renders = renderer.renders
    return result


def probe(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, check=True, timeout=60).stdout)


@dataclass
class Cue:
    identifier: str
    start: float
    end: float
    text: str


def cues(vtt: str) -> list[Cue]:
    blocks = vtt.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    found = []
    for block in blocks[1:]:
        identifier, timing, *text = block.split("\n")
        match = re.fullmatch(r"(\d\d):(\d\d):(\d\d\.\d{3}) --> (\d\d):(\d\d):(\d\d\.\d{3})", timing)
        assert match, timing
        h1, m1, s1, h2, m2, s2 = match.groups()
        start = int(h1) * 3600 + int(m1) * 60 + float(s1)
        end = int(h2) * 3600 + int(m2) * 60 + float(s2)
        found.append(Cue(identifier, start, end, html.unescape("\n".join(text))))
    return found


def frame_at(video: Path, seconds: float, target: Path) -> Path:
    command = ["ffmpeg", "-v", "error", "-y", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1", str(target)]
    subprocess.run(command, check=True, timeout=60)
    return target


def squeezed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_the_video_is_vertical_h264_under_a_minute_and_small(demo, encoded):
    for narrate in (False, True):
        info = probe(encoded.mp4[narrate])
        video = [s for s in info["streams"] if s["codec_type"] == "video"]
        audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
        assert len(video) == 1
        assert (video[0]["width"], video[0]["height"]) == (1080, 1920)
        assert (video[0]["codec_name"], video[0]["pix_fmt"]) == ("h264", "yuv420p")
        assert float(video[0]["duration"]) == pytest.approx(encoded.seconds[narrate], abs=0.001)
        duration = float(info["format"]["duration"])
        assert duration < 60
        assert duration == pytest.approx(encoded.seconds[narrate], abs=0.05)  # at most an AAC frame more
        assert cues(encoded.vtt[narrate])[-1].end == pytest.approx(encoded.seconds[narrate], abs=0.001)
        # Narration is an AAC track; without it there is no audio track at all (no silent track to download).
        assert [s["codec_name"] for s in audio] == (["aac"] if narrate else [])
        assert encoded.mp4[narrate].stat().st_size < 3_000_000  # weak connections: a few MB at most
    assert encoded.renders == 2


@pytest.mark.slow
def test_a_frame_from_each_steps_time_on_screen_shows_its_title(demo, encoded):
    _, job = demo
    guide = job.item.guide
    step_cues = [c for c in cues(encoded.vtt[False]) if c.identifier.startswith("buoc-")]
    assert len(step_cues) == len(guide.steps)
    frames = [
        frame_at(encoded.mp4[False], (c.start + c.end) / 2, encoded.folder / f"{c.identifier}.png") for c in step_cues
    ]
    with ThreadPoolExecutor(2) as pool:
        read = list(pool.map(ocr, frames))
    poor = []
    for number, (step, lines) in enumerate(zip(guide.steps, read, strict=True), start=1):
        # The same tolerance as the pictures' OCR test: at most about one character in five misread.
        if best_match(squeezed(step.title), lines) < 0.8:
            poor.append((number, step.title, lines))
        if best_match(f"Bước {number}/{len(guide.steps)}", lines) < 0.8:
            poor.append((number, "Bước n/N", lines))
    assert poor == []


@pytest.mark.slow
def test_the_opening_frame_names_the_guide_and_the_closing_frame_scans(demo, encoded):
    _, job = demo
    found = cues(encoded.vtt[True])
    opening = frame_at(encoded.mp4[True], (found[0].start + found[0].end) / 2, encoded.folder / "opening.png")
    lines = ocr(opening)
    text = squeezed(" ".join(lines))
    for line in (job.item.guide.title, f"{job.item.guide.province.kind} {job.item.guide.province.name}"):
        assert best_match(line[:1].upper() + line[1:], [text]) >= 0.8, (line, lines)
    closing = frame_at(encoded.mp4[True], (found[-1].start + found[-1].end) / 2, encoded.folder / "closing.png")
    image = Image.open(closing)
    codes = zxingcpp.read_barcodes(image.convert("L"))
    assert [code.text for code in codes] == [job.item.qr.url]
    # Tesseract reads the text above and below the code; the code itself only confuses its layout analysis.
    corners = codes[0].position
    top, bottom = min(corners.top_left.y, corners.top_right.y), max(corners.bottom_left.y, corners.bottom_right.y)
    above, below = encoded.folder / "above.png", encoded.folder / "below.png"
    image.crop((0, 0, image.width, top)).save(above)
    image.crop((0, bottom, image.width, image.height)).save(below)
    lines = ocr(above) + ocr(below)
    hotline = job.item.guide.province.hotlines[0].number
    for wanted in ("Quét mã để xem hướng dẫn đầy đủ", job.item.qr.display, "Đường dây nóng", hotline):
        assert best_match(wanted, lines) >= 0.8, (wanted, lines)


@pytest.mark.slow
def test_subtitle_cues_are_the_steps_in_order_and_inside_the_video(demo, encoded):
    _, job = demo
    steps = job.item.guide.steps
    for narrate in (False, True):
        found = cues(encoded.vtt[narrate])
        assert [c.identifier for c in found] == ["mo-dau", *(f"buoc-{n}" for n in range(1, len(steps) + 1)), "ket-thuc"]
        assert [c.text for c in found[1:-1]] == [f"Bước {n}. {s.title}" for n, s in enumerate(steps, start=1)]
        assert found[0].start == 0
        for before, after in itertools.pairwise(found):
            assert before.start < before.end == after.start  # one after another, no gap, no overlap
        assert found[-1].end <= float(probe(encoded.mp4[narrate])["format"]["duration"])
        for cue in found:
            # Long enough to read: the shortest time a frame may stay, at least.
            kind = {"mo-dau": "opening", "ket-thuc": "closing"}.get(cue.identifier, "step")
            assert cue.end - cue.start >= SHOWN[kind][0] - 0.001, cue


@pytest.mark.slow
def test_each_narration_is_heard_within_its_own_frame(encoded):
    """Where speech is, found by ffmpeg's silence detector on the MP4's own audio track."""
    command = ["ffmpeg", "-v", "info", "-i", str(encoded.mp4[True]), "-af", "silencedetect=n=-45dB:d=0.35"]
    log = subprocess.run([*command, "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    starts = [float(t) for t in re.findall(r"silence_start: ([\d.]+)", log)]
    ends = [float(t) for t in re.findall(r"silence_end: ([\d.]+)", log)]
    speech = list(zip([0.0, *ends], starts, strict=False))  # (start, end) of each stretch of sound
    speech = [(a, b) for a, b in speech if b - a > 0.05]
    for cue in cues(encoded.vtt[True]):
        inside = [(a, b) for a, b in speech if cue.start <= a < cue.end]
        assert inside, cue
        assert inside[0][0] <= cue.start + NARRATION_START + 0.5, (cue, inside)  # begins once the fade is over
        assert inside[-1][1] <= cue.end, (cue, inside)  # and ends before the next frame comes in


@pytest.mark.slow
def test_the_same_guide_gives_the_same_bytes_and_a_warm_cache_encodes_nothing(demo, encoded):
    site, job = demo
    fresh = VideoRenderer(site.config)  # no cache: encodes again
    again = fresh.render(job, narrate=True)
    assert fresh.renders == 1
    assert again.mp4 == encoded.mp4[True].read_bytes()
    warm = VideoRenderer(site.config, RenderCache(encoded.cache))
    for narrate in (False, True):
        video = warm.render(job, narrate)
        assert video.mp4 == encoded.mp4[narrate].read_bytes()
        assert video.vtt == encoded.vtt[narrate]
    assert warm.renders == 0


def with_steps(job: VideoJob, count: int, title: str | None = None) -> VideoJob:
    guide = job.item.guide
    steps = [step for _ in range(count) for step in guide.steps][:count]
    if title is not None:
        steps[1] = steps[1].model_copy(update={"title": title})
    changed = GuideInProvince(guide.guide.model_copy(update={"steps": steps}), guide.province, guide.note)
    return replace(job, item=replace(job.item, guide=changed))


def test_a_guide_with_too_many_steps_for_a_minute_is_an_error_naming_it(demo):
    site, job = demo
    renderer = VideoRenderer(site.config)
    with pytest.raises(VideoError) as caught:
        renderer.render(with_steps(job, 16), narrate=False)
    message = str(caught.value)
    assert f"guide {GUIDE} ({job.item.guide.title})" in message and "16 steps" in message
    assert caught.value.job.path == job.path
    assert renderer.renders == 0


def test_many_steps_get_shorter_frames_but_never_below_the_floor(demo):
    site, job = demo
    speed = site.config.campaign.reading_speed
    for count in (6, 10, 14):
        guide = with_steps(job, count).item.guide
        found = shots(VideoFacts.of(guide, job.item.qr, site.config, 24))
        shown = timeline(found, speed, None)
        assert sum(shown) <= LIMIT < 60 * FPS
        for shot, frames in zip(found, shown, strict=True):
            assert frames >= SHOWN[shot.kind][0] * FPS
    # With narration, a frame also stays as long as its narration and the pauses around it.
    heard = [4.0] * (6 + 2)
    found = shots(VideoFacts.of(with_steps(job, 6).item.guide, job.item.qr, site.config, 24))
    for frames, seconds in zip(timeline(found, speed, heard), heard, strict=True):
        assert frames / FPS >= seconds + NARRATION_START


def test_a_step_title_too_long_for_its_frame_names_the_field(demo):
    site, job = demo
    renderer = VideoRenderer(site.config)
    title = " ".join(["Chuẩn bị đầy đủ giấy tờ cần thiết"] * 12)
    with pytest.raises(VideoError) as caught:
        renderer.render(with_steps(job, 3, title), narrate=False)
    assert "field steps[1].title does not fit the video frame even at 80% size" in str(caught.value)
    assert renderer.renders == 0


def test_a_step_excerpt_is_plain_text_ending_on_a_whole_sentence():
    body = (
        "Đăng nhập **dichvucong.gov.vn**, gõ *“đăng ký”* vào [ô tìm kiếm](https://dichvucong.gov.vn).\n\n"
        "- Chọn thủ tục.\n- Bấm **Nộp**.\n"
    )
    assert excerpt(body, 20) == "Đăng nhập dichvucong.gov.vn, gõ “đăng ký” vào ô tìm kiếm. Chọn thủ tục. Bấm Nộp."
    assert excerpt(body, 13) == "Đăng nhập dichvucong.gov.vn, gõ “đăng ký” vào ô tìm kiếm. Chọn thủ tục."
    assert excerpt(body, 2) == "Đăng nhập dichvucong.gov.vn, gõ “đăng ký” vào ô tìm kiếm."  # the first sentence whole
    long = "Mang theo thẻ căn cước gắn chip, " + "giấy tờ " * 20 + "và điện thoại."
    assert excerpt(long, 10) == "Mang theo thẻ căn cước gắn chip…"  # cut at a comma when over 24 words
    assert excerpt("Mở ứng dụng (chưa có? xem hướng dẫn). Bấm Tiếp.", 8) == "Mở ứng dụng (chưa có? xem hướng dẫn)."


def test_subtitle_text_is_escaped_and_reads_back_as_written(demo):
    site, job = demo
    title = "Nộp hồ sơ & lệ phí <bản mới> --> xong"
    found = shots(VideoFacts.of(with_steps(job, 3, title).item.guide, job.item.qr, site.config, 24))
    vtt = webvtt(found, [100] * len(found))
    assert "-->" not in vtt.replace(" --> ", "") and "<" not in vtt
    assert cues(vtt)[2].text == f"Bước 2. {title}"
