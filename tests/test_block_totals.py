"""A 2017–2020 provincial result as blocks of points whose maxima are not published: totalled from the points
(Σ blocks ÷ 100), shown as points on the pages, the reported total set beside their sum, and a total kept as
published though it differs carried to the pages and kept by every command that standardises again.

Lai Châu 2018, typed as an office types the published table (hand-computed: 55,20 + 18,10 + 7,50 + 4,30 = 85,10).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from parindex_lib.batch.plan import make_plan
from parindex_lib.cli import main
from parindex_lib.errors import InputError
from parindex_lib.model.index import PARIndex
from parindex_lib.present import pages, report
from parindex_lib.standardise import kept_files, load_scores, standardise, write_processed

BLOCKS = [("Điểm thẩm định", "55,20"), ("Điều tra xã hội học", "18,10"), ("SIPAS", "7,50"), ("Tác động", "4,30")]
UNIT = "Lai Châu"


def write_blocks(folder: Path, total: str | None = "85,10") -> Path:
    """The table as typed: ``;``-separated, Vietnamese decimals, the total named as the press names it."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [*BLOCKS, *([("PAR INDEX", total)] if total else [])]
    text = "Tỉnh;Cấp;Năm;Chỉ số;Điểm\n" + "".join(f"{UNIT};tỉnh;2018;{name};{value}\n" for name, value in rows)
    (folder / "blocks.csv").write_text(text, encoding="utf-8")
    return folder


def processed(tmp_path: Path, total: str | None = "85,10", keep: bool = False) -> Path:
    raw = write_blocks(tmp_path / "raw", total)
    out = tmp_path / "processed"
    write_processed(standardise(None, raw, keep_inconsistent=keep), out, raw_dir=raw)
    return out


def index_of(folder: Path) -> PARIndex:
    return PARIndex.from_scores(load_scores(folder / "scores.csv"), UNIT, 2018)


def test_blocks_are_totalled_from_their_points_without_maxima(tmp_path):
    idx = index_of(processed(tmp_path))
    assert idx.sums_points and not idx.can_total  # totalled, but never weighted with a guessed maximum
    assert idx.total == pytest.approx(85.10, abs=1e-9)  # 55,20 + 18,10 + 7,50 + 4,30 = 85,10 of 100 points
    check = idx.check_total()
    assert check.consistent and check.reported == pytest.approx(85.10)
    assert (check.low, check.high) == (pytest.approx(85.08), pytest.approx(85.12))  # 4 × ±0,005 points
    assert idx.no_totals_reason.code == "blocks_without_maxima"


def test_blocks_without_a_reported_total_are_totalled(tmp_path):
    idx = index_of(processed(tmp_path, total=None))
    assert idx.reported_total is None and idx.display_total == pytest.approx(85.10)
    assert idx.check_total().reported is None
    assert "85,10/100 điểm = 85,10%" in report.check_sentence(idx, "vi")


def test_the_trends_sum_the_blocks_of_a_year_without_a_reported_total(tmp_path):
    raw = write_blocks(tmp_path / "raw", total=None)
    later = "".join(f"{UNIT};tỉnh;2019;{n};{v}\n" for n, v in [("Điểm thẩm định", "56,20"), *BLOCKS[1:],
                                                               ("PAR INDEX", "86,10")])
    (raw / "blocks.csv").write_text((raw / "blocks.csv").read_text(encoding="utf-8") + later, encoding="utf-8")
    write_processed(standardise(None, raw), tmp_path / "processed", raw_dir=raw)
    ctx = _context(tmp_path / "processed", "vi")
    assert pages.history_frame(ctx)["TOTAL"].round(2).tolist() == [85.10, 86.10]  # 2018 summed, 2019 as reported
    text = _text(pages.trends_table(ctx))
    assert "85,10" in text and "86,10 (+1,00)" in text and "56,20 điểm" in text


