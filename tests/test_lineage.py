"""Lineage across the 2025 reorganisation: the table as users write it (csv with ";", xlsx), located errors, the
shipped tables, and a merged unit's history through its predecessors (side by side, and derived by a rule)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import write_xlsx
from parindex_lib.errors import InputError, MethodError
from parindex_lib.model import lineage
from parindex_lib.readers import read_file, to_frame
from parindex_lib.standardise import standardise, write_processed

HEADER = ["Đơn vị trước sắp xếp", "Cấp trước sắp xếp", "Đơn vị sau sắp xếp", "Cấp sau sắp xếp", "Ngày hiệu lực",
          "Căn cứ", "Trọng số", "Nguồn"]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def test_a_lineage_table_is_read_with_splits_and_weights(tmp_path):
    path = write_csv(tmp_path / "sap_xep.csv", [HEADER,
                     ["Xã Cũ A", "Xã", "Xã Mới", "Xã", "01/07/2025", "NQ 1670/NQ-UBTVQH15", "1200", "https://x"],
                     ["Xã Cũ B", "Xã", "Xã Mới", "Xã", "1/7/2025", "NQ 1670/NQ-UBTVQH15", "800", ""],
                     ["Huyện Cũ", "Huyện", "Xã Mới", "Xã", "2025-07-01", "NQ 1670/NQ-UBTVQH15", "", ""],
                     ["Huyện Cũ", "Huyện", "Xã Khác", "Xã", "01/07/2025", "NQ 1670/NQ-UBTVQH15", "", ""]])
    result = read_file(path)
    assert result.problems == [] and len(result.lineage) == 4 and result.ledgers[0].read == 4
    table = pd.DataFrame(result.lineage)
    assert set(table["effective"]) == {"2025-07-01"}
    assert table["weight"].tolist()[:2] == [1200.0, 800.0] and table["weight"].isna().tolist()[2:] == [True, True]
    assert list(lineage.successors(table, "Huyện Cũ", "district")["successor"]) == ["Xã Mới", "Xã Khác"]
    assert table.loc[0, "source"].endswith("row 2; https://x")


def test_lineage_faults_are_located(tmp_path):
    path = write_xlsx(tmp_path / "sap_xep.xlsx", [HEADER,
                      ["Xã A", "Xã", "", "Xã", "01/07/2025", "NQ 1670", "", ""],
                      ["Xã B", "Làng", "Xã C", "Xã", "31/02/2025", "NQ 1670", "-5", ""],
                      ["Xã D", "Xã", "Xã E", "Xã", "01/07/2025", "", "", ""]], title="SẮP XẾP ĐƠN VỊ HÀNH CHÍNH")
    result = read_file(path)
    messages = [str(p) for p in result.problems]
    assert len(result.lineage) == 0 and len(messages) == 5
    assert any("row 3" in m and "Đơn vị sau sắp xếp" in m and "is empty" in m for m in messages)
    assert any("row 4" in m and '"Làng"' in m and "not a level" in m for m in messages)
    assert any("row 4" in m and '"31/02/2025"' in m and "not a date" in m for m in messages)
    assert any("row 4" in m and '"-5"' in m and "weight" in m for m in messages)
    assert any("row 5" in m and "Căn cứ" in m and "decision" in m for m in messages)
    assert len(result.ledgers[0].errors) == 3


def test_a_lineage_table_without_levels_is_refused_by_name(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["Đơn vị trước sắp xếp", "Đơn vị sau sắp xếp", "Ngày hiệu lực", "Căn cứ"],
                                          ["A", "B", "01/07/2025", "NQ"]])
    result = read_file(path)
    assert len(result.problems) == 1 and "Cấp trước sắp xếp" in str(result.problems[0])


def test_the_shipped_lineage_holds_the_34_provinces_and_tam_duong(shipped, tmp_path):
    table = shipped.lineage
    provinces = table[table["predecessor_level"] == "province"]
    assert len(provinces) == 63 and provinces["successor"].nunique() == 34
    assert set(lineage.predecessors(table, "Tuyên Quang", "province")["predecessor"]) == {"Tuyên Quang", "Hà Giang"}
    assert set(lineage.predecessors(table, "Hải Phòng", "province")["predecessor"]) == {"Hải Phòng", "Hải Dương"}
    assert list(lineage.predecessors(table, "Lai Châu", "province")["predecessor"]) == ["Lai Châu"]
    assert set(provinces["decision"]) == {"Nghị quyết 202/2025/QH15 (12/06/2025)"}
    split = lineage.successors(table, "Tam Đường", "district")
    assert set(split["successor"]) == {"Bản Bo", "Bình Lư", "Khun Há", "Tả Lèng"}
    assert set(split["decision"]) == {"Nghị quyết 1670/NQ-UBTVQH15 (16/06/2025)"}
    write_processed(shipped, tmp_path)
    again = lineage.load_lineage(tmp_path / lineage.LINEAGE_CSV)
    assert len(again) == 67 and again["weight"].isna().all()


def test_merged_provinces_show_their_predecessors_history(shipped):
    """The shipped provincial series: the new An Giang's history is An Giang's and Kiên Giang's, side by side."""
    hist = lineage.history(shipped.scores, shipped.lineage, "An Giang", "province")
    assert hist.merged and hist.since == 2025 and hist.derived is None
    assert hist.side_by_side.loc[(2023, "FY"), "An Giang"] == 81.32
    assert hist.side_by_side.loc[(2021, "FY"), "Kiên Giang"] == 79.97
    assert hist.own.empty  # no result of the new province yet: never filled from its predecessors
    derived = lineage.history(shipped.scores, shipped.lineage, "Hồ Chí Minh", "province", rule="mean").derived
    assert derived.loc[(2018, "FY")] == 79.0 and derived.loc[(2023, "FY")] == 91.03  # one predecessor each year
    with pytest.raises(MethodError, match="no weight for"):
        lineage.history(shipped.scores, shipped.lineage, "Hồ Chí Minh", "province", rule="weights")


