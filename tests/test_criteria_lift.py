"""Points lost per criterion and the criterion-level lift, against answers worked out by hand and by search."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, roll_up
from parindex_lib.analyses.criteria_lift import StepCosts, criteria_lift
from parindex_lib.analyses.criteria_lost import points_lost
from parindex_lib.analyses.lift import UNREACHABLE
from parindex_lib.errors import InputError, MethodError
from parindex_lib.model.criteria import load_criteria, tree_from_spec
from parindex_lib.model.index import PARIndex, met, required_value
from parindex_lib.model.schemes import from_points
from parindex_lib.present.criteria import change_line, lift_text, lost_table, reach_text
from parindex_lib.readers.analyst import read_criterion_ceilings, read_criterion_efforts

# A small tree worked by hand: C1 on 6 points, C2 on 4, and penalty points up to 2 (the scale is 10 points).
HAND_TREE = [
    {"code": "1", "name_vi": "Chỉ đạo điều hành", "name_en": "Direction", "max": 6, "component": "C1",
     "lead": "Văn phòng UBND xã"},
    {"code": "1.1", "name_vi": "Ban hành kế hoạch CCHC năm", "name_en": "Annual plan issued", "max": 1,
     "rule": "Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0"},
    {"code": "1.2", "name_vi": "Mức độ thực hiện kế hoạch", "max": 2,
     "rule": "Thực hiện trên 90% kế hoạch: 2; Thực hiện từ 70% - 90% kế hoạch: 1; Dưới 70% kế hoạch: 0"},
    {"code": "1.3", "name_vi": "Kiểm tra CCHC", "max": 3, "rule": "binary", "lead": "Phòng Nội vụ"},
    {"code": "2", "name_vi": "Cải cách thể chế", "max": 4, "component": "C2", "lead": "Phòng Tư pháp"},
    {"code": "2.1", "name_vi": "Theo dõi thi hành pháp luật", "max": 2, "rule": "free"},
    {"code": "2.2", "name_vi": "Rà soát văn bản", "max": 2, "rule": "Đầy đủ: 2; Chưa đầy đủ: 1; Không: 0"},
    {"code": "3", "name_vi": "Điểm trừ", "max": 2, "component": "PENALTY"},
    {"code": "3.1", "name_vi": "Chậm báo cáo", "max": 2, "rule": "Không có: 0; Một lần: 1; Hai lần trở lên: 2"},
]
# The sheet: self-assessed and appraised points (the appraisal took 0,5 off 1.1 and added a penalty point).
HAND_SELF = {"1.1": 1, "1.2": 0, "1.3": 3, "2.1": 1.25, "2.2": 1, "3.1": 0}
HAND_APPRAISED = {"1.1": 0.5, "1.2": 0, "1.3": 3, "2.1": 1.25, "2.2": 1, "3.1": 1}
HAND_MEASURED = {"1.2": 65}


def hand_tree():
    return tree_from_spec({"name": "hand", "criteria": HAND_TREE}, "hand.yaml")


def hand_unit(**changes) -> UnitCriteria:
    return UnitCriteria.build(hand_tree(), HAND_APPRAISED | changes, self_points=HAND_SELF,
                              appraised_points=HAND_APPRAISED | changes, measured=HAND_MEASURED, unit="Xã Thử",
                              year=2024)


# -- points lost ------------------------------------------------------------------------------------------


def test_total_by_hand():
    uc = hand_unit()
    nodes = uc.node_points()
    assert (nodes["1"], nodes["2"], nodes["3"]) == (3.5, 2.25, 1.0)
    # (3,5 + 2,25 − 1 penalty) ÷ 10 points
    assert Totalling.of(uc.tree).total(uc.tree, nodes) == pytest.approx(47.5)


def test_points_lost_lists_exactly_the_criteria_below_their_maxima_ranked():
    lost = points_lost(hand_unit())
    table = lost.criteria.set_index("code")
    # 1.3 is at its maximum: not listed; the penalty given is points lost. Ties (2.2, 3.1) in the tree's order.
    assert list(table.index) == ["1.2", "2.2", "3.1", "2.1", "1.1"]
    assert table["lost"].to_dict() == {"1.2": 2.0, "2.2": 1.0, "3.1": 1.0, "2.1": 0.75, "1.1": 0.5}
    assert table["lost_total"].round(6).to_dict() == {"1.2": 20.0, "2.2": 10.0, "3.1": 10.0, "2.1": 7.5, "1.1": 5.0}
    assert list(table["rank"]) == [1, 2, 3, 4, 5]
    assert lost.total == pytest.approx(47.5) and lost.lost_total == pytest.approx(52.5)
    # next steps: up for scored criteria, down for a penalty, the maximum for a free one
    assert table["next_points"].to_dict() == {"1.2": 1.0, "2.2": 2.0, "3.1": 0.0, "2.1": 2.0, "1.1": 1.0}
    assert table.loc["1.1", "label_vi"] == "Ban hành không kịp thời"
    assert table.loc["1.1", "next_label_vi"] == "Ban hành kịp thời"
    assert table.loc["3.1", "next_label_vi"] == "Không có"
    # lead offices: a leaf's own, else its area's
    assert table.loc["1.2", "lead_units"] == "Văn phòng UBND xã" and table.loc["2.2", "lead_units"] == "Phòng Tư pháp"


def test_band_next_step_says_how_far_the_measured_rate_must_move():
    row = points_lost(hand_unit()).criteria.set_index("code").loc["1.2"]
    # 65% of the plan done earns 0; the next band (1 point) starts at 70% inclusive: 5 points of rate to go
    assert (row["measured"], row["reach_edge"], row["reach_inclusive"], row["reach_direction"]) == (65, 70, True, "up")
    assert row["reach_move"] == 5 and row["measured_unit"] == "%"
    # from the middle band, the top band is "above 90%" (exclusive)
    uc = UnitCriteria.build(hand_tree(), HAND_APPRAISED | {"1.2": 1}, measured={"1.2": 85})
    row = points_lost(uc).criteria.set_index("code").loc["1.2"]
    assert (row["reach_edge"], row["reach_inclusive"], row["reach_move"]) == (90, False, 5)


def test_areas_components_and_appraisal_deductions():
    lost = points_lost(hand_unit())
    areas = lost.areas.set_index("code")
    assert list(areas.index) == ["1", "2", "3"]  # ranked by points of total lost
    assert areas["lost"].to_dict() == {"1": 2.5, "2": 1.75, "3": 1.0}
    assert areas.loc["1", "below"] == 2
    comps = lost.components.set_index("component")
    assert comps.loc["C1", "value_pct"] == pytest.approx(100 * 3.5 / 6)
    assert comps.loc["PENALTY", "lost"] == 1.0
    deductions = lost.deductions.set_index("code")
    # 1.1: self 1, appraised 0,5; 3.1: the appraisal added a penalty point — both are points taken off
    assert deductions["deducted"].to_dict() == {"1.1": 0.5, "3.1": 1.0}
    assert lost.deducted == 1.5
    assert [a["code"] for a, _ in lost.grouped()] == ["1", "2", "3"]


def test_points_not_allowed_by_the_rule_are_refused():
    with pytest.raises(MethodError, match=r'1.1 "Ban hành kế hoạch CCHC năm" has 0.7 points, which its rule does '
                                          r"not give \(expected one of 0, 0.5, 1\)"):
        UnitCriteria.build(hand_tree(), HAND_APPRAISED | {"1.1": 0.7})
    with pytest.raises(MethodError, match='points given for "9.9", which is not a criterion'):
        UnitCriteria.build(hand_tree(), HAND_APPRAISED | {"9.9": 1})
    with pytest.raises(MethodError, match='2.2 "Rà soát văn bản" has no points'):
        UnitCriteria.build(hand_tree(), {k: v for k, v in HAND_APPRAISED.items() if k != "2.2"})
    # codes as offices write them
    assert UnitCriteria.build(hand_tree(), {f"{k}.": v for k, v in HAND_APPRAISED.items()}).points["1.1"] == 0.5


# -- the lift worked by hand -------------------------------------------------------------------------------

# Raising the plan's rate is hard (3 units a step), the penalty area's steps cost 2.
HAND_COSTS = StepCosts({"1.2": 3.0, "3": 2.0})


def test_cheapest_set_by_hand_with_a_free_criterion():
    # 60% needs 1,25 more points: 2.2 one step up (+1, effort 1) and 0,25 of the free 2.1 (effort 0,25) — cheaper
    # than any two steps (effort ≥ 2) or 1.1 with 0,75 of 2.1 (1,75).
    res = criteria_lift(hand_unit(), target=60, costs=HAND_COSTS)
    assert res.feasible and res.cost_model == "criteria"
    got = res.criteria.set_index("code")
    assert list(got.index) == ["2.1", "2.2"]
    assert got.loc["2.2", ["from_points", "to_points", "steps", "cost"]].tolist() == [1, 2, 1, 1]
    assert got.loc["2.1", "to_points"] == pytest.approx(1.5, abs=1e-5)
    assert res.total_cost == pytest.approx(1.25, abs=1e-5)
    assert res.total_after == pytest.approx(60.0, abs=1e-5) and met(res.total_after, 60, ">=")
    assert got.loc["2.2", "lead_units"] == "Phòng Tư pháp"
    assert res.changes.loc["C2", "to_pct"] == pytest.approx(100 * 3.5 / 4, abs=1e-4)


def test_cheapest_set_by_hand_when_the_free_criterion_cannot_move():
    # 2.1 unreachable this year: 1.1 (+0,5, effort 1) and 2.2 (+1, effort 1) — effort 2; every other pair costs 3+
    res = criteria_lift(hand_unit(), target=60, costs=HAND_COSTS, ceilings={"2.1": None})
    got = res.criteria.set_index("code")
    assert list(got.index) == ["1.1", "2.2"]
    assert got.loc["1.1", ["from_points", "to_points"]].tolist() == [0.5, 1.0]
    assert got.loc["1.1", "to_label_vi"] == "Ban hành kịp thời"
    assert res.total_cost == 2 and res.total_after == pytest.approx(62.5)
    assert got["gain_total"].sum() == pytest.approx(15.0)
    assert res.limited == ("2.1",)


def test_band_change_says_what_the_rate_must_reach():
    # only 1.2 may move: 60% needs 1,25 points, so 1.2 must go from 0 to 2 (two steps): above 90% of the plan
    ceilings = {"1.1": None, "2": None, "3": None}
    res = criteria_lift(hand_unit(), target=60, ceilings=ceilings)
    row = res.criteria.set_index("code").loc["1.2"]
    assert (row["from_points"], row["to_points"], row["steps"], row["cost"]) == (0, 2, 2, 2)
    assert (row["measured"], row["reach_edge"], row["reach_inclusive"], row["reach_move"]) == (65, 90, False, 25)


def test_unreachable_says_so_with_the_highest_total():
    # 1 and 2.1 cannot move: 2.2 (+1) and the penalty (+1) give at most 47,5 + 20 = 67,5
    res = criteria_lift(hand_unit(), target=70, ceilings={"1": None, "2.1": None})
    assert not res.feasible and res.total_cost is None and res.cost_reason == UNREACHABLE
    assert res.max_reachable == pytest.approx(67.5) and res.criteria.empty
    out = res.to_dict()
    json.dumps(out, allow_nan=False)
    assert out["total_cost"] is None and out["total_cost_reason"] == UNREACHABLE and out["criteria"] == []


def test_a_ceiling_below_the_maximum_and_a_strict_bound():
    # 1.2 at most 1 point, 2.1 unreachable; "above 60%" needs 60,01: two steps, and of the two-step plans
    # (1.1 + 2.2 → 62,5; 1.1 + 3.1 → 62,5; 2.2 + 3.1 → 67,5; 1.2 + any) the one lifting the total most
    res = criteria_lift(hand_unit(), target=60, bound="gt", ceilings={"1.2": 1, "2.1": None})
    assert res.total_cost == 2 and res.total_after == pytest.approx(67.5)
    assert set(res.criteria["code"]) == {"2.2", "3.1"}


def test_already_met_changes_nothing():
    res = criteria_lift(hand_unit(), target=40)
    assert res.feasible and res.total_cost == 0 and res.criteria.empty and res.total_after == res.total_before


def test_efforts_per_lead_office():
    # the office leading 2.x is slow (10 a step): 60% then takes 1.1 + 3.1 (penalty removed) instead of 2.2
    costs = StepCosts(by_lead={"phong tu phap": 10.0})
    res = criteria_lift(hand_unit(), target=60, costs=costs, ceilings={"1.2": None})
    assert set(res.criteria["code"]) == {"1.1", "3.1"} and res.total_cost == 2
    row = res.criteria.set_index("code").loc["3.1"]
    assert (row["from_points"], row["to_points"], row["kind"]) == (1, 0, "penalty")


def test_bad_ceilings_and_efforts_are_refused():
    with pytest.raises(MethodError, match='a ceiling is given for "7", which is not a criterion of "hand"'):
        criteria_lift(hand_unit(), target=60, ceilings={"7": None})
    with pytest.raises(MethodError, match=r'the ceiling of "1.1" is 3 \(expected points in 0–1\)'):
        criteria_lift(hand_unit(), target=60, ceilings={"1.1": 3})
    with pytest.raises(MethodError, match='an effort is given for "4.4"'):
        criteria_lift(hand_unit(), target=60, costs=StepCosts({"4.4": 1}))
    with pytest.raises(MethodError, match='the effort of "1.1" is 0'):
        criteria_lift(hand_unit(), target=60, costs=StepCosts({"1.1": 0}))


def test_with_an_index_the_survey_component_is_held():
    # The scheme totals C1 (6), C2 (4) and SIPAS (10, from a survey: 80%): scale 20 points.
    uc = hand_unit()
    scheme = from_points({"C1": 6.0, "C2": 4.0, "SIPAS": 10.0}, "commune", 2024, {"PENALTY": None})
    values = pd.Series({"C1": 100 * 3.5 / 6, "C2": 100 * 2.25 / 4, "SIPAS": 80.0})
    index = PARIndex("Xã Thử", 2024, "FY", scheme, values, target=66.25, level="commune",
                     adjust_points={"PENALTY": 1.0})
    totalling = Totalling.of(uc.tree, index)
    assert totalling.held == {"SIPAS": 80.0}
    assert totalling.total(uc.tree, uc.node_points()) == pytest.approx(index.total) == pytest.approx(63.75)
    # 66,25 needs 2,5 points of total = 0,5 criterion points (5 points of total each): half a point of the free
    # 2.1 (effort 0,5) rather than 1.1 on time (one step, effort 1)
    res = criteria_lift(uc, index, costs=HAND_COSTS)
    assert list(res.criteria["code"]) == ["2.1"] and res.held == ("SIPAS",)
    assert res.criteria["to_points"].iloc[0] == pytest.approx(1.75, abs=1e-5)
    assert res.total_cost == pytest.approx(0.5, abs=1e-5)
    assert res.total_after == pytest.approx(66.25) and res.target == 66.25
    assert list(res.changes.index) == ["C2"]
    # with 2.1 unreachable: one step — 2.2 (+1) rather than 1.1 (+0,5), the same effort lifting the total more
    res = criteria_lift(uc, index, costs=HAND_COSTS, ceilings={"2.1": None})
    assert list(res.criteria["code"]) == ["2.2"] and res.total_cost == 1 and list(res.changes.index) == ["C2"]
    assert res.total_after == pytest.approx(68.75)


def test_a_tree_scoring_a_component_the_scheme_lacks_is_refused():
    scheme = from_points({"C1": 6.0, "SIPAS": 10.0}, "commune", 2024)
    index = PARIndex("Xã Thử", 2024, "FY", scheme, pd.Series({"C1": 50.0, "SIPAS": 80.0}), level="commune")
    with pytest.raises(MethodError, match='score C2, which scheme "points-in-data" does not total'):
        criteria_lift(hand_unit(), index)


def test_the_result_is_strict_json():
    res = criteria_lift(hand_unit(), target=60, costs=HAND_COSTS)
    text = json.dumps(res.to_dict(), ensure_ascii=False, allow_nan=False)
    back = json.loads(text)
    assert [c["code"] for c in back["criteria"]] == ["2.1", "2.2"]
    assert back["cost_model"] == "criteria" and back["changes"][0]["component"] == "C2"
    assert back["criteria"][1]["reach_edge"] is None


# -- the shipped illustrative tree --------------------------------------------------------------------------


def test_illustrative_tree_plan():
    tree = load_criteria("illustrative-commune")
    full = {c.code: (0.0 if c.component in ("BONUS", "PENALTY") else c.max_points) for c in tree.leaves()}
    uc = UnitCriteria.build(tree, full | {"1.1.1": 0.5, "6.1": 1, "8.1": 2, "9": 10}, measured={"9": 76.0})
    res = criteria_lift(uc, target=86)
    # 0,5 more points: 1.1.1 on time (one step) — the only one-step change worth 0,5 that adds nothing more is
    # not preferred: among one-step plans the one lifting the total most (SIPAS 10 → 14, 80% satisfaction)
    assert res.total_cost == 1
    row = res.criteria.iloc[0]
    assert row["code"] == "9" and row["to_points"] == 14 and row["reach_edge"] == 80 and row["reach_move"] == 4


# -- exact against exhaustive search (hypothesis) ------------------------------------------------------------

LEVEL_SETS = [(0.0, 1.0), (0.0, 0.5, 1.0), (0.0, 1.0, 2.0), (0.0, 1.0, 1.5, 2.0), (0.0, 2.0), (0.0, 1.0, 3.0)]


@st.composite
def problems(draw):
    """A small tree (≤ 6 leaves; some parents capped; maybe a penalty area), current points, efforts, ceilings,
    a target."""
    items, leaves = [], []
    components = draw(st.permutations(["C1", "C2", "C3"]))[: draw(st.integers(1, 3))]
    areas = [(c, False) for c in components] + ([("PENALTY", True)] if draw(st.booleans()) else [])
    budget = 6
    for a, (component, _) in enumerate(areas, start=1):
        n = draw(st.integers(1, max(1, min(3, budget - (len(areas) - a)))))
        budget -= n
        grouped = n >= 2 and draw(st.booleans())
        kids = []
        for k in range(1, n + 1):
            code = f"{a}.1.{k}" if grouped else f"{a}.{k}"
            levels = draw(st.sampled_from(LEVEL_SETS))
            kids.append((code, levels))
            leaves.append((code, levels, component))
        kid_max = sum(lv[-1] for _, lv in kids)
        if grouped:
            cap = draw(st.sampled_from([kid_max, kid_max - 0.5])) if kid_max > 1 else kid_max
            group = {"code": f"{a}.1", "name_vi": f"Nhóm {a}", "max": cap}
            if cap < kid_max:
                group["capped"] = "points above the cap are not counted"
            area_max = cap
        else:
            group, area_max = None, kid_max
        area = {"code": str(a), "name_vi": f"Lĩnh vực {a}", "max": area_max, "component": component}
        block = [area] + ([group] if group else []) + [
            {"code": code, "name_vi": f"Tiêu chí {code}", "max": lv[-1],
             "rule": {"kind": "steps", "steps": [{"points": p} for p in lv]}} for code, lv in kids]
        items += block
    tree = tree_from_spec({"name": "h", "criteria": items}, "h.yaml")
    current = {code: draw(st.sampled_from(lv)) for code, lv, _ in leaves}
    costs = {code: draw(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.0])) for code, _, _ in leaves}
    ceilings = {}
    for code, lv, _ in leaves:
        kind = draw(st.integers(0, 5))
        if kind == 0:
            ceilings[code] = None
        elif kind == 1:
            ceilings[code] = draw(st.sampled_from(lv))
    target = draw(st.floats(1, 100).map(lambda x: round(x, 2)))
    bound = draw(st.sampled_from([">=", ">"]))
    return tree, current, costs, ceilings, target, bound


def independent_total(tree, points: dict[str, float]) -> float:
    """The total recomputed without the library's roll-up: Σ areas (capped groups as written) ± penalty ÷ scale."""
    def node(code):
        kids = tree.children(code)
        if not kids:
            return points[code]
        s = sum(node(k.code) for k in kids)
        return min(s, tree[code].max_points) if tree[code].capped else s
    scale = sum(a.max_points for a in tree.areas if a.component != "PENALTY")
    value = sum(node(a.code) * (-1 if a.component == "PENALTY" else 1) for a in tree.areas)
    return min(100.0, max(0.0, 100.0 * value / scale))