def test_a_refused_total_is_quoted_as_typed(tmp_path):
    with pytest.raises(InputError) as caught:
        standardise(None, write_blocks(tmp_path / "raw", "86,10"))
    first = str(caught.value).splitlines()[0]
    assert '"86,10" is not the sum of its blocks: Điểm thẩm định 55,20 + ' in first and "= 85,10 points" in first


def test_a_missing_block_still_refuses_to_total(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "b.csv").write_text("Tỉnh;Cấp;Năm;Chỉ số;Điểm\n" + "".join(
        f"{UNIT};tỉnh;2018;{n};{v}\n" for n, v in BLOCKS[:3]), encoding="utf-8")
    write_processed(standardise(None, raw), tmp_path / "p", raw_dir=raw)
    with pytest.raises(Exception, match="C8"):
        index_of(tmp_path / "p")


def _text(markup) -> str:
    html = markup if isinstance(markup, str) else markup.data if hasattr(markup, "data") else markup.to_html()
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", str(html), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(html)))


def _context(folder: Path, lang: str, target: float = 80.0) -> pages.Context:
    return pages.build(scores_path=str(folder / "scores.csv"), tasks_path=str(folder / "tasks.csv"),
                       raw_dir=str(folder.parent / "raw"), unit=UNIT, year=2018, period="FY", target=target,
                       bound="ge", scheme="", lang=lang)


@pytest.mark.parametrize("lang, points, kept, gap", [
    ("vi", "55,20 điểm", "được giữ như công bố", "cần thêm tổng cộng 3,90 điểm"),
    ("en", "55.20 points", "kept as published", "takes 3.90 more points"),
])
def test_the_pages_show_blocks_as_points_and_a_kept_total_beside_their_sum(tmp_path, lang, points, kept, gap):
    folder = processed(tmp_path, total="86,10", keep=True)
    ctx = _context(folder, lang, target=90.0)
    weighting = " ".join(_text(piece) for piece in (pages.weighting_reading(ctx), pages.contributions_table(ctx),
                                                    pages.consistency_table(ctx)))
    assert points in weighting and kept in weighting
    assert ("86,10%" if lang == "vi" else "86.10%") in weighting and ("85,10" if lang == "vi" else "85.10") \
        in weighting
    summary = " ".join(_text(piece) for piece in (pages.headline(ctx), pages.status_table(ctx),
                                                  pages.recommendations(ctx), pages.footer(ctx)))
    assert kept in summary and gap in summary and points in summary
    assert not re.search(r"\bnan\b", weighting + summary, re.IGNORECASE)


def test_a_kept_total_is_refused_again_unless_the_choice_was_recorded(tmp_path):
    raw = write_blocks(tmp_path / "raw", "86,10")
    with pytest.raises(InputError, match="add --keep-inconsistent to the command: standardise, run, lift or explore"):
        make_plan(units=[UNIT], overrides={"year": 2018}, raw_dir=raw, out_dir=tmp_path / "r",
                  processed_dir=tmp_path / "fresh")
    assert make_plan(units=[UNIT], overrides={"year": 2018}, raw_dir=raw, out_dir=tmp_path / "r",
                     processed_dir=tmp_path / "fresh", keep_inconsistent=True).standardised.kept
    folder = processed(tmp_path, total="86,10", keep=True)  # parindex standardise --keep-inconsistent
    assert kept_files(folder) == {str((raw / "blocks.csv").resolve())}
    plan = make_plan(units=[UNIT], overrides={"year": 2018}, raw_dir=raw, out_dir=tmp_path / "r",
                     processed_dir=folder)
    assert plan.standardised.kept  # recorded again when the run writes the tables


