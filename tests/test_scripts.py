"""Loudspeaker scripts (bài đọc loa truyền thanh): written Vietnamese read aloud, and every script of
the demo content fitted to its length, free of digits and abbreviations, with the short link spelled
and the hotline read digit by digit; then the announcer's text file and A4 PDF, read back with
poppler and pypdf, and the audio draft timed with espeak-ng and ffprobe."""

from __future__ import annotations

import functools
import itertools
import re
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.load import load_content
from generator.plan import ScriptJob, plan_build
from generator.render.print import PrintRenderer
from generator.render.scripts import ScriptError, script_for, script_pdf, script_txt
from generator.render.speech import speak
from generator.render.spoken import (
    READ_ALOUD,
    date_words,
    digits_words,
    leftover_abbreviations,
    lower_first,
    number_words,
    paragraphs,
    sentences,
    spell,
    spoken,
    syllables,
    time_words,
)
from generator.text import format_date
from generator.validate import Site, load_config, validate
from tests.conftest import ROOT
from tests.pdf_tools import collapse, compact, pdf_text


@functools.cache
def demo() -> tuple[Site, list[ScriptJob]]:
    """The project's own demo content, validated and planned (read only: nothing is written)."""
    site = validate(load_content(ROOT / "content"), load_config(ROOT / "site_config.yml"), "site_config.yml")
    return site, [job for plan in plan_build(site).sites[1:] for job in plan.kit.scripts]


def demo_job(path: str) -> ScriptJob:
    return next(job for job in demo()[1] if job.path == path)


# --- Reading numbers, dates, times, phone numbers ------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (60, "sáu mươi"),
        (101, "một trăm lẻ một"),
        (105, "một trăm lẻ năm"),
        (110, "một trăm mười"),
        (1001, "một nghìn không trăm lẻ một"),
        (2024, "hai nghìn không trăm hai mươi bốn"),
        (2025, "hai nghìn không trăm hai mươi lăm"),
        (8000, "tám nghìn"),
        (10000, "mười nghìn"),
        (12500, "mười hai nghìn năm trăm"),
        (135000, "một trăm ba mươi lăm nghìn"),
        (200000, "hai trăm nghìn"),
        (1_000_000, "một triệu"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        (2_000_000_000, "hai tỷ"),
    ],
)
def test_number_words(number: int, words: str) -> None:
    assert number_words(number) == words


