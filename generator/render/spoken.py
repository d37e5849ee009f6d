"""Written Vietnamese to the words an announcer reads aloud on the ward loudspeakers.

Numbers, dates, fees, times, phone numbers, abbreviations and web addresses are written out as
they are spoken, so the announcer never has to work one out live and the audio draft says them
right. Numbers are read by our own few lines: num2words 0.5.14 reads 2024 as "hai nghìn lẻ hai
mươi bốn" (it should be "hai nghìn không trăm hai mươi bốn").

The pipeline (`spoken`) runs in a fixed order, because the forms overlap: a web address holds
dots, a legal reference ("63/2024/NĐ-CP") looks like a date, a phone number like a big number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from html.parser import HTMLParser

import markdown

from ..links import MARKDOWN_EXTENSIONS

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu", "tỷ")
MONTHS = ("", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")

# Read as listeners know them. Matched as whole words, longest first, so "VNeID" is not read as
# "VN" + "eID" and "tin nhắn SMS" does not become "tin nhắn tin nhắn".
READ_ALOUD: dict[str, str] = {
    "VNeID": "Vê-en-ây-đi",
    "DVCQG": "dịch vụ công quốc gia",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "GPLX": "giấy phép lái xe",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "LLTP": "lý lịch tư pháp",
    "TTHC": "thủ tục hành chính",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "CSGT": "cảnh sát giao thông",
    "HKD": "hộ kinh doanh",
    "MST": "mã số thuế",
    "DVC": "dịch vụ công",
    "QR": "kiu-a",
    "OTP": "ô-tê-pê",
    "tin nhắn SMS": "tin nhắn",
    "SMS": "tin nhắn",
    "PDF": "pê-đê-ép",
    "Wi-Fi": "oai-phai",
    "App Store": "Áp Xto",
    "CH Play": "Xê-hát Plây",
    "Zalo": "Da-lô",
    "Facebook": "Phây-búc",
    "Internet": "In-tơ-nét",
    "passcode": "mã bảo vệ",
    "online": "trực tuyến",
}

# Letter names as listeners know them, for spelling an address they must type. "d" is said "đê"
# as most people spell Latin letters aloud; an address never holds an "đ", so nothing is ambiguous.
LETTERS = {
    "a": "a",
    "b": "bê",
    "c": "xê",
    "d": "đê",
    "e": "e",
    "f": "ép",
    "g": "giê",
    "h": "hát",
    "i": "i",
    "j": "gi",
    "k": "ca",
    "l": "e-lờ",
    "m": "em-mờ",
    "n": "en-nờ",
    "o": "o",
    "p": "pê",
    "q": "qui",
    "r": "e-rờ",
    "s": "ét-xì",
    "t": "tê",
    "u": "u",
    "v": "vê",
    "w": "vê kép",
    "x": "ích-xì",
    "y": "i dài",
    "z": "dét",
}
SEPARATORS = {
    ".": "chấm",
    "/": "gạch chéo",
    "-": "gạch ngang",
    ":": "hai chấm",
    "_": "gạch dưới",
    "?": "dấu hỏi",
    "=": "dấu bằng",
    "&": "và",
    "#": "thăng",
    "@": "a còng",
    "~": "dấu ngã",
}

# Addresses listeners know by name: said as the name, not spelled.
KNOWN_SITES = {
    "dichvucong.gov.vn": "Cổng Dịch vụ công quốc gia",
    "vneid.gov.vn": "trang Vê-en-ây-đi",
}

# Who issued a legal document, from the code after its number ("63/2024/NĐ-CP"), without the term digits.
ISSUERS = {
    "NĐ-CP": "của Chính phủ",
    "QH": "của Quốc hội",
    "NQ-UBTVQH": "của Ủy ban Thường vụ Quốc hội",
    "QĐ-TTg": "của Thủ tướng Chính phủ",
    "TT-BTC": "của Bộ Tài chính",
    "TT-BCA": "của Bộ Công an",
    "TT-BTP": "của Bộ Tư pháp",
}


# --- Numbers --------------------------------------------------------------------------------


def number_words(number: int) -> str:
    """12_500 -> 'mười hai nghìn năm trăm', 2024 -> 'hai nghìn không trăm hai mươi bốn'."""
    if number < 0:
        return "âm " + number_words(-number)
    if number == 0:
        return DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    if len(groups) > len(GROUPS):
        raise ValueError("numbers of a thousand billion and more are not read aloud")
    words: list[str] = []
    for place in range(len(groups) - 1, -1, -1):
        group = groups[place]
        if group == 0:
            continue
        words += _three_digits(group, leading=place == len(groups) - 1)
        if GROUPS[place]:
            words.append(GROUPS[place])
    return " ".join(words)


def _three_digits(group: int, leading: bool) -> list[str]:
    hundreds, rest = divmod(group, 100)
    tens, ones = divmod(rest, 10)
    words = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones:
            words += (["lẻ"] if words else []) + [DIGITS[ones]]
        return words
    words.append("mười" if tens == 1 else f"{DIGITS[tens]} mươi")
    if ones == 1 and tens > 1:
        words.append("mốt")
    elif ones == 5:
        words.append("lăm")
    elif ones:
        words.append(DIGITS[ones])
    return words


def fee_words(vnd: int) -> str:
    """A fee field: 0 is 'miễn phí', anything else in words and đồng."""
    return "miễn phí" if vnd == 0 else f"{number_words(vnd)} đồng"


def digits_words(text: str) -> str:
    """A phone number digit by digit, keeping its groups as pauses: '1800 1096' -> 'một tám không
    không, một không chín sáu'."""
    groups = [g for g in re.split(r"[\s.]+", text.strip()) if g]
    return ", ".join(" ".join(DIGITS[int(d)] for d in group if d.isdigit()) for group in groups)


