"""Outreach results (content/results/<province>.csv): reading, checking and summing, end to end through the CLI.

Bad data is appended to a copy of tests/fixtures/mini/content/results/tinh-a.csv; line numbers are
counted from the file as written, never typed in by hand. Tinh A has one commune, xa-dong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import BuildOptions, check
from generator.load import Document, parse_csv
from generator.results import MEASURES, Figures, ProvinceResults, period_label, period_sort_key, validate_results
from tests.conftest import tree_digest
from tests.test_bad_input import error_count, error_line, read, write

RESULTS = "content/results/tinh-a.csv"
HEADER = "period,commune,type,dossiers_supported,people_guided,accounts_created,volunteers_trained"
MEASURE_KEYS = [m.key for m in MEASURES]
NUMBER_HINT = "write a whole number such as 3000, 3.000 or 3 000"
PERIOD_HINT = "write the period as YYYY-MM (a month, e.g. 2026-11), YYYY-Qn (a quarter, e.g. 2026-Q4) or YYYY"


def row(period: str = "2026-Q3", commune: str = "xa-dong", kind: str = "actual", **measures: str) -> str:
    """One line of tinh-a.csv (comma-separated; a value holding a comma is quoted)."""
    cells = [period, commune, kind, *(measures.get(key, "") for key in MEASURE_KEYS)]
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells)


def append_rows(project: Path, *rows: str) -> list[int]:
    """Add rows at the end of tinh-a.csv; return their line numbers."""
    text = read(project, RESULTS)
    first = text.count("\n") + 1
    write(project, RESULTS, text + "".join(f"{r}\n" for r in rows))
    return list(range(first, first + len(rows)))


def results_of(project: Path) -> dict[str, ProvinceResults]:
    return check(BuildOptions(content=project / "content", config=project / "site_config.yml")).results


# --- the fixture and the demo ------------------------------------------------------------


def test_fixture_results_are_read_into_figures(run, mini):
    result = run(mini, "check")
    assert result.code == 0, result.err
    results = results_of(mini)
    assert list(results) == ["tinh-a"]
    tinh_a = results["tinh-a"]
    assert tinh_a.source == RESULTS
    assert [(p.period, p.label) for p in tinh_a.periods] == [("2026-Q4", "Quý IV/2026"), ("2026-11", "Tháng 11/2026")]
    q4 = tinh_a.periods[0]
    # "3.000" is three thousand; an empty cell is a measure not tracked, so it is left out.
    assert q4.province == Figures(
        actual={"dossiers_supported": 1250, "people_guided": 2400, "volunteers_trained": 180},
        target={"dossiers_supported": 3000, "people_guided": 6000, "volunteers_trained": 200},
    )
    assert q4.communes["xa-dong"].target == {"dossiers_supported": 300, "people_guided": 600, "volunteers_trained": 20}
    # November has no province row: the province's figures are its communes' sums; no targets were given.
    november = tinh_a.periods[1]
    assert november.province == Figures(actual={"dossiers_supported": 60, "people_guided": 110}, target={})


def test_demo_results_pass_check_and_cover_every_commune(run, demo):
    result = run(demo, "check")
    assert result.code == 0, result.err
    site = check(BuildOptions(content=demo / "content", config=demo / "site_config.yml"))
    assert sorted(site.results) == [p.slug for p in site.provinces]
    for province in site.provinces:
        results = site.results[province.slug]
        assert site.sources[("results", province.slug)] == f"content/results/{province.slug}.csv"
        assert len(results.periods) >= 2
        for period in results.periods:
            assert list(period.communes) == [c.slug for c in province.communes], (province.slug, period.period)
            assert period.province.target and period.province.actual


# --- one bad cell at a time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"commune": "xa-dogn"}, "commune", "unknown commune 'xa-dogn' of tinh-a (did you mean 'xa-dong'?)"),
        ({"dossiers_supported": "-5"}, "dossiers_supported", "a count cannot be negative (got '-5')"),
        ({"people_guided": "abc"}, "people_guided", f"{NUMBER_HINT} (got 'abc')"),
        ({"accounts_created": "2.5"}, "accounts_created", f"{NUMBER_HINT} (got '2.5')"),
        ({"accounts_created": "2,5"}, "accounts_created", f"{NUMBER_HINT} (got '2,5')"),
        ({"volunteers_trained": "3.00"}, "volunteers_trained", f"{NUMBER_HINT} (got '3.00')"),
        ({"volunteers_trained": "1,0000"}, "volunteers_trained", f"{NUMBER_HINT} (got '1,0000')"),
        ({"volunteers_trained": "1.000,000"}, "volunteers_trained", f"{NUMBER_HINT} (got '1.000,000')"),
        ({"volunteers_trained": "3000.5"}, "volunteers_trained", f"{NUMBER_HINT} (got '3000.5')"),
        ({"period": "2026-13"}, "period", f"{PERIOD_HINT} (a year, e.g. 2026) (got '2026-13')"),
        ({"period": "Q3/2026"}, "period", f"{PERIOD_HINT} (a year, e.g. 2026) (got 'Q3/2026')"),
        ({"period": "2026-Q5"}, "period", f"{PERIOD_HINT} (a year, e.g. 2026) (got '2026-Q5')"),
        ({"period": "2026-1"}, "period", f"{PERIOD_HINT} (a year, e.g. 2026) (got '2026-1')"),
        (
            {"period": "11/2026"},
            "period",
            f"{PERIOD_HINT} (a year, e.g. 2026) (got '11/2026'); "
            "Excel turned it into a date: format the column as Text and type it again",
        ),
        ({"period": ""}, "period", "the period is missing; write YYYY-MM (a month, e.g. 2026-11), YYYY-Qn (a"),
        ({"kind": "muc tieu"}, "type", "write target or actual (got 'muc tieu')"),
        (
            {"kind": "target", "people_guided": "0"},
            "people_guided",
            "a target of 0 cannot be measured against; leave the cell empty if not tracked",
        ),
    ],
    ids=[
        "unknown-commune",
        "negative",
        "not-a-number",
        "decimal-point",
        "decimal-comma",
        "group-of-two",
        "group-of-four",
        "mixed-separators",
        "thousands-without-separator-then-decimal",
        "month-13",
        "quarter-written-q3-slash",
        "quarter-5",
        "month-one-digit",
        "excel-date",
        "empty-period",
        "unknown-type",
        "target-of-zero",
    ],
)
def test_a_bad_cell_is_reported_at_its_line_and_column(run, mini, cells, column, message):
    kind = cells.pop("kind", "actual")
    (line,) = append_rows(mini, row(kind=kind, **cells))
    result = run(mini, "check")
    assert error_line(result, RESULTS, line, column).startswith(message)
    assert error_count(result) == 1


@pytest.mark.parametrize("written", ["3000", "3.000", "3,000", "3 000", "3\u00a0000", "1.234.567", "0"])
def test_counts_are_read_the_way_they_are_written_in_vietnamese_or_english(run, mini, written):
    append_rows(mini, row(period="2026-Q3", dossiers_supported=written))
    assert run(mini, "check").code == 0
    expected = int(written.replace(".", "").replace(",", "").replace(" ", "").replace("\u00a0", ""))
    q3 = results_of(mini)["tinh-a"].periods[0]
    assert q3.communes["xa-dong"].actual == {"dossiers_supported": expected}


def test_every_bad_cell_in_a_file_is_reported_at_once(run, mini):
    lines = append_rows(
        mini,
        row(commune="xa-dogn"),
        row(period="2026-13", dossiers_supported="-5"),
        row(period="Q3/2026", people_guided="abc", accounts_created="2.5"),
        row(period="2026-Q5", kind="muc tieu"),
        row(kind="target", volunteers_trained="0", dossiers_supported="3.00"),
    )
    result = run(mini, "check")
    assert "did you mean 'xa-dong'" in error_line(result, RESULTS, lines[0], "commune")
    assert "(got '2026-13')" in error_line(result, RESULTS, lines[1], "period")
    assert error_line(result, RESULTS, lines[1], "dossiers_supported") == "a count cannot be negative (got '-5')"
    assert "(got 'Q3/2026')" in error_line(result, RESULTS, lines[2], "period")
    assert "(got 'abc')" in error_line(result, RESULTS, lines[2], "people_guided")
    assert "(got '2.5')" in error_line(result, RESULTS, lines[2], "accounts_created")
    assert "(got '2026-Q5')" in error_line(result, RESULTS, lines[3], "period")
    assert error_line(result, RESULTS, lines[3], "type") == "write target or actual (got 'muc tieu')"
    assert error_line(result, RESULTS, lines[4], "volunteers_trained").startswith("a target of 0")
    assert "(got '3.00')" in error_line(result, RESULTS, lines[4], "dossiers_supported")
    assert error_count(result) == 10


def test_results_errors_are_reported_together_with_other_content_errors(run, mini):
    (line,) = append_rows(mini, row(dossiers_supported="abc"))
    guide = "content/guides/khai-sinh.yml"
    write(mini, guide, read(mini, guide).replace("    fee: 8000", "    fee: abc"))
    result = run(mini, "check")
    assert "(got 'abc')" in error_line(result, RESULTS, line, "dossiers_supported")
    assert guide in result.err
    assert error_count(result) == 2


# --- the header, duplicates, the file itself ----------------------------------------------------


def test_unknown_and_missing_columns_are_named_on_the_header_line(run, mini):
    header = HEADER.replace("dossiers_supported", "dossier_supported").replace(",type", "").replace(",commune", "")
    write(mini, RESULTS, header + "\n2026-Q3,100,200,,\n")
    result = run(mini, "check")
    message = error_line(result, RESULTS, 1, "dossier_supported")
    assert message == "unknown column 'dossier_supported' (did you mean 'dossiers_supported'?)"
    assert error_line(result, RESULTS, 1, "type") == "required column is missing"
    assert error_line(result, RESULTS, 1, "commune") == "required column is missing"
    assert error_count(result) == 3


def test_columns_may_come_in_any_order_and_measures_may_be_left_out(run, mini):
    write(mini, RESULTS, "type,people_guided,commune,period\ntarget,500,xa-dong,2026\nactual,480,xa-dong,2026\n")
    assert run(mini, "check").code == 0
    year = results_of(mini)["tinh-a"].periods[0]
    assert year.communes["xa-dong"] == Figures(actual={"people_guided": 480}, target={"people_guided": 500})


def test_duplicate_row_names_both_lines(run, mini):
    first, second, third = append_rows(
        mini, row(period="2026-10"), row(period="2026-10", people_guided="5"), row(period="2026-10", commune="")
    )
    result = run(mini, "check")
    message = error_line(result, RESULTS, second, "period")
    assert message == f"duplicate row: 2026-10, commune xa-dong, actual is also on line {first}"
    assert f":{third}:" not in result.err  # the province's own row is a different row
    assert error_count(result) == 1


def test_a_column_repeated_in_the_header_is_an_error(run, mini):
    write(mini, RESULTS, HEADER + ",people_guided\n")
    result = run(mini, "check")
    assert error_line(result, RESULTS, 1, "people_guided") == "column 'people_guided' appears 2 times in the header"


def test_a_value_outside_the_header_columns_points_at_the_delimiter(run, mini):
    # An unquoted 3,000 in a comma-separated file is two cells: the row gets one cell too many.
    text = read(mini, RESULTS)
    line = text.count("\n") + 1
    write(mini, RESULTS, text + "2026-Q3,xa-dong,actual,3,000,,,\n")
    result = run(mini, "check")
    assert error_line(result, RESULTS, line, None) == (
        "this row has 8 cells but the header line has 7: check for an extra ',' "
        "(in a file separated by ',' write 3000, or 3,000 in quotes)"
    )
    assert error_count(result) == 1


def test_a_value_in_a_column_with_no_name_is_an_error(run, mini):
    # Excel writes trailing separators on every line when a cell right of the table was ever used.
    text = read(mini, RESULTS).replace("\n", ",,\n")
    line = text.count("\n") + 1
    write(mini, RESULTS, text + "2026-Q3,xa-dong,actual,1,,,,,ghi chú\n")
    result = run(mini, "check")
    assert error_line(result, RESULTS, line, None) == "'ghi chú' is in a column with no name in the header"
    assert error_count(result) == 1


def test_results_file_for_an_unknown_province_is_an_error(run, mini):
    write(mini, "content/results/tinh-aa.csv", HEADER + "\n2026-Q3,,actual,1,2,3,4\n")
    result = run(mini, "check")
    message = error_line(result, "content/results/tinh-aa.csv", None, None)
    assert message == "no province 'tinh-aa': name a results file after its province's slug (did you mean 'tinh-a'?)"
    assert error_count(result) == 1


def test_a_results_file_that_is_not_csv_is_an_error(run, mini):
    write(mini, "content/results/tinh-a.xlsx", "PK")
    result = run(mini, "check")
    message = error_line(result, "content/results/tinh-a.xlsx", None, None)
    assert message == "not a results file: save the table from Excel as CSV UTF-8 (.csv)"


def test_a_results_file_that_is_not_utf8_is_reported_at_the_bad_line(run, mini):
    text = read(mini, RESULTS)
    (mini / RESULTS).write_bytes(text.encode() + b"2026-Q3,xa-dong,th\xf4ng,1,,,\n")  # Windows-1258 "ô"
    result = run(mini, "check")
    line = text.count("\n") + 1
    assert error_line(result, RESULTS, line, None) == "not UTF-8 text (byte 0xf4); save the file as UTF-8"


def test_an_empty_results_file_is_an_error_but_a_header_alone_is_not(run, mini):
    write(mini, RESULTS, "")
    assert error_line(run(mini, "check"), RESULTS, 1, None).startswith("the file is empty")
    write(mini, RESULTS, HEADER + "\n")
    assert run(mini, "check").code == 0
    assert results_of(mini)["tinh-a"].periods == []


def test_excel_in_a_vietnamese_locale_bom_semicolons_and_crlf_are_accepted(run, mini):
    # What Excel writes for "CSV UTF-8" with Vietnamese regional settings; blank rows are skipped.
    rows = [
        HEADER.replace(",", ";"),
        "2026-Q3;;target;3.000;6.000;2.500;200",
        ";;;;;;",
        "2026-Q3;;actual;2.640;5 120;1.987;215",
        "2026-Q3;xa-dong;actual;1,234;;;",
    ]
    (mini / RESULTS).write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode() + b"\r\n")
    result = run(mini, "check")
    assert result.code == 0, result.err
    (q3,) = results_of(mini)["tinh-a"].periods
    assert q3.province.target == {
        "dossiers_supported": 3000,
        "people_guided": 6000,
        "accounts_created": 2500,
        "volunteers_trained": 200,
    }
    assert q3.province.actual["people_guided"] == 5120
    assert q3.communes["xa-dong"].actual == {"dossiers_supported": 1234}


def test_line_numbers_with_semicolons_crlf_and_a_blank_row(run, mini):
    rows = [HEADER.replace(",", ";"), "2026-Q3;;target;3.000;;;", "", "2026-Q3;;actual;-1;;;"]
    (mini / RESULTS).write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode() + b"\r\n")
    result = run(mini, "check")
    assert error_line(result, RESULTS, 4, "dossiers_supported") == "a count cannot be negative (got '-1')"


def test_unreadable_province_file_causes_no_follow_on_commune_errors(run, mini):
    # While a province file cannot be read, its communes are unknown: only the YAML error is reported.
    province = "content/provinces/tinh-a.yml"
    write(mini, province, read(mini, province).replace("name: Tỉnh A", "name: Tỉnh A: mới"))
    append_rows(mini, row(commune="xa-khac"))
    result = run(mini, "check")
    assert "xa-khac" not in result.err
    assert error_count(result) == 1


def test_a_province_file_with_a_schema_error_causes_no_follow_on_commune_errors(run, mini):
    province = "content/provinces/tinh-a.yml"
    write(mini, province, read(mini, province).replace("  - slug: xa-dong", "  - slug: Xã Đông"))
    result = run(mini, "check")
    assert RESULTS not in result.err  # its rows name xa-dong, which the province file no longer has
    assert error_count(result) == 1


@pytest.mark.slow
def test_bad_results_leave_the_previous_build_untouched(run, mini, tmp_path):
    out = tmp_path / "out"
    built = run(mini, "build", "--skip", "kit", "--out", str(out))
    assert built.code == 0, built.err
    before = tree_digest(out)
    (line,) = append_rows(mini, row(period="2026-Q9"))

    result = run(mini, "build", "--skip", "kit", "--out", str(out))

    assert "(got '2026-Q9')" in error_line(result, RESULTS, line, "period")
    assert tree_digest(out) == before


# --- summing and periods, without the CLI ---------------------------------------------------------

NAME = "content/results/tinh-a.csv"


def results_for(csv_text: str, communes: tuple[str, ...] = ("xa-dong", "xa-tay", "xa-nam")) -> ProvinceResults:
    """The results of tinh-a from csv_text, for a province with the given communes."""
    rows, lines = parse_csv(csv_text, NAME)
    results, errors = validate_results([Document(Path(NAME), NAME, "results", rows, lines)], {"tinh-a": communes})
    assert errors == []
    return results["tinh-a"]


def test_without_a_province_row_the_province_is_the_sum_of_its_communes():
    results = results_for(
        "\n".join(
            [
                HEADER,
                "2026-Q4,xa-nam,actual,10,1,,",
                "2026-Q4,xa-dong,actual,100,20,,5",
                "2026-Q4,xa-dong,target,200,,,",
                "2026-Q4,xa-tay,target,300,40,,",
            ]
        )
    )
    (q4,) = results.periods
    assert q4.province == Figures(
        actual={"dossiers_supported": 110, "people_guided": 21, "volunteers_trained": 5},
        target={"dossiers_supported": 500, "people_guided": 40},
    )
    # In the province file's order, not the CSV's; a commune with no rows is left out.
    assert list(q4.communes) == ["xa-dong", "xa-tay", "xa-nam"]
    assert q4.communes["xa-tay"] == Figures(actual={}, target={"dossiers_supported": 300, "people_guided": 40})
    assert list(results_for(HEADER + "\n2026-Q4,xa-tay,actual,1,,,").periods[0].communes) == ["xa-tay"]


def test_a_province_row_of_one_type_is_used_as_given_and_the_other_type_is_summed():
    results = results_for(
        "\n".join(
            [
                HEADER,
                "2026-Q4,,target,1.000,,,",
                "2026-Q4,xa-dong,target,100,50,,",
                "2026-Q4,xa-dong,actual,90,45,,",
                "2026-Q4,xa-tay,actual,10,5,,",
            ]
        )
    )
    (q4,) = results.periods
    assert q4.province.target == {"dossiers_supported": 1000}  # the province row, not the communes' 100 and 50
    assert q4.province.actual == {"dossiers_supported": 100, "people_guided": 50}


def test_periods_are_in_order_of_start_date_and_a_longer_period_comes_first():
    written = ["2026-02", "2026", "2026-Q2", "2026-01", "2025-Q4", "2026-Q1", "2025-12", "2026-04"]
    text = "\n".join([HEADER, *(f"{p},,actual,1,,," for p in written)])
    order = [p.period for p in results_for(text).periods]
    assert order == ["2025-Q4", "2025-12", "2026", "2026-Q1", "2026-01", "2026-02", "2026-Q2", "2026-04"]
    assert sorted(written, key=period_sort_key) == order


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2026-11", "Tháng 11/2026"),
        ("2026-03", "Tháng 3/2026"),
        ("2026-Q1", "Quý I/2026"),
        ("2026-Q2", "Quý II/2026"),
        ("2026-Q3", "Quý III/2026"),
        ("2026-Q4", "Quý IV/2026"),
        ("2026", "Năm 2026"),
    ],
)
def test_period_labels(period, label):
    assert period_label(period) == label


@pytest.mark.parametrize("period", ["2026-13", "2026-Q0", "Q3/2026", "26", ""])
def test_period_label_refuses_what_is_not_a_period(period):
    with pytest.raises(ValueError, match="not a period"):
        period_label(period)


def test_measures_are_the_four_columns_in_order():
    assert [(m.key, m.unit) for m in MEASURES] == [
        ("dossiers_supported", "hồ sơ"),
        ("people_guided", "lượt người"),
        ("accounts_created", "tài khoản"),
        ("volunteers_trained", "người"),
    ]
    assert HEADER.split(",")[3:] == MEASURE_KEYS