def choices(tree, code, current, ceilings):
    """(points, steps) of every level a leaf may take: the current one and those better within its ceiling."""
    levels = tree.levels(code)
    penalty = tree.area_of(code).component == "PENALTY"
    at = levels.index(current)
    ceiling = ceilings.get(code, "none")
    out = [(current, 0)]
    for j, v in enumerate(levels):
        better = v < current if penalty else v > current
        if not better or ceiling is None:
            continue
        if ceiling != "none" and (v < ceiling if penalty else v > ceiling):
            continue
        out.append((v, abs(j - at)))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_milp_equals_exhaustive_search_and_beats_every_greedy_choice(problem):
    tree, current, costs, ceilings, target, bound = problem
    uc = UnitCriteria.build(tree, current)
    res = criteria_lift(uc, target=target, bound=bound, costs=StepCosts(costs), ceilings=ceilings)
    required = required_value(target, bound)
    codes = [c.code for c in tree.leaves()]
    options = [choices(tree, c, current[c], ceilings) for c in codes]
    best_cost, highest = math.inf, 0.0
    for combo in itertools.product(*options):
        points = {c: p for c, (p, _) in zip(codes, combo, strict=True)}
        total = independent_total(tree, points)
        highest = max(highest, total)
        if met(total, target, bound):
            best_cost = min(best_cost, sum(costs[c] * s for c, (_, s) in zip(codes, combo, strict=True)))
    assert res.max_reachable == pytest.approx(highest, abs=1e-9)
    assert res.total_before == pytest.approx(independent_total(tree, current), abs=1e-9)
    if best_cost == math.inf:
        assert not res.feasible and res.total_cost is None and res.cost_reason == UNREACHABLE
        return
    assert res.feasible and res.total_cost == pytest.approx(best_cost, abs=1e-6)
    after = dict(current) | dict(zip(res.criteria["code"], res.criteria["to_points"], strict=True))
    assert res.total_after == pytest.approx(independent_total(tree, after), abs=1e-9)
    assert met(res.total_after, target, bound)
    for code, to in zip(res.criteria["code"], res.criteria["to_points"], strict=True):  # allowed moves only
        assert to in [p for p, _ in options[codes.index(code)]] and to != current[code]
    # never worse than any single criterion's change that reaches the target alone
    for c, opts in zip(codes, options, strict=True):
        for p, s in opts[1:]:
            if met(independent_total(tree, current | {c: p}), target, bound):
                assert res.total_cost <= costs[c] * s + 1e-6
    # never worse than the greedy plan (best gain per effort, one step at a time, until the target is met)
    greedy, spent = dict(current), 0.0
    while not met(independent_total(tree, greedy), target, bound):
        moves = []
        for c, opts in zip(codes, options, strict=True):
            now = next(s for p, s in opts if p == greedy[c])
            for p, s in opts:
                if s > now:
                    gain = independent_total(tree, greedy | {c: p}) - independent_total(tree, greedy)
                    moves.append((gain / (costs[c] * (s - now)), -costs[c] * (s - now), c, p, costs[c] * (s - now)))
        moves = [m for m in moves if m[0] > 0]
        if not moves:
            break
        _, _, c, p, cost = max(moves)
        greedy[c], spent = p, spent + cost
    if met(independent_total(tree, greedy), target, bound):
        assert res.total_cost <= spent + 1e-6
    assert required <= res.total_after + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 2.0]), min_size=2, max_size=4),
       st.floats(10, 100).map(lambda x: round(x, 2)))