def date_words(day: int | None, month: int, year: int | None) -> str:
    """(1, 7, 2024) -> 'ngày một tháng bảy năm hai nghìn không trăm hai mươi bốn'."""
    words = [f"ngày {number_words(day)}"] if day is not None else []
    words.append(f"tháng {MONTHS[month]}")
    if year is not None:
        words.append(f"năm {number_words(year)}")
    return " ".join(words)


def time_words(hours: int, minutes: int) -> str:
    """7:30 -> 'bảy giờ ba mươi', 8:05 -> 'tám giờ năm phút', 13:00 -> 'mười ba giờ'."""
    words = f"{number_words(hours)} giờ"
    if minutes == 0:
        return words
    return f"{words} {number_words(minutes)}" + (" phút" if minutes < 10 else "")


def spell(address: str) -> str:
    """A web address letter by letter, the way a listener can type it; a pause around each dot,
    slash and hyphen: 'dvc.example.vn/q/ab3d' -> 'đê vê xê, chấm, e ích-xì a …, gạch chéo, qui, …'."""
    text = unicodedata.normalize("NFC", address.strip().lower())
    text = re.sub(r"^https?://", "", text).rstrip("/")
    parts: list[str] = []
    word: list[str] = []
    for char in text:
        if char in SEPARATORS:
            parts += [" ".join(word)] if word else []
            parts.append(SEPARATORS[char])
            word = []
        elif char.isdigit():
            word.append(DIGITS[int(char)])
        elif char in LETTERS:
            word.append(LETTERS[char])
        else:
            raise ValueError(f"cannot spell {char!r} in the address {address!r}")
    parts += [" ".join(word)] if word else []
    return ", ".join(parts)


# --- Markdown to plain text -----------------------------------------------------------------

_BLOCK_TAGS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "div"}
# A parenthesis around a link to another page of the site ("(xem [cách tra cứu](faq:…))") means
# nothing on the radio: it goes. The link text elsewhere stays, without its address.
_LOCAL_LINK_ASIDE = re.compile(r"\s*\([^()]*<a href=\"(?:guide|faq):[^\"]*\"[^>]*>[^<]*</a>[^()]*\)")


