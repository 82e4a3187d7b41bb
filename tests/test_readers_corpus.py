"""Files as offices save them, made with the programs they use (csv module, openpyxl, python-docx).

Each is read completely — every data row is a tidy row out, a located error, or a row skipped with its
reason (blank, title, heading) — or refused with a located, true message.
"""

from __future__ import annotations

import codecs
import csv

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, UNIT, plan_rows, write_docx
from parindex_lib.errors import InputError
from parindex_lib.readers import read_file, read_scores
from parindex_lib.readers.analyst import read_actions, read_ceilings

HEADER = ["unit", "level", "year", "period", "component", "kind", "value_pct"]
VI_HEADER = ["Đơn vị", "Cấp", "Năm", "Kỳ", "Chỉ số thành phần", "Loại", "Giá trị"]
CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS"]


def tidy_rows(units=("Xã A", "Xã B", "Xã C"), year=2024) -> list[list[str]]:
    return [[u, "commune", str(year), "FY", c, "actual", f"{60 + i + j / 10:.2f}%".replace(".", ",")]
            for j, u in enumerate(units) for i, c in enumerate(CODES)]


def write_csv(path, rows, delimiter=",", encoding="utf-8", blank_after=(), lineterminator="\r\n"):
    """As Excel writes a CSV: the csv module, CRLF, optional blank lines between rows."""
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=lineterminator)
        for i, row in enumerate(rows):
            writer.writerow(row)
            if i in blank_after:
                writer.writerow([])
    return path


def accounted(result) -> None:
    """The ledger invariant: every non-blank row is a header, read, an error, or skipped with a reason."""
    for ledger in result.ledgers:
        assert ledger.rows == ledger.accounted, ledger


# -- CSV as Excel and people save it ------------------------------------------------------------------


def test_blank_lines_between_units_lose_nothing(tmp_path):
    rows = tidy_rows()
    path = write_csv(tmp_path / "xa.csv", [HEADER, *rows], blank_after={9, 18})
    result = read_file(path)
    assert not result.problems
    assert len(result.scores) == len(rows) == 27
    assert sorted(result.scores["unit"].unique()) == ["Xã A", "Xã B", "Xã C"]
    ledger = result.ledgers[0]
    assert [r for _, r in ledger.blank] == [11, 21] and ledger.read == 27
    accounted(result)


def test_semicolon_csv_from_a_vietnamese_excel(tmp_path):
    rows = tidy_rows()
    path = write_csv(tmp_path / "vn.csv", [VI_HEADER, *rows], delimiter=";", encoding="utf-8-sig")
    raw = path.read_bytes()  # as Excel saves "CSV UTF-8" with Vietnamese settings:
    assert raw.startswith(codecs.BOM_UTF8)  # a byte-order mark,
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header == ";".join(VI_HEADER) and first.endswith(";60,00%")  # ";" between, decimal commas unquoted
    scores = read_scores(path)
    assert len(scores) == 27
    assert scores.loc[(scores.unit == "Xã B") & (scores.component == "C3"), "value_pct"].item() == pytest.approx(62.1)


def test_tab_and_comma_and_utf16(tmp_path):
    rows = tidy_rows()
    for name, delimiter, encoding in (("t.txt", "\t", "utf-16"), ("c.csv", ",", "utf-8"), ("s.csv", ";", "utf-8")):
        path = write_csv(tmp_path / name, [HEADER, *rows], delimiter=delimiter, encoding=encoding)
        assert len(read_scores(path)) == 27, name