def test_free_criteria_are_continuous_and_settled_on_two_decimals(currents, target):
    """Only free criteria (any value in 0–2), one unit of effort per point: the cheapest plan costs the points
    missing (the total's shortfall × scale ÷ 100), each move settled on two decimals as a sheet writes it (at most
    0,01 more per criterion), and the target is met."""
    items = [{"code": "1", "name_vi": "A", "max": 2 * len(currents), "component": "C1"}]
    items += [{"code": f"1.{k}", "name_vi": f"T{k}", "max": 2, "rule": "free"} for k in range(1, len(currents) + 1)]
    tree = tree_from_spec({"name": "f", "criteria": items}, "f.yaml")
    uc = UnitCriteria.build(tree, {f"1.{k}": v for k, v in enumerate(currents, start=1)})
    res = criteria_lift(uc, target=target)
    before = 100 * sum(currents) / (2 * len(currents))
    assume(abs(before - target) > 1e-6)
    if before >= target:
        assert res.total_cost == 0
        return
    missing = (target - before) * 2 * len(currents) / 100
    assert res.feasible and missing - 1e-9 <= res.total_cost <= missing + 0.01 * len(res.criteria) + 1e-9
    assert res.total_after >= target - 1e-9
    assert (res.criteria["to_points"] <= 2 + 1e-9).all()
    assert np.allclose(res.criteria["to_points"] * 100, (res.criteria["to_points"] * 100).round())