def test_lift_says_the_points_the_blocks_need_and_keeps_the_recorded_choice(tmp_path, capsys):
    folder = processed(tmp_path, total="86,10", keep=True)
    raw_file = tmp_path / "raw" / "blocks.csv"
    raw_file.write_text(raw_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # changed: standardised again
    code = main(["lift", "--scores", str(folder / "scores.csv"), "--unit", UNIT, "--year", "2018", "--target", "90",
                 "--lang", "en", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err and "out of date" in err
    result = json.loads(out)
    assert result["points_needed"] == pytest.approx(3.90) and result["sum_of_blocks"] == pytest.approx(85.10)
    assert result["total"] == pytest.approx(86.10) and result["consistent"] is False
    assert main(["lift", "--scores", str(folder / "scores.csv"), "--unit", UNIT, "--year", "2018"]) == 0
    assert "không cần nâng khối nào" in capsys.readouterr().out


@pytest.mark.notebook
def test_run_renders_the_kept_total_the_standardise_kept(tmp_path, capsys):
    """`parindex standardise --keep-inconsistent`, then `parindex run` without it: the run keeps the choice and
    its pages (papermill, vi) show the reported 86,10% beside Σ blocks 85,10."""
    raw = write_blocks(tmp_path / "raw", "86,10")
    folder = tmp_path / "processed"
    assert main(["standardise", str(raw), "--out", str(folder), "--keep-inconsistent"]) == 0
    code = main(["run", "--raw", str(raw), "--processed", str(folder), "--out", str(tmp_path / "r"),
                 "--unit", UNIT, "--year", "2018", "--workers", "1"])
    assert code == 0, capsys.readouterr().err
    unit_dir = next((tmp_path / "r" / "2018-FY").glob("lai-chau-*"))
    for page in ("summary", "weighting"):
        text = _text((unit_dir / f"{page}.html").read_text(encoding="utf-8"))
        assert "86,10%" in text and "85,10/100 điểm" in text and "được giữ như công bố" in text, page
    assert "55,20 điểm" in _text((unit_dir / "weighting.html").read_text(encoding="utf-8"))
    assert not re.search(r"\bnan\b", _text((unit_dir / "trends.html").read_text(encoding="utf-8")), re.IGNORECASE)


@pytest.mark.parametrize("lang, said", [("vi", "là tổng điểm các khối; không thử kịch bản được"),
                                        ("en", "is the sum of its blocks' points; no scenario can be tried")])
def test_the_explorer_says_why_blocks_cannot_be_moved(tmp_path, lang, said):
    from parindex_lib.present.scenarios import load_unit

    loaded = load_unit(load_scores(processed(tmp_path) / "scores.csv"), UNIT, "province", 2018, "FY", lang)
    assert loaded.index.sums_points and not loaded.explorable and said in loaded.message


@pytest.mark.parametrize("lang, label, kept", [("vi", "Tổng điểm các khối", "Không — giữ như công bố"),
                                               ("en", "Sum of the blocks", "No — kept as published")])
def test_the_workbook_sets_the_blocks_sum_beside_a_kept_total_and_reads_back(tmp_path, lang, label, kept):
    import io
    import math

    from openpyxl import load_workbook

    from parindex_lib.present.workbook import build_workbook

    folder = processed(tmp_path, total="86,10", keep=True)
    scores = load_scores(folder / "scores.csv")
    data = build_workbook([index_of(folder)], scores, lang, 2018, "FY",
                          {"inputs": [], "params": [], "version": "0", "time": "-"}, [])
    book = load_workbook(io.BytesIO(data))
    cells = [v for ws in book for row in ws.iter_rows(values_only=True) for v in row]
    assert not any(isinstance(v, float) and math.isnan(v) for v in cells)
    status = [row for row in book.worksheets[2].iter_rows(values_only=True) if row[2] == label]
    assert len(status) == 1 and status[0][3] == pytest.approx(0.851) and status[0][6] == kept
    path = tmp_path / "back" / "run.xlsx"
    path.parent.mkdir()
    path.write_bytes(data)
    with pytest.raises(InputError, match="is not the sum of its blocks"):  # read back: checked again
        standardise([path])
    back = standardise([path], keep_inconsistent=True).scores.set_index("component")
    assert back.loc["APPRAISAL", "points"] == 55.2 and back.loc["TOTAL", "value_pct"] == pytest.approx(86.1)
