"""Short vertical step videos (1080x1920 H.264 MP4, under 60 s) with WebVTT subtitles and, when the
campaign has audio drafts, the steps read aloud.

A video is a row of still frames (render/frames.py): an opening, one frame per step and a closing
frame with the QR code, joined by 0.4 s fades (ffmpeg's xfade). Each frame stays long enough to read
at the campaign's reading speed, and to hear its narration; a guide whose steps cannot fit under
60 s even at the shortest time a step may have is an error naming the guide.

Stills cost next to nothing to encode and to send: the video is encoded at 25 frames a second
during fades but only one frame a second while a picture stands still (variable frame rate), so
an encode takes seconds and a minute of video weighs about a megabyte. ffmpeg runs with fixed
threads and bit-exact flags: the same guide gives the same bytes on every run. Videos are cached
by everything they show and say, the tools' versions and this code.
"""

from __future__ import annotations

import functools
import math
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import features

from ..cache import RenderCache, code_digest, digest
from ..models import SiteConfig
from ..plan import VideoJob
from . import fonts, frames, infographics, qr, scene
from .frames import SCAN, FrameError, VideoFacts
from .speech import SpeechError, speak
from .spoken import digits_words, spoken

FPS = 25
FADE = 10  # frames: a 0.4 s fade between two frames
LIMIT = 59 * FPS  # platforms take short videos under 60 s; a second spare for the audio's last AAC frame
LEAD = 1.0  # seconds to notice a new frame before reading it
# (shortest, longest) seconds a frame stays when nothing is narrated; narration may ask for longer.
SHOWN = {"opening": (3.5, 6.0), "step": (3.5, 10.0), "closing": (6.0, 7.0)}
NARRATION_START = 0.4  # seconds into a frame's time on screen: its fade-in is over
NARRATION_AFTER = 0.6  # seconds from the end of the narration to the end of its frame: a pause, then the fade
CRF = 24  # text stays sharp; a minute of stills is about a megabyte
PRESET = "veryfast"  # for stills, slower presets made files no smaller (measured: medium and slow 2-5 % larger)
THREADS = "2"  # x264's output depends on its thread count: fixed, so every machine makes the same bytes
AUDIO_BITRATE = "48k"  # mono speech


class VideoError(Exception):
    def __init__(self, job: VideoJob, message: str):
        super().__init__(f"{job.path}.mp4: {message}")
        self.job = job


@dataclass(frozen=True)
class Video:
    mp4: bytes
    vtt: str
    seconds: float


@dataclass(frozen=True)
class Shot:
    """One frame as it is read and heard: its subtitle cue (also what is narrated) and its reading."""

    kind: str  # a key of SHOWN
    cue: str  # WebVTT cue identifier
    caption: str  # the subtitle, written Vietnamese
    narration: str  # the caption in spoken form, for the speech synthesiser
    words: int  # words a viewer reads on the frame (Vietnamese: about one syllable each)


def shots(facts: VideoFacts) -> list[Shot]:
    """The opening, each step and the closing frame, as subtitled and narrated."""
    opening = f"{facts.title}{'' if facts.title[-1:] in '.?!' else '.'} {facts.province}."
    found = [Shot("opening", "mo-dau", opening, spoken(opening), len(opening.split()))]
    for number, step in enumerate(facts.steps, start=1):
        caption = f"Bước {number}. {step.title}"
        words = len(f"{step.title} {step.excerpt}".split())
        found.append(Shot("step", f"buoc-{number}", caption, spoken(caption), words))
    closing, said = f"{SCAN}.", spoken(f"{SCAN}.")
    if facts.hotline:
        # Read digit by digit: spoken() reads "0900 000 200" as numbers.
        closing += f" Đường dây nóng: {facts.hotline}."
        said += f" Đường dây nóng: {digits_words(facts.hotline)}."
    found.append(Shot("closing", "ket-thuc", closing, said, len(closing.split())))
    return found


class TooLong(Exception):
    """The frames need more than LIMIT even at their shortest."""

    def __init__(self, frames_needed: int):
        super().__init__(frames_needed)
        self.seconds = frames_needed / FPS


def timeline(found: list[Shot], syllables_per_minute: int, narration: list[float] | None) -> list[int]:
    """Frames each shot stays on screen (from the middle of its fade in to the middle of its fade out).

    Each shot's ideal time is what its text takes to read at the reading speed, within SHOWN, and at
    least its narration. When the ideals add up past LIMIT, every shot gives up the same share of
    the time it has above its floor (the shortest time in SHOWN, or its narration); TooLong when
    even the floors do not fit."""
    ideals, floors = [], []
    for number, shot in enumerate(found):
        shortest, longest = SHOWN[shot.kind]
        ideal = min(longest, max(shortest, LEAD + shot.words * 60 / syllables_per_minute))
        floor = shortest
        if narration is not None:
            heard = NARRATION_START + narration[number] + NARRATION_AFTER
            ideal, floor = max(ideal, heard), max(floor, heard)
        ideals.append(math.ceil(ideal * FPS))
        floors.append(math.ceil(floor * FPS))
    if sum(ideals) <= LIMIT:
        return ideals
    if sum(floors) > LIMIT:
        raise TooLong(sum(floors))
    share = (LIMIT - sum(floors)) / (sum(ideals) - sum(floors))
    return [low + math.floor((high - low) * share) for low, high in zip(floors, ideals, strict=True)]