def test_dates_times_and_phone_numbers_in_words() -> None:
    assert date_words(1, 7, 2024) == "ngày một tháng bảy năm hai nghìn không trăm hai mươi bốn"
    assert date_words(None, 4, 2026) == "tháng tư năm hai nghìn không trăm hai mươi sáu"
    assert time_words(7, 30) == "bảy giờ ba mươi"
    assert time_words(13, 0) == "mười ba giờ"
    assert time_words(8, 5) == "tám giờ năm phút"
    assert digits_words("1800 1096") == "một tám không không, một không chín sáu"
    assert digits_words("0270 3822 000") == "không hai bảy không, ba tám hai hai, không không không"


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Từ ngày 1/7/2024, đăng nhập", "Từ ngày một tháng bảy năm hai nghìn không trăm hai mươi bốn, đăng nhập"),
        ("hiệu lực từ 1/7/2026.", "hiệu lực từ ngày một tháng bảy năm hai nghìn không trăm hai mươi sáu."),
        ("Từ tháng 7/2025, hồ sơ", "Từ tháng bảy năm hai nghìn không trăm hai mươi lăm, hồ sơ"),
        ("trước 27/6", "trước ngày hai mươi bảy tháng sáu"),
        ("Gọi 1800 1096.", "Gọi một tám không không, một không chín sáu."),
        ("số 0270 3822 000.", "số không hai bảy không, ba tám hai hai, không không không."),
        (
            "Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00",
            "từ Thứ Hai đến Thứ Sáu: từ bảy giờ ba mươi đến mười một giờ ba mươi, "
            "từ mười ba giờ ba mươi đến mười bảy giờ",
        ),
        ("sáng Thứ Bảy: 8:00–11:00", "sáng Thứ Bảy: từ tám giờ đến mười một giờ"),
        ("mở cửa 7h30, đóng 17h", "mở cửa bảy giờ ba mươi, đóng mười bảy giờ"),
        ("lệ phí 10.000 đồng", "lệ phí mười nghìn đồng"),
        ("135.000 đồng hoặc 200000đ", "một trăm ba mươi lăm nghìn đồng hoặc hai trăm nghìn đồng"),
        ("bản sao: 8.000 đồng/bản", "bản sao: tám nghìn đồng một bản"),
        ("khoảng 3,5 ngày làm việc", "khoảng ba phẩy năm ngày làm việc"),
        ("đạt 93 % và 12,5%", "đạt chín mươi ba phần trăm và mười hai phẩy năm phần trăm"),
        ("từ 3–5 ngày", "từ ba đến năm ngày"),
        ("thứ 4 và thứ 1", "thứ tư và thứ nhất"),
        ("tại xã/phường", "tại xã, phường"),
        ("tờ khai (mẫu CT01)", "tờ khai (mẫu xê tê không một)"),
        ("Wi-Fi hoặc 4G", "oai-phai hoặc bốn giê"),
        ("mã QR trên VNeID", "mã kiu-a trên Vê-en-ây-đi"),
        ("thẻ CCCD, GPLX và BHYT", "thẻ căn cước công dân, giấy phép lái xe và bảo hiểm y tế"),
        ("UBND xã, HĐND tỉnh", "Ủy ban nhân dân xã, Hội đồng nhân dân tỉnh"),
        ("qua tin nhắn SMS", "qua tin nhắn"),
        ("Giấy phép lái xe (GPLX) sắp hết hạn", "Giấy phép lái xe sắp hết hạn"),
        ("Mã thủ tục 1.001193", "Mã thủ tục một chấm không không một một chín ba"),
        (
            "theo Luật số 107/2025/QH15",
            "theo Luật số một trăm lẻ bảy năm hai nghìn không trăm hai mươi lăm của Quốc hội",
        ),
        (
            "Nghị định 63/2024/NĐ-CP",
            "Nghị định số sáu mươi ba năm hai nghìn không trăm hai mươi bốn của Chính phủ",
        ),
        ("Đăng nhập dichvucong.gov.vn.", "Đăng nhập Cổng Dịch vụ công quốc gia."),
        (
            "Xem https://dvc.example.vn/q/ab3d",
            "Xem đê vê xê, chấm, e ích-xì a em-mờ pê e-lờ e, chấm, vê en-nờ, gạch chéo, qui, gạch chéo, a bê ba đê",
        ),
        ("Chọn Thủ tục hành chính → Cấp phiếu", "Chọn Thủ tục hành chính, rồi Cấp phiếu"),
        ("Liên thông khai sinh – thường trú", "Liên thông khai sinh, thường trú"),
        ("Số 12 đường 3 Tháng 2", "Số mười hai đường ba Tháng hai"),
        ("mã 007", "mã không không bảy"),
    ],
)
def test_spoken(written: str, said: str) -> None:
    assert spoken(written) == said


def test_site_abbreviations_are_read_too() -> None:
    assert spoken("Gặp TNXK ở xã", {"TNXK": "thanh niên xung kích"}) == "Gặp thanh niên xung kích ở xã"
    assert leftover_abbreviations("Gặp TNXK ở xã", ["TNXK"]) == ["TNXK"]
    assert leftover_abbreviations("Vê-en-ây-đi và căn cước công dân") == []
    assert leftover_abbreviations("VNeID và CCCD") == ["VNeID", "CCCD"]


def test_spell_reads_a_short_link_letter_by_letter() -> None:
    assert spell("dvc.example.vn/q/ab3d") == (
        "đê vê xê, chấm, e ích-xì a em-mờ pê e-lờ e, chấm, vê en-nờ, gạch chéo, qui, gạch chéo, a bê ba đê"
    )
    assert spell("https://huongdan-dvc.example.org/q/00sd/").startswith("hát u o en-nờ giê đê a en-nờ, gạch ngang,")
    with pytest.raises(ValueError, match="cannot spell"):
        spell("dvc.example.vn/é")


