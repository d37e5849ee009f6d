"""The fonts every rendered file uses: installed by the project's own setup, never the system's."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fontpkg_be_vietnam_pro
from fontTools.ttLib import TTFont

# The text face (full Vietnamese coverage, from PyPI) and a fallback for symbols such as arrows
# (Debian's fonts-dejavu-core). Only these are ever embedded; system fonts are never used.
_TEXT_FONTS = Path(fontpkg_be_vietnam_pro.__file__).parent / "files"
_SYMBOL_FONTS = Path("/usr/share/fonts/truetype/dejavu")
TEXT_FONTS = {
    f"BeVietnamPro-{weight}.ttf": _TEXT_FONTS / f"BeVietnamPro-{weight}.ttf"
    for weight in ("Regular", "Italic", "SemiBold", "Bold")
}
SYMBOL_FONTS = {name: _SYMBOL_FONTS / name for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")}
FONT_FILES = TEXT_FONTS | SYMBOL_FONTS


@cache
def covered_characters() -> frozenset[int]:
    """Code points that every weight of the text face, or else the symbol fallback, can draw."""
    missing = [path for path in FONT_FILES.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"print font not installed: {missing[0]} (run `make build` to install it)")

    def cmap(paths) -> set[int]:
        return set.intersection(*(set(TTFont(path, lazy=True).getBestCmap()) for path in paths))

    return frozenset(cmap(TEXT_FONTS.values()) | cmap(SYMBOL_FONTS.values()))


@cache
def fingerprint() -> str:
    """Names and sizes of the font files: part of every render cache key, read once per process."""
    return ";".join(f"{path.name}:{path.stat().st_size}" for path in FONT_FILES.values() if path.exists())