def test_quoted_line_breaks_in_header_and_notes(tmp_path):
    header = ["Đơn vị", "Cấp", "Năm", "Chỉ số\nthành phần", "Giá trị", "Ghi chú"]
    rows = [["Xã A", "xã", "2024", c, "70,52%", "Số liệu\ntự đánh giá; chưa thẩm định" if c == "C1" else ""]
            for c in CODES]
    path = write_csv(tmp_path / "wrap.csv", [header, *rows], delimiter=";")
    result = read_file(path)
    assert not result.problems, result.problems
    scores = read_scores(path)
    assert len(scores) == 9
    c1 = scores[scores.component == "C1"].iloc[0]
    assert c1.note == "Số liệu\ntự đánh giá; chưa thẩm định"
    # row numbers are the lines records start on: the header spans lines 1–2, C1 spans 3–4, C2 is on 5
    assert c1.source.endswith("row 3")
    assert scores[scores.component == "C2"].iloc[0].source.endswith("row 5")
    notes = " ".join(map(str, result.ledgers[0].notes))
    assert "no period column" in notes and "no kind column" in notes


def test_unclosed_quote_is_refused_not_swallowed(tmp_path):
    lines = [",".join(HEADER)] + [",".join(r).replace("%", "") for r in tidy_rows()]
    lines[3] = lines[3].replace("Xã A", '"Xã A')
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = read_file(path).problems
    assert problems and "closing quote" in str(problems[0].expected) and problems[0].row == 4


def test_extra_cells_beyond_the_header_are_an_error(tmp_path):
    rows = tidy_rows()
    rows[4] = [*rows[4], "", "lạc"]
    problems = read_file(write_csv(tmp_path / "extra.csv", [HEADER, *rows])).problems
    assert len(problems) == 1
    assert problems[0].row == 6 and problems[0].value == "lạc" and "beyond the header" in str(problems[0].expected)


def test_vietnamese_headers_as_offices_write_them(tmp_path):
    header = ["Đơn vị", "Cấp", "Năm", "Nội dung", "Kết quả", "Xếp hạng", "Nguồn", "Ghi chú"]
    rows = [["Hải Phòng", "thành phố trực thuộc trung ương", "năm 2023", "Chỉ số CCHC", "91,87%", "2/63",
             "baochinhphu.vn", "hai nguồn lệch nhau"]]
    scores = read_scores(write_csv(tmp_path / "hp.csv", [header, *rows]))
    row = scores.iloc[0]
    assert (row.unit, row.level, row.year, row.period, row.component, row.kind) == \
        ("Hải Phòng", "province", 2023, "FY", "TOTAL", "actual")
    assert (row.value_pct, row["rank"], row.rank_of) == (91.87, 2, 63)
    assert row.source.endswith("row 2; baochinhphu.vn") and row.note == "hai nguồn lệch nhau"


def test_missing_columns_are_named_in_the_headers_language(tmp_path):
    vi = read_file(write_csv(tmp_path / "vi.csv", [["Đơn vị", "Năm", "Chỉ số thành phần"], ["Xã A", "2024", "C1"]]))
    en = read_file(write_csv(tmp_path / "en.csv", [["unit", "year", "component"], ["Xã A", "2024", "C1"]]))
    assert "Cấp" in str(vi.problems[0].expected) and "Giá trị" in str(vi.problems[0].expected)
    assert "level" in str(en.problems[0].expected) and "value_pct" in str(en.problems[0].expected)


def test_repeated_faults_fold_into_one_line(tmp_path):
    rows = [[u, "commune", "2O24", "FY", "C1", "actual", "70%"] for u in (f"Xã {i}" for i in range(50))]
    with pytest.raises(InputError) as err:
        read_scores(write_csv(tmp_path / "y.csv", [HEADER, *rows]))
    assert len(err.value.problems) == 50
    assert str(err.value).splitlines() == [
        f'{tmp_path / "y.csv"}, rows 2–51, column "year": "2O24" is not a year (expected e.g. 2024) (50 rows)',
        "  (50 problems in all)"]