def test_roll_up_caps_a_parent_as_the_tree_says():
    items = [{"code": "1", "name_vi": "A", "max": 2, "component": "C1"},
             {"code": "1.1", "name_vi": "G", "max": 2, "capped": "at most 2"},
             {"code": "1.1.1", "name_vi": "x", "max": 2, "rule": "binary"},
             {"code": "1.1.2", "name_vi": "y", "max": 1, "rule": "binary"}]
    tree = tree_from_spec({"criteria": items}, "c.yaml")
    assert roll_up(tree, {"1.1.1": 2, "1.1.2": 1})["1"] == 2
    # at 1 of 2 from y, only x (2 points, but capped) can lift: the plan is x alone, total 100%
    uc = UnitCriteria.build(tree, {"1.1.1": 0, "1.1.2": 1})
    res = criteria_lift(uc, target=100)
    assert list(res.criteria["code"]) == ["1.1.1"] and res.total_after == 100
    assert res.criteria["gain_total"].sum() == pytest.approx(50.0)
    assert np.isclose(res.max_reachable, 100)


# -- the words ---------------------------------------------------------------------------------------------


def test_a_change_is_said_as_offices_write_it():
    res = criteria_lift(hand_unit(), target=60, costs=HAND_COSTS, ceilings={"2.1": None})
    rows = res.criteria.set_index("code", drop=False)
    assert change_line(rows.loc["1.1"], "vi") == "1.1 Ban hành kế hoạch CCHC năm: 0,5 → 1, +0,5 điểm, Văn phòng UBND xã"
    assert change_line(rows.loc["1.1"], "en") == "1.1 Annual plan issued: 0.5 → 1, +0.5 points, Văn phòng UBND xã"
    # a band: the quantity named by the rule's text, around the move of the measured rate
    band = criteria_lift(hand_unit(), target=52.5, ceilings={"1.1": None, "2": None, "3": None}).criteria.iloc[0]
    assert reach_text(band, "vi") == "Thực hiện từ 65% lên ít nhất 70% kế hoạch"
    assert reach_text(band, "en") == "Thực hiện from 65% to at least 70% kế hoạch"
    assert change_line(band, "vi").endswith("(cần: Thực hiện từ 65% lên ít nhất 70% kế hoạch)")
    # a penalty removed
    res = criteria_lift(hand_unit(), target=52.5, ceilings={"1": None, "2": None})
    assert change_line(res.criteria.iloc[0], "vi") == "3.1 Chậm báo cáo: 1 → 0, bớt 1 điểm trừ, chưa rõ đơn vị chủ trì"
    text = lift_text(criteria_lift(hand_unit(), target=70, ceilings={"1": None, "2.1": None}), "năm 2024", "vi")
    assert "Không thể đạt từ 70,00% trở lên bằng các tiêu chí trong giới hạn đã đặt: tổng điểm cao nhất có thể đạt " \
           "là 67,50%." in text
    table = lost_table(points_lost(hand_unit()), "vi").frame
    assert table.iloc[0, 2].startswith("Lĩnh vực 1. Chỉ đạo điều hành — đạt 3,5/6 điểm, mất 2,5 điểm")
    assert list(table.iloc[1, :3]) == ["1", "1.2", "Mức độ thực hiện kế hoạch"]