def webvtt(found: list[Shot], shown: list[int]) -> str:
    """One cue per frame, from the middle of its fade in to the middle of its fade out."""
    cues = ["WEBVTT", ""]
    start = 0
    for shot, length in zip(found, shown, strict=True):
        text = " ".join(shot.caption.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        cues += [shot.cue, f"{_timestamp(start)} --> {_timestamp(start + length)}", text, ""]
        start += length
    return "\n".join(cues)


def _timestamp(frame: int) -> str:
    ms = frame * 1000 // FPS
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


class VideoRenderer:
    def __init__(self, config: SiteConfig, cache: RenderCache | None = None):
        self.config = config
        self.cache = cache or RenderCache(None)
        self.renders = 0  # videos actually encoded, for tests and benchmarks

    def render(self, job: VideoJob, narrate: bool) -> Video:
        """The job's MP4 and WebVTT; encoded only when no video made from the same inputs is cached."""
        tools = self._tools(job)
        speed = self.config.campaign.reading_speed
        words_per_step = math.floor((SHOWN["step"][1] - LEAD) * speed / 60)
        facts = VideoFacts.of(job.item.guide, job.item.qr, self.config, words_per_step)
        found = shots(facts)
        with tempfile.TemporaryDirectory(prefix="dvc-video-") as temporary:
            folder = Path(temporary)
            clips = self._narrate(job, found, folder) if narrate else []
            try:
                shown = timeline(found, speed, [seconds for _, seconds in clips] if narrate else None)
            except TooLong as exc:
                guide = job.item.guide
                raise VideoError(
                    job,
                    f"guide {guide.slug} ({guide.title}): its {len(guide.steps)} steps need {exc.seconds:.1f} s "
                    f"even at the shortest time a frame may stay, over the {LIMIT // FPS} s a video may last; "
                    "shorten the step titles or split the guide",
                ) from None
            # What is heard: the narration's text and the synthesiser's audio (its voice and version).
            said = [*(shot.narration for shot in found), *(path.read_bytes() for path, _ in clips)] if narrate else []
            key = digest(_code(), tools, repr(facts), repr(shown), *said)
            mp4 = self.cache.get("video", key, ".mp4")
            if mp4 is None:
                try:
                    pictures = [scene.png(picture) for picture in frames.scenes(facts)]
                except FrameError as exc:
                    raise VideoError(job, str(exc)) from None
                mp4 = _encode(job, folder, pictures, shown, [path for path, _ in clips])
                self.renders += 1
                self.cache.put("video", key, ".mp4", mp4)
        return Video(mp4, webvtt(found, shown), sum(shown) / FPS)

    def _tools(self, job: VideoJob) -> str:
        try:
            return _tools()
        except (OSError, subprocess.CalledProcessError) as exc:
            raise VideoError(job, str(exc)) from None

    def _narrate(self, job: VideoJob, found: list[Shot], folder: Path) -> list[tuple[Path, float]]:
        """Each shot's narration as an MP3 file, with its length in seconds."""
        clips = []
        for number, shot in enumerate(found):
            try:
                audio = speak(shot.narration, self.config.campaign.reading_speed, self.cache)
            except SpeechError as exc:
                raise VideoError(job, f"narration: {exc}") from None
            path = folder / f"narration-{number:02d}.mp3"
            path.write_bytes(audio)
            clips.append((path, self._seconds(job, path, audio)))
        return clips

    def _seconds(self, job: VideoJob, path: Path, audio: bytes) -> float:
        """The MP3's length as ffprobe measures it, kept in the cache: a warm build runs no ffprobe."""
        key = digest(_tools(), audio)
        cached = self.cache.get("speech-seconds", key, ".txt")
        if cached is None:
            probe = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)]
            cached = _run(job, probe).strip()
            self.cache.put("speech-seconds", key, ".txt", cached)
        return float(cached)