def test_points_without_a_maximum_are_never_percentages(tmp_path):
    header = ["Tỉnh", "Cấp", "Năm", "Chỉ số", "Điểm"]
    rows = [["Sơn La", "tỉnh", "2024", "SIPAS", "9,56"], ["Sơn La", "tỉnh", "2024", "C3", "12,75/13"]]
    assert not read_file(write_csv(tmp_path / "p.csv", [header, *rows])).problems  # the reader keeps them as written
    with pytest.raises(InputError) as err:  # and no published scheme of 2024 gives SIPAS a maximum
        read_scores(tmp_path / "p.csv")
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "Điểm", "9,56")
    assert "without a maximum" in str(problem.expected)
    header.append("Điểm tối đa")
    rows[0].append("10")
    rows[1].append("")
    scores = read_scores(write_csv(tmp_path / "p2.csv", [header, *rows]))
    sipas = scores[scores.component == "SIPAS"].iloc[0]
    assert (sipas.points, sipas.max_points, round(sipas.value_pct, 2)) == (9.56, 10.0, 95.6)


def test_fractions_are_caught_per_column_and_kind(tmp_path):
    rows = tidy_rows(units=("Xã A",))
    rows += [["Xã A", "commune", "2025", "FY", c, "target", f"Trên 0,{70 + i}"] for i, c in enumerate(CODES)]
    problems = read_file(write_csv(tmp_path / "f.csv", [HEADER, *rows])).problems
    assert len(problems) == 1
    assert problems[0].row == 11 and "fractions" in str(problems[0].expected) and "target" in str(problems[0].expected)


def test_analyst_can_use_wide_tables(tmp_path):
    header = ["Đơn vị", "Cấp", "Năm", *CODES, "Tổng"]
    rows = [["Xã A", "xã", "2024", *[f"{70 + i}%" for i in range(9)], "74%"],
            ["Xã B", "xã", "2024", *[f"{80 + i}%" for i in range(8)], "", "83,5%"]]
    result = read_file(write_csv(tmp_path / "wide.csv", [header, *rows]))
    assert not result.problems
    scores = result.scores
    assert len(scores) == 10 + 9
    assert scores.loc[(scores.unit == "Xã B") & (scores.component == "TOTAL"), "value_pct"].item() == 83.5
    accounted(result)


# -- Excel ---------------------------------------------------------------------------------------------


def _book(sheets: dict[str, list[list[object]]], formats: dict[str, str] | None = None):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref, fmt in (formats or {}).items():
            if ref.startswith(name + "!"):
                sheet[ref.split("!")[1]].number_format = fmt
    return book


def test_excel_numbers_as_excel_shows_them(tmp_path):
    rows = [HEADER,
            ["Xã A", "commune", 2024, "FY", "C1", "actual", 0.7052],                # 70,52% as a percent cell
            ["Xã A", "commune", 2024, "FY", "C2", "actual", 70.52000000000001],     # formula noise, 0.00
            ["Xã A", "commune", 2024, "FY", "C3", "actual", 99.85000000000001],     # formula noise, General
            ["Xã A", "commune", 2024, "FY", "C4", "actual", 0.988]]                 # 98,8% with one decimal
    book = _book({"Chỉ số": rows}, {"Chỉ số!G2": "0.00%", "Chỉ số!G3": "0.00", "Chỉ số!G5": "0.0%"})
    book.save(tmp_path / "x.xlsx")
    scores = read_scores(tmp_path / "x.xlsx").set_index("component")
    assert scores.loc["C1", "value_pct"] == 70.52 and scores.loc["C1", "decimals"] == 2
    assert scores.loc["C2", "value_pct"] == 70.52 and scores.loc["C2", "decimals"] == 2
    assert scores.loc["C3", "value_pct"] == 99.85 and scores.loc["C3", "decimals"] == 2
    assert scores.loc["C4", "value_pct"] == 98.8 and scores.loc["C4", "decimals"] == 1
    assert scores.loc["C1", "source"].endswith('sheet "Chỉ số", row 2')