class _Blocks(HTMLParser):
    """Text of each paragraph and list item of rendered Markdown, marks and links reduced to their words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[bool, str]] = []  # (is a list item, text)
        self._text: list[str] = []
        self._items = 0  # open <li> elements

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        elif tag == "br":
            self._text.append(" ")
        self._items += tag == "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        self._items -= tag == "li"

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append((self._items > 0, text))
        self._text = []

    def close(self) -> None:
        super().close()
        self._flush()


def paragraphs(source: str) -> list[str]:
    """Author Markdown as plain paragraphs: a list becomes one sentence of items separated by
    semicolons, joined to the paragraph before it when that one leads into it with a colon."""
    html = markdown.markdown(unicodedata.normalize("NFC", source), extensions=list(MARKDOWN_EXTENSIONS))
    parser = _Blocks()
    parser.feed(_LOCAL_LINK_ASIDE.sub("", html))
    parser.close()
    result: list[str] = []
    items: list[str] = []

    def close_list() -> None:
        if not items:
            return
        joined = "; ".join(lower_first(item.rstrip(".;, ")) for item in items) + "."
        if result and result[-1].endswith(":"):
            result[-1] = f"{result[-1]} {joined}"
        else:
            result.append(joined[:1].upper() + joined[1:])
        items.clear()

    for is_item, text in parser.blocks:
        if is_item:
            items.append(text)
        else:
            close_list()
            result.append(text)
    close_list()
    return result


def lower_first(text: str) -> str:
    """'Công dân Việt Nam…' -> 'công dân Việt Nam…', for the middle of a sentence; a first word with
    more capitals (VNeID, UBND) is kept."""
    first = text.split(" ", 1)[0]
    return text if first[1:] != first[1:].lower() else text[:1].lower() + text[1:]


def sentences(text: str) -> list[str]:
    """A paragraph cut after each '.', '!' or '?' that a capital letter follows."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[^\W\d_])", text.strip())
    result: list[str] = []
    for piece in pieces:
        if result and not piece[:1].isupper():
            result[-1] = f"{result[-1]} {piece}"
        else:
            result.append(piece)
    return [s for s in result if s]


# --- Written forms to words -----------------------------------------------------------------

_ADDRESS = re.compile(r"(?<![\w@./-])(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})\b(/[^\s()<>\"“”,;]*)?")
_LEGAL = re.compile(
    r"(?<![\w/])(?P<so>số\s+)?(?P<number>\d+)/(?:(?P<year>\d{4})/)?"
    r"(?P<code>[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ]*)*)(?P<term>\d*)(?![\w/])"
)
_PROCEDURE_CODE = re.compile(r"(?<![\d.,])(\d)\.(\d{6})(?![\d.,])")
_LETTERS_DIGITS = re.compile(r"(?<![\w-])([A-Z]{1,4})(\d{1,4})(?![\w-])")
_DIGITS_LETTER = re.compile(r"(?<![\w-])(\d{1,2})([A-Z])(?![\w-])")
_PHONE = re.compile(r"(?<![\d.,/])(?:(?:0\d{2,3}|1[89]00)(?:[ .]\d{2,4}){1,3}|0\d{8,10})(?![\d,/]|\.\d)")
_DATE = re.compile(r"(?<![\d/])(?:(?P<word>ngày)\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])", re.I)
_MONTH_YEAR = re.compile(r"(?<![\d/])(?:(?P<word>tháng)\s+)?(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])", re.I)
_DAY_MONTH = re.compile(r"(?<![\d/])(?P<word>ngày|từ|đến|trước|sau)\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/])", re.I)
_TIME = r"(\d{1,2})[:h](\d{2})"
_TIME_RANGE = re.compile(rf"(?<![\w:])(?:(từ)\s+)?{_TIME}\s*[–-]\s*{_TIME}(?![\w:])", re.I)
_ONE_TIME = re.compile(rf"(?<![\w:]){_TIME}(?![\w:])")
_HOURS = re.compile(r"(?<![\w:])(\d{1,2})h(?!\w)")  # 8h -> tám giờ
_DAY = r"(?:Thứ|thứ) (?:Hai|Ba|Tư|Năm|Sáu|Bảy|hai|ba|tư|năm|sáu|bảy)|Chủ [nN]hật"
_DAY_RANGE = re.compile(rf"(?:(từ)\s+)?({_DAY})\s*[–-]\s*({_DAY})", re.I)
_MONEY = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:đồng|đ|VNĐ|VND)(?!\w)")
_PER_UNIT = re.compile(r"\bđồng\s*/\s*(?=\w)")
_PERCENT = re.compile(r"(?<![\d.,])(\d+)(?:,(\d+))?\s*%")
_ORDINAL = re.compile(r"\b([Tt]hứ)\s+(\d+)(?!\d)")
_NUMBER_RANGE = re.compile(r"(?<![\d.,])(\d+)\s*[–-]\s*(?=\d)")
_NUMBER_PER_NUMBER = re.compile(r"(?<![\d.,/])(\d+)/(\d+)(?![\d/])")
_DECIMAL = re.compile(r"(?<![\d.,])(\d+),(\d+)(?![\d,])")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d,]|\.\d)")
_DOTTED = re.compile(r"(?<![\d.,])(\d+)\.(\d+)(?![\d,])")
_NUMBER = re.compile(r"\d+")
_ASIDE = re.compile(r"\s*\(([^()]+)\)")