# -- the analyst files -------------------------------------------------------------------------------------


def test_efforts_and_ceilings_files_as_offices_write_them(tmp_path):
    import csv

    from openpyxl import Workbook

    path = tmp_path / "cong_suc.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["Mã tiêu chí", "Đơn vị chủ trì", "Công sức mỗi bậc", "Ghi chú"])
        out.writerow(["1.2.", "", "3", "Khó nâng\ntỷ lệ thực hiện"])
        out.writerow(["", "Phòng Tư pháp", "1,5", ""])
    by_code, by_lead = read_criterion_efforts(path, hand_tree())
    assert by_code == {"1.2": 3.0} and by_lead == {"Phòng Tư pháp": 1.5}

    book = Workbook()
    sheet = book.active
    sheet.title = "Trần"
    sheet.append(["Mã tiêu chí", "Trần (điểm tối đa năm nay)", "Ghi chú"])
    sheet.append(["1.2", 1, "Khó vượt 90%"])
    sheet.append(["2", "Không thể", "Cả lĩnh vực"])
    book.save(tmp_path / "tran.xlsx")
    ceilings = read_criterion_ceilings(tmp_path / "tran.xlsx", hand_tree())
    assert ceilings == {"1.2": 1.0, "2": None}


def test_faulty_efforts_and_ceilings_are_located(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("Mã tiêu chí,Đơn vị chủ trì,Công sức mỗi bậc\n9.9,,2\n1.1,Phòng Nội vụ,1\n1.3,,0\n1.3,,2\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_criterion_efforts(path, hand_tree())
    text = str(exc.value)
    assert 'e.csv, row 2, column "Mã tiêu chí": "9.9" is not a criterion of "hand"' in text
    assert 'e.csv, row 3, column "Mã tiêu chí": "1.1" gives both a criterion and a lead office' in text
    assert 'e.csv, row 4, column "Công sức mỗi bậc": "0" is out of range (expected a number > 0)' in text
    assert 'e.csv, row 5: "1.3" is given again (first in row 4' in text
    path = tmp_path / "c.csv"
    path.write_text("Mã tiêu chí,Trần\n1.1,2\n1,0.5\n2.2,\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_criterion_ceilings(path, hand_tree())
    text = str(exc.value)
    assert 'c.csv, row 2, column "Trần": "2" is above 1 (expected at most 1)' in text
    assert 'c.csv, row 3, column "Trần": "0.5" is a number of points for "1", which has sub-criteria' in text
    assert 'c.csv, row 4, column "Trần"' in text and "is empty (expected a number)" in text