def test_excel_fractions_without_percent_format_are_refused(tmp_path):
    rows = [HEADER] + [["Xã A", "commune", 2024, "FY", c, "actual", 0.7 + i / 100] for i, c in enumerate(CODES)]
    _book({"Kết quả": rows}).save(tmp_path / "f.xlsx")
    problems = read_file(tmp_path / "f.xlsx").problems
    assert len(problems) == 1 and problems[0].sheet == "Kết quả" and "fractions" in str(problems[0].expected)


def test_a_continuation_sheet_is_read_and_a_wider_one_is_refused(tmp_path):
    rows = tidy_rows(units=("Xã A", "Xã B", "Xã C", "Xã D"))
    title = [["KẾT QUẢ CHỈ SỐ CCHC CÁC XÃ NĂM 2024"], []]
    _book({"Trang 1": title + [HEADER, *rows[:18]], "Trang 2": rows[18:]}).save(tmp_path / "c.xlsx")
    result = read_file(tmp_path / "c.xlsx")
    assert not result.problems
    assert len(result.scores) == 36
    assert result.scores.iloc[-1].source.endswith('sheet "Trang 2", row 18')
    assert any("continuation" in str(n) for n in result.ledgers[0].notes)
    assert result.ledgers[0].skipped == [("Trang 1", 1, "title above the table")]
    accounted(result)
    wider = [[*r, "x"] for r in rows[18:]]
    _book({"Trang 1": [HEADER, *rows[:18]], "Ghi chú": wider}).save(tmp_path / "w.xlsx")
    problems = read_file(tmp_path / "w.xlsx").problems
    assert len(problems) == 1 and problems[0].sheet == "Ghi chú" and "continuation" in str(problems[0].expected)


def test_blank_rows_in_a_sheet_lose_nothing(tmp_path):
    rows = tidy_rows()
    sheet = [HEADER, *rows[:9], [], [None, None], *rows[9:]]
    _book({"Chỉ số": sheet}).save(tmp_path / "b.xlsx")
    result = read_file(tmp_path / "b.xlsx")
    assert len(result.scores) == 27 and [r for _, r in result.ledgers[0].blank] == [11, 12]


# -- plans with any number of year groups -------------------------------------------------------------

THREE_YEARS = [
    ["STT", "Chỉ số thành phần", "Năm 2022", "", "Năm 2023", "", "Mục tiêu năm 2024", "", "Đơn vị thực hiện"],
    ["", "", "Chỉ số", "Thứ hạng", "Chỉ số", "Thứ hạng", "Chỉ số", "Thứ hạng", ""],
    ["1", "Cải cách thể chế", "95,5%", "3", "100%", "1", "100%", "1", "Phòng Tư pháp"],
    ["", "", "", "", "", "", "", "", ""],
    ["2", "Cải cách tài chính công", "40,1%", "8", "36,3%", "7", "Trên 50%", "4", "Phòng Tài chính"],
    ["", "Tổng cộng", "74,02%", "5", "76,17%", "4", "Trên 80%", "2", ""],
]


def _check_three_years(scores: pd.DataFrame) -> None:
    assert len(scores) == 9
    c6 = scores[scores.component == "C6"].set_index(["year", "kind"])
    assert c6.loc[(2022, "actual"), "value_pct"] == 40.1 and c6.loc[(2022, "actual"), "rank"] == 8
    assert c6.loc[(2023, "actual"), "value_pct"] == 36.3
    assert (c6.loc[(2024, "target"), "value_pct"], c6.loc[(2024, "target"), "bound"]) == (50.0, ">")


