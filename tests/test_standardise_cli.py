"""`parindex standardise` as a user runs it: files and folders, --unit/--level, the summary, and
`lift` re-standardising when data/raw changed (never using rows of a deleted file)."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from conftest import PLAN_TSV, UNIT
from parindex_lib.cli import main
from parindex_lib.config import RAW_DIR
from parindex_lib.errors import InputError
from parindex_lib.standardise import load_scores, stale_reasons, standardise, write_processed


def test_a_folder_is_its_files_and_its_manifest(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    out = tmp_path / "out"
    assert main(["standardise", str(raw), "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    # the published tables, and the illustrative communes' components rolled up from their criteria
    assert "355 score rows, 1160 criteria rows and 8 task rows, 67 lineage rows from 11 file(s)" in printed
    assert "tam_duong_2024_ke_hoach_chi_so.tsv: 10 row(s) read; blank rows skipped: 11" in printed
    assert "section heading: 2" in printed
    assert len(load_scores(out / "scores.csv")) == 355 and (out / "criteria.csv").exists()


def test_the_summary_is_vietnamese_on_a_vietnamese_command(tmp_path, capsys):
    """The default language is Vietnamese: each file's line, its notes and the count, and no English word."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    assert main(["standardise", str(raw), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "355 dòng điểm, 1160 dòng tiêu chí và 8 dòng nhiệm vụ, 67 dòng kế thừa từ 11 tệp →" in printed
    assert "tam_duong_2024_ke_hoach_chi_so.tsv: đọc 10 dòng; bỏ qua dòng trống: 11" in printed
    assert "tam_duong_2024_phu_luc_phan_cong.tsv: đọc 7 dòng; đề mục: 2" in printed
    assert 'trang tính "Chỉ số CCHC cấp tỉnh": không có cột kỳ: mọi dòng là kết quả cả năm (FY)' in printed
    english = ["row", "read", "note", "skipped", "sheet", "heading", "column", "score", "file(s)", "every"]
    assert not [w for w in english if re.search(rf"\b{re.escape(w)}\b", printed.replace(str(tmp_path), ""))]


def test_unit_and_level_name_a_plan_table(tmp_path, capsys):
    plan = tmp_path / "ke_hoach.tsv"
    shutil.copy(PLAN_TSV, plan)
    out = tmp_path / "out"
    assert main(["standardise", str(plan), "--out", str(out), "--lang", "en"]) == 2
    assert "does not name its unit" in capsys.readouterr().err
    assert main(["standardise", str(plan), "--unit", "Tam Đường", "--level", "huyện", "--out", str(out)]) == 0
    scores = load_scores(out / "scores.csv")
    assert set(scores["unit"]) == {UNIT} and set(scores["level"]) == {"district"}
    assert main(["standardise", str(plan), "--unit", "Tam Đường", "--out", str(out)]) == 2
    assert main(["standardise", str(plan), "--unit", "X", "--level", "galaxy", "--out", str(out), "--lang", "en"]) == 2
    assert "is not a level" in capsys.readouterr().err


def test_missing_path_and_empty_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["standardise", str(tmp_path / "nope.csv"), str(tmp_path / "empty"),
                 "--out", str(tmp_path / "o"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "nope.csv" in err and "does not exist" in err and "holds no score table" in err
    assert "Traceback" not in err


def test_manifest_entry_written_as_text_is_a_located_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PLAN_TSV, raw / "plan.tsv")
    (raw / "manifest.yaml").write_text("files:\n  plan.tsv: Tam Đường\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        standardise(None, raw)
    assert "plan.tsv" in str(err.value) and "is not a mapping" in str(err.value)
    (raw / "manifest.yaml").write_bytes("files:\n  plan.tsv: {unit: Tam Đường, level: district}\n".encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        standardise(None, raw)
    assert "manifest.yaml" in str(err.value) and "UTF-8" in str(err.value)


def test_lift_restandardises_when_raw_changed_and_forgets_deleted_files(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    processed = tmp_path / "processed"
    write_processed(standardise(None, raw), processed, raw_dir=raw)
    assert stale_reasons(processed) == []
    record = json.loads((processed / "inputs.json").read_text(encoding="utf-8"))
    assert len(record["files"]) == 11
    # A new quarter arrives as a file; the illustrative one is deleted.
    extra = raw / "xa_moi.csv"
    extra.write_text("unit,level,year,period,component,kind,value_pct\nXã Mới,commune,2024,FY,C1,actual,50%\n",
                     encoding="utf-8")
    (raw / "illustrative_tam_duong_2024_quarterly.csv").unlink()
    os.utime(extra)
    reasons = stale_reasons(processed)
    assert any("xa_moi.csv is new" in str(r) for r in reasons) and any("was removed" in str(r) for r in reasons)
    code = main(["lift", "--unit", UNIT, "--year", "2023", "--scores", str(processed / "scores.csv"), "--lang", "en"])
    assert code == 0
    assert "out of date" in capsys.readouterr().err
    scores = load_scores(processed / "scores.csv")
    quarters_2024 = (scores["period"] == "Q3") & (scores["year"] == 2024)  # the communes' 2025 quarters stay
    assert "Xã Mới" in set(scores["unit"]) and not quarters_2024.any()
    assert stale_reasons(processed) == []


def test_a_missing_scores_table_is_named_without_an_empty_value(tmp_path, capsys):
    scores = str(tmp_path / "nope" / "scores.csv")
    assert main(["lift", "--unit", UNIT, "--year", "2024", "--scores", scores, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"parindex: error: {tmp_path / 'nope' / 'scores.csv'}: does not exist (run `parindex " \
                          "standardise` first)"
