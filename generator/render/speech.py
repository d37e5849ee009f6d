"""Audio drafts: spoken Vietnamese read by a speech synthesiser, as MP3.

The voice is espeak-ng's `vi` (Debian's espeak-ng, offline, no model to download); ffmpeg
encodes it. It is a draft for the announcer and for the step videos: understandable, clearly
a machine, with flat tones on some words. Text must already be spoken form (render/spoken.py).
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from ..cache import RenderCache, digest

VOICE = "vi"
# espeak-ng's rate is "words" per minute, and its `vi` voice reads about 1.35 syllables per such
# word-minute: at -s 120 it says about 160 syllables a minute (measured on the demo scripts).
SYLLABLES_PER_RATE = 1.35
SAMPLE_RATE = 22050
BITRATE = "48k"  # mono speech: about 360 KB a minute
_VERSION = "1"  # bump when a change here alters the audio for the same text


class SpeechError(Exception):
    """The synthesiser or encoder is missing or failed."""


@functools.cache
def tools() -> str:
    """The synthesiser's and encoder's versions (part of every cache key); SpeechError if missing."""
    missing = [name for name in ("espeak-ng", "ffmpeg") if shutil.which(name) is None]
    if missing:
        raise SpeechError(f"{' and '.join(missing)} not installed (scripts/install-system-packages.sh)")
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    ffmpeg = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=True).stdout
    return f"{espeak.strip()} | {ffmpeg.splitlines()[0]}"


def rate(syllables_per_minute: int) -> int:
    """espeak-ng's -s for a reading speed in syllables per minute."""
    return round(syllables_per_minute / SYLLABLES_PER_RATE)


def speak(text: str, syllables_per_minute: int, cache: RenderCache | None = None) -> bytes:
    """MP3 of `text` read at about `syllables_per_minute`, byte for byte the same for the same input."""
    cache = cache or RenderCache(None)
    key = digest(_VERSION, tools(), VOICE, str(syllables_per_minute), text)
    cached = cache.get("speech", key, ".mp3")
    if cached is not None:
        return cached
    wav = _run(["espeak-ng", "-v", VOICE, "-s", str(rate(syllables_per_minute)), "--stdin", "--stdout"], text.encode())
    encode = ["ffmpeg", "-v", "error", "-f", "wav", "-i", "pipe:0", "-ac", "1", "-ar", str(SAMPLE_RATE)]
    encode += ["-c:a", "libmp3lame", "-b:a", BITRATE]
    # bitexact and no metadata: the same text gives the same bytes on every machine with these versions
    encode += ["-fflags", "+bitexact", "-map_metadata", "-1", "-f", "mp3", "pipe:1"]
    mp3 = _run(encode, wav)
    cache.put("speech", key, ".mp3", mp3)
    return mp3


def _run(command: list[str], data: bytes) -> bytes:
    try:
        done = subprocess.run(command, input=data, capture_output=True, check=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        stderr = getattr(exc, "stderr", b"") or b""
        raise SpeechError(f"{command[0]} failed: {stderr.decode(errors='replace').strip() or exc}") from None
    return done.stdout
