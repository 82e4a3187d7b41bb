"""Quarterly progress per criterion: what moved since the previous period, which planned changes have not happened."""

from __future__ import annotations

import pandas as pd
import pytest
from test_criteria_lift import HAND_APPRAISED, HAND_COSTS, hand_tree

from parindex_lib.analyses.criteria import UnitCriteria
from parindex_lib.analyses.criteria_lift import criteria_lift
from parindex_lib.analyses.criteria_progress import (
    CriteriaPlan,
    criteria_progress,
    last_final,
    plan_from_lift,
    previous_point,
)


def unit(period: str, year: int = 2024, measured=None, **changes) -> UnitCriteria:
    return UnitCriteria.build(hand_tree(), HAND_APPRAISED | changes, measured=measured or {"1.2": 65},
                              unit="Xã Thử", year=year, period=period)


def the_plan() -> CriteriaPlan:
    # the last final result's criterion lift to 60%, with 2.1 unreachable: 1.1 0,5 → 1 and 2.2 1 → 2
    result = criteria_lift(unit("FY", 2023), target=60, costs=HAND_COSTS, ceilings={"2.1": None})
    return plan_from_lift(result, "2023")


def test_the_plan_of_the_last_final_result():
    plan = the_plan()
    assert plan.source == "lift" and plan.basis == "2023" and plan.total_after == pytest.approx(62.5)
    assert plan.changes[["code", "from_points", "to_points"]].values.tolist() == [["1.1", 0.5, 1.0],
                                                                                  ["2.2", 1.0, 2.0]]


def test_first_quarter_against_the_last_final_result():
    # Q1: the plan's rate rose past 70% (1.2: 0 → 1, not planned) and a second late report (3.1: 1 → 2 penalty)
    q1 = unit("Q1", measured={"1.2": 72}, **{"1.2": 1, "3.1": 2})
    progress = criteria_progress(q1, unit("FY", 2023), the_plan())
    moved = progress.moved.set_index("code")
    assert list(moved.index) == ["1.2", "3.1"]
    assert moved.loc["1.2", ["change", "change_total", "planned"]].tolist() == [1.0, 10.0, False]
    assert moved.loc["3.1", ["change", "change_total"]].tolist() == [1.0, -10.0]  # more penalty: the total loses
    assert progress.planned.set_index("code")["status"].to_dict() == {"1.1": "not_yet", "2.2": "not_yet"}
    assert progress.total == pytest.approx(47.5) and progress.previous_total == pytest.approx(47.5)
    assert progress.previous_label == "2023" and progress.label == "2024 Q1"


def test_second_quarter_one_planned_change_done_one_not_yet():
    q1 = unit("Q1")
    q2 = unit("Q2", **{"1.1": 1})
    progress = criteria_progress(q2, q1, the_plan(), history=[q1])
    assert progress.moved["code"].tolist() == ["1.1"] and bool(progress.moved["planned"].iloc[0])
    planned = progress.planned.set_index("code")
    assert planned["status"].to_dict() == {"1.1": "done", "2.2": "not_yet"}
    assert planned.loc["2.2", ["now", "remaining", "remaining_total"]].tolist() == [1.0, 1.0, 10.0]
    assert progress.not_happened["code"].tolist() == ["2.2"]
    assert progress.count("done") == 1 and progress.count("not_yet") == 1
    assert progress.history.loc["1.1"].to_dict() == {"Q1": 0.5, "Q2": 1.0}


def test_an_offices_own_plan_with_due_quarters():
    # the office's plan: 1.1 on time by Q1, 2.2 in full by Q4, 1.2 to 2 points by the year's end
    table = pd.DataFrame({"code": ["1.1", "2.2", "1.2"], "to_points": [1.0, 2.0, 2.0], "due": ["Q1", "Q4", None],
                          "lead_units": [None, "Phòng Tư pháp", None]})
    plan = CriteriaPlan.from_table(table, base=unit("FY", 2023), basis="2023")
    assert plan.changes["from_points"].tolist() == [0.5, 1.0, 0.0]
    assert plan.changes["lead_units"].tolist() == ["Văn phòng UBND xã", "Phòng Tư pháp", "Văn phòng UBND xã"]
    q2 = unit("Q2", measured={"1.2": 75}, **{"1.1": 0, "1.2": 1})
    status = criteria_progress(q2, unit("Q1"), plan).planned.set_index("code")["status"].to_dict()
    # 1.1 fell below where the plan started; 2.2 not moved (due Q4); 1.2 moved one band of two
    assert status == {"1.1": "worse", "2.2": "not_yet", "1.2": "partly"}
    q2 = unit("Q2")
    status = criteria_progress(q2, unit("Q1"), plan).planned.set_index("code")["status"].to_dict()
    assert status["1.1"] == "overdue"


def test_which_period_comes_before():
    have = [(2023, "FY"), (2024, "Q1"), (2024, "Q3"), (2023, "Q4")]
    assert previous_point(have, 2024, "Q3") == (2024, "Q1")
    assert previous_point(have, 2024, "Q1") == (2023, "FY")
    assert previous_point([(2023, "Q4")], 2024, "Q1") == (2023, "Q4")
    assert last_final(have, 2024) == (2023, "FY") and last_final(have, 2023) is None


def test_an_offices_plan_file(tmp_path):
    from openpyxl import Workbook

    from parindex_lib.errors import InputError
    from parindex_lib.readers.analyst import read_criterion_plan

    book = Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH NÂNG ĐIỂM CÁC TIÊU CHÍ NĂM 2024"])
    sheet.append(["Mã tiêu chí", "Điểm kế hoạch", "Hạn hoàn thành", "Đơn vị chủ trì"])
    sheet.append(["1.1.", 1, "Quý I", "Văn phòng UBND xã"])
    sheet.append(["2.2", 2, "Cả năm", None])
    book.save(tmp_path / "ke_hoach.xlsx")
    plan = read_criterion_plan(tmp_path / "ke_hoach.xlsx", hand_tree())
    assert plan.values.tolist() == [["1.1", 1.0, "Q1", "Văn phòng UBND xã"], ["2.2", 2.0, "FY", None]]
    sheet.append(["2.2", 3, "Tháng 13", None])
    book.save(tmp_path / "ke_hoach.xlsx")
    with pytest.raises(InputError) as exc:
        read_criterion_plan(tmp_path / "ke_hoach.xlsx", hand_tree())
    text = str(exc.value)
    assert 'row 5, column "Điểm kế hoạch": "3" is above 2' in text
    assert 'row 5, column "Hạn hoàn thành": "Tháng 13" is not a period' in text
    assert 'row 5, column "Mã tiêu chí": "2.2" is given again (first in row 4' in text