def _encode(job: VideoJob, folder: Path, pictures: list[bytes], shown: list[int], clips: list[Path]) -> bytes:
    inputs: list[str] = []
    for number, picture in enumerate(pictures):
        path = folder / f"frame-{number:02d}.png"
        path.write_bytes(picture)
        inputs += ["-framerate", str(FPS), "-i", str(path)]
    for clip in clips:
        inputs += ["-i", str(clip)]
    graph = _video_graph(shown)
    output = ["-map", "[v]", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", PRESET, "-tune", "stillimage"]
    output += ["-crf", str(CRF), "-pix_fmt", "yuv420p", "-threads", THREADS]
    output += ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
    if clips:
        graph += ";" + _audio_graph(len(pictures), shown)
        output += ["-map", "[a]", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "1"]
    target = folder / "video.mp4"
    output += ["-movflags", "+faststart", "-fflags", "+bitexact", "-flags", "+bitexact"]
    output += ["-map_metadata", "-1", "-map_chapters", "-1", str(target)]
    _run(job, ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex", graph, *output])
    return target.read_bytes()


def _video_graph(shown: list[int]) -> str:
    """Each picture held, faded into the next over FADE frames, at FPS; then only the frames that
    change, and one a second of each still, are kept (the rest would repeat the one before)."""
    count, half = len(shown), FADE // 2
    parts, segments = [], []
    for number in range(count):
        uses = 1 + (number > 0) + (number < count - 1)
        names = [f"[p{number}_{use}]" for use in range(uses)]
        convert = "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,setsar=1"
        parts.append(f"[{number}:v]{convert},split={uses}{''.join(names)}")
    for number in range(count):
        fading_in, fading_out = number > 0, number < count - 1
        hold = shown[number] - half * (fading_in + fading_out)
        parts.append(f"[p{number}_{int(fading_in)}]tpad=stop={hold - 1}:stop_mode=clone[h{number}]")
        segments.append(f"[h{number}]")
        if fading_out:
            parts.append(f"[p{number}_{int(fading_in) + 1}]tpad=stop={FADE - 1}:stop_mode=clone[a{number}]")
            parts.append(f"[p{number + 1}_0]tpad=stop={FADE - 1}:stop_mode=clone[b{number}]")
            parts.append(f"[a{number}][b{number}]xfade=transition=fade:duration={FADE / FPS}:offset=0[f{number}]")
            segments.append(f"[f{number}]")
    total, starts = sum(shown), _starts(shown)
    changing = [f"between(n,{start - half},{start + half})" for start in starts[1:]]
    keep = "+".join([*changing, f"not(mod(n,{FPS}))", f"eq(n,{total - 1})"])
    parts.append(f"{''.join(segments)}concat=n={len(segments)}:v=1:a=0,select='{keep}'[v]")
    return ";".join(parts)


def _audio_graph(first_input: int, shown: list[int]) -> str:
    """Each narration placed NARRATION_START into its frame's time on screen, over silence."""
    parts, mixed = [], ""
    for number, start in enumerate(_starts(shown)):
        delay = round((start / FPS + NARRATION_START) * 1000)
        parts.append(f"[{first_input + number}:a]adelay=delays={delay}:all=1[n{number}]")
        mixed += f"[n{number}]"
    seconds = sum(shown) / FPS
    mix = f"amix=inputs={len(shown)}:duration=longest:normalize=0"
    parts.append(f"{mixed}{mix},apad=whole_dur={seconds},atrim=end={seconds}[a]")
    return ";".join(parts)


def _starts(shown: list[int]) -> list[int]:
    return [sum(shown[:number]) for number in range(len(shown))]


def _run(job: VideoJob, command: list[str]) -> bytes:
    try:
        done = subprocess.run(command, capture_output=True, check=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        stderr = (getattr(exc, "stderr", b"") or b"").decode(errors="replace").strip()
        raise VideoError(job, f"{command[0]} failed: {stderr[-2000:] or exc}") from None
    return done.stdout


@functools.cache
def _tools() -> str:
    """ffmpeg's full version and the x264 build it encodes with (part of every cache key)."""
    missing = [name for name in ("ffmpeg", "ffprobe") if shutil.which(name) is None]
    if missing:
        raise FileNotFoundError(f"{' and '.join(missing)} not installed (scripts/install-system-packages.sh)")
    version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=True).stdout
    probe = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=size=16x16:duration=0.04", "-c:v", "libx264"]
    stream = subprocess.run([*probe, "-f", "h264", "-"], capture_output=True, check=True).stdout
    x264 = re.search(rb"x264 - core \d+ r\d+ \w+", stream)
    return f"{version} | {x264[0].decode() if x264 else 'x264 ?'}"


@functools.cache
def _code() -> str:
    """The modules that lay out, draw and encode a video, the libraries that draw text and QR codes,
    and the font files."""
    modules = (sys.modules[__name__], frames, infographics, scene, fonts, qr)
    native = [f"{name}={features.version(name)}" for name in ("freetype2", "raqm", "zlib")]
    return digest(code_digest(modules, ("pillow", "qrcode", "markdown")), *native, fonts.fingerprint())