def test_markdown_becomes_plain_paragraphs() -> None:
    source = (
        "Đăng nhập **dichvucong.gov.vn** (xem [cách tra cứu](faq:tra-cuu-ho-so)).\n\n"
        "Bạn cần:\n\n- **Điện thoại** có VNeID.\n- Tài khoản *mức 2*.\n\n"
        "Xem [trang Bộ Công an](https://vneid.gov.vn) ngay."
    )
    assert paragraphs(source) == [
        "Đăng nhập dichvucong.gov.vn.",
        "Bạn cần: điện thoại có VNeID; tài khoản mức 2.",
        "Xem trang Bộ Công an ngay.",
    ]
    assert sentences("Một câu (ví dụ: Tạp hóa Cô Ba). Câu hai? câu vẫn hai. Ba!") == [
        "Một câu (ví dụ: Tạp hóa Cô Ba).",
        "Câu hai? câu vẫn hai.",
        "Ba!",
    ]


def test_syllables_count_hyphenated_names_by_syllable() -> None:
    assert syllables("Vê-en-ây-đi, e-lờ; bà con.") == 8


# --- Every script of the demo content ---------------------------------------------------------


@pytest.mark.parametrize("path", [job.path for job in demo()[1]])
def test_demo_script(path: str) -> None:
    site, _ = demo()
    job = demo_job(path)
    config, guide, province = site.config, job.item.guide, job.province
    script = script_for(job, config)
    text = script.text

    assert script.title == f"{job.label}: {guide.title}"
    assert 0.8 * job.seconds <= script.seconds <= job.seconds, f"{script.seconds:.1f} s for {job.seconds} s"
    assert script.seconds == script.syllables * 60 / config.campaign.reading_speed
    assert leftover_abbreviations(text, config.search.all_abbreviations) == []
    assert not re.search(r"\d", text), re.findall(r"\S*\d\S*", text)
    assert not re.search(r"https?:|\w\.\w|\*\*|\]\(|[`#<>]", text)
    assert unicodedata.is_normalized("NFC", text)
    link = spell(job.item.qr.display)
    assert text.count(link) == (2 if job.seconds >= 120 else 1)
    assert digits_words(province.hotlines[0].number) in text
    place = lower_first(job.commune.name) if job.commune else f"{province.kind} {province.name}"
    assert text.startswith(f"Kính thưa bà con {place}!")
    steps = [_number_of(words) for words in re.findall(r"\bBước (\w+(?: \w+)?):", text)]
    assert steps == list(range(1, len(steps) + 1)), "steps are said in order, none skipped"
    if job.commune is None:
        assert "Trung tâm Phục vụ hành chính công xã, phường nơi mình ở, có tình nguyện viên hướng dẫn" in text
    else:
        centre = job.commune.service_centre
        assert f"bà con đến {centre.name}" in text
        for hours, minutes in re.findall(r"(\d{1,2}):(\d{2})", centre.hours):
            assert time_words(int(hours), int(minutes)) in text, f"{hours}:{minutes} of {centre.hours!r}"


def _number_of(words: str) -> int:
    return next(n for n in range(1, 30) if number_words(n) == words)


def test_a_commune_script_of_two_minutes_gives_the_volunteer_duty_schedule() -> None:
    site, _ = demo()
    job = demo_job("vinh-long/truyen-thong/lien-thong-khai-sinh/phuong-long-chau/loa-2-phut")
    team = job.commune.volunteer_team
    text = script_for(job, site.config).text
    assert f"{team.name} trực hỗ trợ bà con từ Thứ Hai đến Thứ Sáu, từ bảy giờ ba mươi đến mười một giờ" in text
    assert "vào Thứ Bảy, từ bảy giờ ba mươi đến mười một giờ, tại nhà văn hóa khóm một" in text
    address = "số bốn mươi lăm đường Phạm Thái Bường, phường Long Châu"
    assert address in text


def test_the_short_script_keeps_less_than_the_long_one() -> None:
    site, jobs = demo()
    for short, long in zip(jobs[::2], jobs[1::2], strict=True):
        assert (short.item.guide.slug, short.seconds, long.seconds) == (long.item.guide.slug, 60, 120)
        assert script_for(short, site.config).syllables < script_for(long, site.config).syllables


def test_script_text_file_for_the_announcer() -> None:
    site, _ = demo()
    job = demo_job("vinh-long/truyen-thong/dang-ky-thuong-tru/loa-1-phut")
    script = script_for(job, site.config)
    data = script_txt(job, script, site.config)
    text = data.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    lines = text.splitlines()
    assert lines[0] == "Bài đọc loa 1 phút: Đăng ký thường trú trực tuyến"
    assert lines[1] == "Nơi phát: Tỉnh Vĩnh Long"
    assert re.fullmatch(r"Độ dài dự kiến: khoảng 1 phút \((4[89]|5\d|60) giây\) ở tốc độ 160 tiếng/phút", lines[2])
    reviewed = min(job.item.guide.last_reviewed, job.province.last_reviewed)
    assert lines[3] == f"Thông tin kiểm tra ngày {format_date(reviewed)}" == "Thông tin kiểm tra ngày 22/11/2026"
    assert job.item.qr.display in lines[4] and "0900 000 100" in lines[4]
    assert text.endswith(script.text + "\n")