def spoken(text: str, abbreviations: Mapping[str, str] | None = None) -> str:
    """Written text as read aloud: addresses, legal references, codes, abbreviations, phone numbers,
    dates, times, money, percentages and every other number in words. `abbreviations` adds to
    READ_ALOUD (for example the site's search abbreviations); READ_ALOUD wins where both have one."""
    text = unicodedata.normalize("NFC", text)
    text = _ADDRESS.sub(_address_words, text)
    text = _LEGAL.sub(_legal_words, text)
    text = _PROCEDURE_CODE.sub(lambda m: f"{DIGITS[int(m[1])]} chấm {_each_digit(m[2])}", text)
    text = _expand(text, {**(abbreviations or {}), **READ_ALOUD})
    text = _LETTERS_DIGITS.sub(lambda m: " ".join([*(LETTERS[c.lower()] for c in m[1]), _each_digit(m[2])]), text)
    text = _DIGITS_LETTER.sub(lambda m: f"{number_words(int(m[1]))} {LETTERS[m[2].lower()]}", text)
    text = _PHONE.sub(lambda m: digits_words(m[0]), text)
    text = _DATE.sub(_checked(lambda m: date_words(int(m["d"]), int(m["m"]), int(m["y"]))), text)
    text = _MONTH_YEAR.sub(_checked(lambda m: date_words(None, int(m["m"]), int(m["y"]))), text)
    text = _DAY_MONTH.sub(_checked(lambda m: date_words(int(m["d"]), int(m["m"]), None)), text)
    text = _TIME_RANGE.sub(_time_range, text)
    text = _ONE_TIME.sub(lambda m: time_words(int(m[1]), int(m[2])), text)
    text = _HOURS.sub(lambda m: time_words(int(m[1]), 0), text)
    text = _DAY_RANGE.sub(lambda m: f"{m[1] or 'từ'} {m[2]} đến {m[3]}", text)
    text = _MONEY.sub(lambda m: f"{number_words(int(m[1].replace('.', '')))} đồng", text)
    text = _PER_UNIT.sub("đồng một ", text)
    text = _PERCENT.sub(lambda m: _decimal(m[1], m[2]) + " phần trăm", text)
    text = _ORDINAL.sub(lambda m: f"{m[1]} {_ordinal(int(m[2]))}", text)
    text = _NUMBER_RANGE.sub(lambda m: f"{m[1]} đến ", text)
    text = _NUMBER_PER_NUMBER.sub(lambda m: f"{m[1]} trên {m[2]}", text)
    text = _DECIMAL.sub(lambda m: _decimal(m[1], m[2]), text)
    text = _THOUSANDS.sub(lambda m: number_words(int(m[0].replace(".", ""))), text)
    text = _DOTTED.sub(lambda m: f"{_integer(m[1])} chấm {_integer(m[2])}", text)
    text = _NUMBER.sub(lambda m: _integer(m[0]), text)
    return _tidy(text)