@pytest.mark.parametrize("fmt", ["tsv", "csv", "docx", "docx-merged", "xlsx"])
def test_plan_with_three_year_groups(tmp_path, fmt):
    if fmt in ("tsv", "csv"):
        path = write_csv(tmp_path / f"plan.{fmt}", THREE_YEARS, delimiter="\t" if fmt == "tsv" else ";")
    elif fmt.startswith("docx"):
        rows = [r for r in THREE_YEARS if any(r)]
        path = write_docx(tmp_path / "plan.docx", rows)
        if fmt == "docx-merged":
            import docx

            document = docx.Document(str(path))
            table = document.tables[0]
            for a in (2, 4, 6):
                table.cell(0, a).merge(table.cell(0, a + 1))
            document.save(str(path))
    else:
        book = _book({"Kế hoạch": [[None if c == "" else c for c in r] for r in THREE_YEARS]})
        for rng in ("C1:D1", "E1:F1", "G1:H1"):
            book["Kế hoạch"].merge_cells(rng)
        book.save(tmp_path / "plan.xlsx")
        path = tmp_path / "plan.xlsx"
    result = read_file(path, unit=UNIT, level="district")
    assert not result.problems, result.problems
    _check_three_years(read_scores(path, unit=UNIT, level="district"))
    accounted(result)


def test_blank_line_inside_the_plan_keeps_every_component(tmp_path):
    rows = plan_rows()
    rows.insert(6, [""] * 7)
    path = write_csv(tmp_path / "plan.tsv", rows, delimiter="\t", lineterminator="\n")
    scores = read_scores(path, unit=UNIT, level="district")
    assert set(scores.component) == {*CODES, "TOTAL"}


def test_plan_targets_written_as_fractions_are_caught(tmp_path):
    rows = [r[:] for r in THREE_YEARS]
    for r in rows[2:]:
        if r[6]:
            r[6] = r[6].replace("100%", "1").replace("Trên 50%", "Trên 0,5").replace("Trên 80%", "Trên 0,8")
    problems = read_file(write_csv(tmp_path / "plan.tsv", rows, delimiter="\t"), unit=UNIT,
                         level="district").problems
    assert len(problems) == 1 and problems[0].column == "Mục tiêu năm 2024 / Chỉ số"


# -- analyst files of `lift` ----------------------------------------------------------------------------


def test_ceilings_with_blank_lines_are_read_to_the_end(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["component", "ceiling"], ["C6", "70"], ["C8", "80%"], ["SIPAS", "90"]],
                     blank_after={1})
    assert read_ceilings(path).to_dict() == {"C6": 70.0, "C8": 80.0, "SIPAS": 90.0}


@pytest.mark.parametrize("rows, row, fragment", [
    ([["C6", "70"], ["C6", "75"]], 3, "repeats a component already given in row 2"),
    ([["C6", "150"]], 2, "above 100"),
    ([["C6"]], 2, "is empty"),
    ([["C6", "70", "x"]], 2, "beyond the header"),
    ([["Tài sản", "70"]], 2, "not a known component"),  # "Tài chính" alone is C6
])
def test_bad_ceilings(tmp_path, rows, row, fragment):
    with pytest.raises(InputError) as err:
        read_ceilings(write_csv(tmp_path / "c.csv", [["component", "ceiling"], *rows]))
    assert err.value.problems[0].row == row and fragment in str(err.value.problems[0].expected)


def test_an_action_listed_twice_is_refused(tmp_path):
    header = ["action", "component", "gain", "cost", "lead_units"]
    rows = [["Số hoá hồ sơ", "C7", "3", "2", "Phòng VH-TT"], ["Công khai ngân sách", "C6", "5", "4", ""],
            ["Số hoá hồ sơ", "C7", "3", "2", "Phòng VH-TT"]]
    with pytest.raises(InputError) as err:
        read_actions(write_csv(tmp_path / "a.csv", [header, *rows], blank_after={0}))
    p = err.value.problems[0]
    assert p.row == 5 and "repeats the action of row 3" in str(p.expected)