# --- Errors ---------------------------------------------------------------------------------------


def test_a_script_that_cannot_fit_names_the_guide() -> None:
    site, _ = demo()
    slow = site.config.model_copy(update={"campaign": site.config.campaign.model_copy(update={"reading_speed": 100})})
    job = replace(demo_job("dong-nai/truyen-thong/ly-lich-tu-phap/loa-1-phut"), seconds=30)
    with pytest.raises(
        ScriptError, match=r"'ly-lich-tu-phap' \(Cấp phiếu lý lịch tư pháp trên VNeID\) cannot fit 30 s"
    ):
        script_for(job, slow)


def test_a_script_too_long_for_the_guide_names_the_guide() -> None:
    site, _ = demo()
    job = replace(demo_job("bac-ninh/truyen-thong/dang-nhap-vneid/loa-2-phut"), seconds=900)
    with pytest.raises(ScriptError, match=r"'dang-nhap-vneid' .* takes only \d+ s of the 900 s set"):
        script_for(job, site.config)


# --- PDF and audio ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "pages"),
    [
        ("bac-ninh/truyen-thong/dang-ky-thuong-tru/loa-1-phut", {1}),
        ("vinh-long/truyen-thong/lien-thong-khai-sinh/phuong-long-chau/loa-2-phut", {2, 3}),
    ],
)
def test_script_pdf(path: str, pages: set[int], tmp_path: Path) -> None:
    site, _ = demo()
    job = demo_job(path)
    script = script_for(job, site.config)
    pdf = tmp_path / "script.pdf"
    pdf.write_bytes(script_pdf(job, script, PrintRenderer(ROOT / "theme", site.config, site.assets)))

    text = pdf_text(pdf)
    assert collapse(script.title) in collapse(text)
    assert script.duration in collapse(text)
    assert compact(job.item.qr.display) in compact(text)
    assert job.province.hotlines[0].number in text
    reader = PdfReader(pdf)
    assert len(reader.pages) in pages
    assert all(
        round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842 for page in reader.pages
    )

    body: list[tuple[float, float, str]] = []  # (size, baseline, text) of every run of text

    def visit(run: str, cm: list, tm: list, font: object, size: float) -> None:
        if run.strip():
            body.append((size * abs(tm[3]) * abs(cm[3]), tm[5] * cm[3] + cm[5], run))

    reader.pages[0].extract_text(visitor_text=visit)
    large = " ".join(run for size, _, run in body if size >= 15)
    assert collapse(script.paragraphs[0][:60]) in collapse(large), "the script is printed at 15 pt or more"
    baselines = sorted({round(y, 1) for size, y, _ in body if size >= 15 and size < 18}, reverse=True)
    gaps = [a - b for a, b in itertools.pairwise(baselines)]
    assert min(gaps) >= 1.5 * 15, f"line spacing {min(gaps):.1f} pt"


@pytest.mark.slow
def test_the_estimate_matches_the_audio_draft(tmp_path: Path) -> None:
    """The syllable estimate against espeak-ng reading the script at the campaign's speed."""
    site, _ = demo()
    job = demo_job("vinh-long/truyen-thong/dang-nhap-vneid/phuong-long-chau/loa-2-phut")
    script = script_for(job, site.config)
    audio = tmp_path / "script.mp3"
    audio.write_bytes(speak(script.text, site.config.campaign.reading_speed))
    probe = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(audio)]
    measured = float(subprocess.run(probe, capture_output=True, check=True, text=True).stdout)
    assert 0.85 * script.seconds <= measured <= 1.2 * script.seconds, (
        f"{measured:.1f} s read, {script.seconds:.1f} s estimated"
    )


def test_read_aloud_list_has_no_digit_or_abbreviation_left_in_its_own_words() -> None:
    for written, said in READ_ALOUD.items():
        assert not re.search(r"\d", said) and leftover_abbreviations(said) == [], written