def _address_words(match: re.Match) -> str:
    host, path = match[1].lower(), (match[2] or "").rstrip(".")
    trailing = (match[2] or "")[len(path) :]
    host = host.removeprefix("www.")
    if path.strip("/") == "" and host in KNOWN_SITES:
        return KNOWN_SITES[host] + trailing
    return spell(host + path) + trailing


def _legal_words(match: re.Match) -> str:
    words = f"{match['so'] or 'số '}{number_words(int(match['number']))}"
    if match["year"]:
        words += f" năm {number_words(int(match['year']))}"
    issuer = ISSUERS.get(match["code"])
    return f"{words} {issuer}" if issuer else words


def _expand(text: str, abbreviations: Mapping[str, str]) -> str:
    for written in sorted(abbreviations, key=len, reverse=True):
        said = abbreviations[written]
        text = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", lambda _, said=said: said, text)
    return text


def _checked(words: Callable[[re.Match], str]) -> Callable[[re.Match], str]:
    """A date reader that leaves the text as it is when the day or month is out of range."""

    def read(match: re.Match) -> str:
        fields = match.groupdict()
        if not 1 <= int(fields["m"]) <= 12 or not 1 <= int(fields.get("d") or 1) <= 31:
            return match[0]
        said, word = words(match), fields.get("word")
        if not word:
            return said
        return word + said[len(word) :] if said.startswith(word.lower()) else f"{word} {said}"

    return read


def _time_range(match: re.Match) -> str:
    start, end = time_words(int(match[2]), int(match[3])), time_words(int(match[4]), int(match[5]))
    return f"{match[1] or 'từ'} {start} đến {end}"


def _ordinal(number: int) -> str:
    return {1: "nhất", 4: "tư"}.get(number, number_words(number))


def _decimal(whole: str, fraction: str | None) -> str:
    return _integer(whole) + (f" phẩy {_integer(fraction)}" if fraction else "")


def _integer(digits: str) -> str:
    """A run of digits: as a number, or digit by digit when it starts with 0 or is too long to read."""
    if (len(digits) > 1 and digits.startswith("0")) or len(digits) > 12:
        return _each_digit(digits)
    return number_words(int(digits))


def _each_digit(digits: str) -> str:
    return " ".join(DIGITS[int(d)] for d in digits)


def _tidy(text: str) -> str:
    text = text.replace("→", ", rồi ").replace("&", " và ")
    text = re.sub(r"\s+[–—]\s+", ", ", text)  # a dash between clauses is a pause
    text = re.sub(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])", ", ", text)  # xã/phường -> xã, phường
    text = _ASIDE.sub(_drop_repeated_aside, text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*,)+", r"\1", text)
    text = re.sub(r"\.\s*,", ".", text)
    return text.strip()


def _drop_repeated_aside(match: re.Match) -> str:
    """'giấy phép lái xe (giấy phép lái xe)', left by an expanded abbreviation, said once."""
    before = match.string[: match.start()].casefold()
    return "" if before.rstrip().endswith(match[1].strip().casefold()) else match[0]


# --- Checks ---------------------------------------------------------------------------------


def syllables(text: str) -> int:
    """Vietnamese is written a syllable per word: the count that sets how long a script takes to read."""
    return len(re.findall(r"[^\W_]+", text))


def leftover_abbreviations(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Items of READ_ALOUD (and of `extra`, such as the search abbreviations) still written as such."""
    words = dict.fromkeys([*READ_ALOUD, *extra])
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