def test_actions_from_a_semicolon_csv_with_blank_lines(tmp_path):
    header = ["Giải pháp", "Chỉ số", "Mức tăng", "Chi phí", "Đơn vị chủ trì", "Thời hạn"]
    rows = [["Số hoá hồ sơ", "C7", "3,5", "2", "Phòng VH-TT", "Quý 3"], ["Công khai ngân sách", "C6", "5", "4"]]
    actions = read_actions(write_csv(tmp_path / "a.csv", [header, *rows], delimiter=";", blank_after={0, 1}))
    assert actions["gain"].tolist() == [3.5, 5.0] and actions["deadline"].isna().tolist() == [False, True]


# -- bounded work ----------------------------------------------------------------------------------------


def test_limits_refuse_quickly(tmp_path, monkeypatch):
    import time

    rows = tidy_rows()
    write_csv(tmp_path / "t.csv", [HEADER, *rows])
    _book({"S": [HEADER, *rows]}).save(tmp_path / "t.xlsx")
    monkeypatch.setenv("PARINDEX_MAX_FILE_MB", "0.0005")
    start = time.perf_counter()
    p = read_file(tmp_path / "t.csv").problems[0]
    assert "larger than the limit" in str(p.expected) and "PARINDEX_MAX_FILE_MB" in str(p.expected)
    monkeypatch.setenv("PARINDEX_MAX_FILE_MB", "200")
    monkeypatch.setenv("PARINDEX_MAX_UNZIPPED_MB", "0.001")
    assert "would expand" in str(read_file(tmp_path / "t.xlsx").problems[0].expected)
    monkeypatch.setenv("PARINDEX_MAX_UNZIPPED_MB", "100")
    monkeypatch.setenv("PARINDEX_MAX_ROWS", "10")
    assert "more rows than the limit" in str(read_file(tmp_path / "t.csv").problems[0].expected)
    assert time.perf_counter() - start < 1.0


def test_no_internal_validation_message_reaches_the_user(tmp_path):
    rows = tidy_rows()
    rows[0][6] = "0,7052"
    rows[1][2] = "2O24"
    rows[2][4] = "Cải cách ngân hàng"
    with pytest.raises(InputError) as err:
        read_scores(write_csv(tmp_path / "m.csv", [HEADER, *rows]))
    text = str(err.value)
    assert "dtype" not in text and "fails the check" not in text and "pandera" not in text.lower()
    assert all(p.row is not None for p in err.value.problems)


# -- the invariant, for any table people can write ------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n_units=st.integers(1, 6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    blanks=st.sets(st.integers(0, 60), max_size=6),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    bad=st.sets(st.integers(0, 60), max_size=4),
)
def test_rows_in_equal_rows_out_or_errors(tmp_path_factory, n_units, delimiter, blanks, quoting, bad):
    rows = tidy_rows(units=[f"Xã {i}, huyện X" for i in range(n_units)])
    bad = {b for b in bad if b < len(rows)}
    for b in bad:
        rows[b][6] = "n/a"
    path = tmp_path_factory.mktemp("h") / "t.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=quoting)
        writer.writerow(HEADER)
        for i, row in enumerate(rows):
            writer.writerow(row)
            if i in blanks:
                writer.writerow([])
    result = read_file(path)
    accounted(result)
    ledger = result.ledgers[0]
    assert ledger.read + len(ledger.errors) == len(rows)
    assert len(result.scores) == len(rows) - len(bad)
    assert len(ledger.errors) == len(bad) == len({p.row for p in result.problems})
    assert len(ledger.blank) == len([b for b in blanks if b < len(rows)])


def test_the_plan_as_circulated_accounts_for_every_row():
    """The whole plan as text: tables among prose; every line is read, skipped with a reason, or a header."""

    seed = ROOT.parent / "shared" / "seed" / "tam_duong_par_index_plan_2024.txt"
    if not seed.exists():
        pytest.skip("the shared seed is not beside the repository")
    result = read_file(seed, unit=UNIT, level="district")
    assert not result.problems
    accounted(result)
    ledger = result.ledgers[0]
    assert ledger.read == 10 + 7
    assert {why for _, _, why in ledger.skipped} == {"title above the table", "text between tables",
                                                      "section heading"}