def test_a_merged_units_own_results_are_never_mixed_with_its_predecessors():
    rows = [{"unit": u, "year": y, "component": "TOTAL", "value_pct": v}
            for u, y, v in (("A", 2023, 70.0), ("A", 2024, 80.0), ("B", 2024, 60.0), ("AB", 2024, 99.0),
                            ("AB", 2025, 85.0))]
    scores = to_frame(pd.DataFrame([{**r, "level": "commune", "period": "FY", "kind": "actual", "bound": "=",
                                     "source": "t", "illustrative": False} for r in rows]))
    table = pd.DataFrame([{"predecessor": p, "predecessor_level": "commune", "successor": "AB",
                           "successor_level": "commune", "effective": "2025-07-01", "weight": w}
                          for p, w in (("A", 3.0), ("B", 1.0))])
    hist = lineage.history(scores, table, "AB", "commune", rule="weights")
    # A stray 2024 row under the new name is before its effective year: not the unit's own result.
    assert hist.own.to_dict() == {(2025, "FY"): 85.0}
    assert hist.derived.to_dict() == {(2023, "FY"): 70.0, (2024, "FY"): 75.0}
    assert hist.covered.to_dict() == {(2023, "FY"): 1, (2024, "FY"): 2}
    assert list(hist.side_by_side.columns) == ["A", "B"]
    mean = lineage.history(scores, table, "AB", "commune", rule="mean").derived
    assert mean.loc[(2024, "FY")] == 70.0
    with pytest.raises(MethodError, match="not known"):
        lineage.history(scores, table, "AB", "commune", rule="median")


def test_standardise_refuses_a_broken_lineage_with_the_rest(tmp_path):
    write_csv(tmp_path / "sap_xep.csv", [HEADER, ["A", "Xã", "B", "Xã", "hôm qua", "NQ", "", ""]])
    with pytest.raises(InputError, match="not a date"):
        standardise([tmp_path / "sap_xep.csv"])
