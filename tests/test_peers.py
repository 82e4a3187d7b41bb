"""Peer groups: league tables against hand rankings (ties), bands against their thresholds, distributions and
losses computed by hand, and the group lift against exhaustive search on small groups (hypothesis)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex_lib.analyses import lift as unit_lift
from parindex_lib.analyses import peers
from parindex_lib.errors import MethodError, SchemeError
from parindex_lib.model.bands import Band, Bands, bands_for, parse_bands
from parindex_lib.model.schemes import load_scheme
from parindex_lib.readers import to_frame
from parindex_lib.standardise import standardise

BANDS = Bands((Band("A", "Nhóm A", "Group A", 90.0), Band("B", "Nhóm B", "Group B", 80.0, 90.0),
               Band("C", "Nhóm C", "Group C", 70.0, 80.0)), "test source")


def tidy(rows: list[dict]) -> pd.DataFrame:
    """Tidy rows (defaults: actual FY results of communes) as standardise makes them."""
    base = {"level": "commune", "period": "FY", "kind": "actual", "bound": "=", "source": "test", "illustrative": False}
    return to_frame(pd.DataFrame([{**base, **r} for r in rows]))


# -- membership and the league table ----------------------------------------------------------------------------

@pytest.fixture
def province_table() -> pd.DataFrame:
    """Two provinces' communes (one ranked in two blocks), totals only, with last year's totals of some."""
    rows = []
    for unit, total, block, rank in (("Xã A", 91.0, "xã", 1), ("Xã B", 85.5, "xã", 2), ("Xã C", 85.5, "xã", 2),
                                     ("Xã D", 72.25, "xã", 4), ("Phường E", 88.0, "phường", 1)):
        rows.append({"unit": unit, "year": 2025, "component": "TOTAL", "value_pct": total, "province": "Tỉnh Một",
                     "group": block, "rank": rank, "rank_of": 68 if block == "xã" else 45})
    rows.append({"unit": "Xã F", "year": 2025, "component": "TOTAL", "value_pct": 60.0, "province": "Tỉnh Hai"})
    rows.append({"unit": "Xã A", "year": 2024, "component": "TOTAL", "value_pct": 93.0})
    rows.append({"unit": "Xã D", "year": 2024, "component": "TOTAL", "value_pct": 70.0})
    return tidy(rows)


def test_groups_come_from_the_data_and_never_mix_provinces_or_blocks(province_table):
    keys = peers.group_keys(province_table, 2025)
    assert keys.to_dict("records") == [
        {"level": "commune", "province": "Tỉnh Hai", "group": None, "units": 1},
        {"level": "commune", "province": "Tỉnh Một", "group": "phường", "units": 1},
        {"level": "commune", "province": "Tỉnh Một", "group": "xã", "units": 4}]
    assert peers.group_of(province_table, "Xã B", "commune", 2025) == peers.GroupKey("commune", "Tỉnh Một", "xã")
    group = peers.build_group(province_table, "commune", 2025, province="Tỉnh Một", group="xã")
    assert sorted(group.units) == ["Xã A", "Xã B", "Xã C", "Xã D"]
    assert group.coverage == (4, 68)


def test_league_table_matches_the_hand_ranking_with_ties(province_table):
    group = peers.build_group(province_table, "commune", 2025, province="Tỉnh Một", group="xã")
    league = peers.league_table(group)
    assert list(league.index) == ["Xã A", "Xã B", "Xã C", "Xã D"]
    assert league["rank"].tolist() == [1, 2, 2, 4]  # the published ranks: ties share the best rank
    assert league["rank_of"].tolist() == [68] * 4 and set(league["rank_source"]) == {"published"}
    assert league["change_pp"].round(2).tolist()[0] == -2.0 and league["change_pp"].round(2).tolist()[3] == 2.25
    assert league["change_pp"].isna().tolist() == [False, True, True, False]
    assert league["band"].tolist() == [None] * 4  # no commune scheme publishes bands: none is invented
    assert league["meets"].tolist() == [True, True, True, False]


def test_computed_ranks_share_the_best_rank_among_the_units_held():
    totals = pd.Series([80.0, 95.0, 80.004, 70.0, 95.0], index=list("abcde"))
    assert peers.competition_rank(totals).tolist() == [3, 1, 3, 5, 1]
    group = peers.PeerGroup.from_values(pd.DataFrame({"C1": totals}), pd.Series({"C1": 1.0}))
    league = peers.league_table(group)
    assert list(league.index) == ["b", "e", "a", "c", "d"] and league["rank"].tolist() == [1, 1, 3, 3, 5]
    assert league["rank_of"].tolist() == [5] * 5 and set(league["rank_source"]) == {"held"}


# -- bands ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "band"), [(100.0, "A"), (90.0, "A"), (89.99, "B"), (80.0, "B"), (79.99, "C"),
                                             (70.0, "C"), (69.99, None), (0.0, None)])
def test_bands_follow_their_thresholds(total, band):
    assert BANDS.classify(pd.Series([total])).tolist() == [band]


def test_the_ministrys_groups_are_scheme_data_with_their_source(scores):
    for year, codes in ((2018, ["A", "B", "C", "D"]), (2022, ["A", "B", "C"]), (2023, ["A", "B", "C"]),
                        (2024, ["A", "B"])):
        bands = bands_for("province", year)
        assert [b.code for b in bands.classes] == codes and bands.source.startswith(("PAR", "Quyết"))
    assert bands_for("province", 2019) is None  # not published: not assumed from 2018
    # 2024: A ≥ 90, B 80–90 (Decision 268/QĐ-BNV); Hải Phòng 96,17 is group A.
    group = peers.build_group(scores, "province", 2024)
    assert peers.league_table(group).loc["Hải Phòng", "band"] == "A"
    league = peers.league_table(peers.build_group(scores, "province", 2023))
    assert league.loc["An Giang", "band"] == "B" and league.loc["Quảng Ninh", "band"] == "A"


def test_a_band_file_with_faults_is_refused_with_each_fault(tmp_path):
    spec = {"name": "bad", "level": "commune", "years": 2025, "max_points": {"C1": 10},
            "bands": {"classes": [{"code": "T", "vi": "Tốt", "en": "Good", "from": 85},
                                  {"code": "K", "vi": "Khá", "en": "Fair", "from": 70, "to": 90},
                                  {"code": "Y", "vi": "Yếu", "en": "Weak", "from": "sáu mươi"}]}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    text = str(err.value)
    assert "bands has no source" in text and 'from = "sáu mươi"' in text and "K and T overlap" in text
    bands, problems = parse_bands({"source": "x", "years": 2025, "classes": [
        {"code": "T", "vi": "Tốt", "en": "Good", "from": 90}, {"code": "K", "vi": "Khá", "en": "Fair", "from": 80,
                                                                "to": 90}]}, "f.yaml")
    assert problems == [] and bands[0].years == (2025,) and bands[0].lowest == 80
    _, problems = parse_bands({"source": "x", "classes": [{"code": "T", "vi": "Tốt", "en": "Good", "from": 90}],
                               "below": "no band under 90%"}, "f.yaml")
    assert [str(p) for p in problems] == ['bands: below is "no band under 90%" (expected {vi: …, en: …}, the same '
                                          'note in both languages)']


def test_the_note_under_the_lowest_band_is_said_in_the_pages_language():
    bands = bands_for("province", 2024)
    assert bands.below("vi").startswith("không có nhóm nào dưới 80%") and bands.below("en").startswith("no group")


# -- distributions and losses -----------------------------------------------------------------------------------

@pytest.fixture
def points_group() -> peers.PeerGroup:
    """Three communes scored in points against maxima 20 / 30 / 50 (weights 0,2 / 0,3 / 0,5)."""
    rows = []
    for unit, pts in (("Xã A", (18, 27, 40)), ("Xã B", (10, 30, 35)), ("Xã C", (20, 15, 45))):
        for code, p, m in zip(("C1", "C2", "C3"), pts, (20, 30, 50), strict=True):
            rows.append({"unit": unit, "year": 2025, "component": code, "value_pct": 100 * p / m, "points": p,
                         "max_points": m, "lead_units": f"Công chức {code} {unit}" if unit == "Xã B" else None})
    return peers.build_group(tidy(rows), "commune", 2025)


def test_points_in_the_data_total_the_group(points_group):
    assert points_group.can_total and points_group.total.round(6).to_dict() == {"Xã A": 85.0, "Xã B": 75.0,
                                                                               "Xã C": 80.0}


def test_distribution_by_hand(points_group):
    table = peers.distribution(points_group)
    assert table.loc["TOTAL", ["units", "mean", "median", "min", "max"]].tolist() == [3, 80.0, 80.0, 75.0, 85.0]
    assert table.loc["TOTAL", "q1"] == pytest.approx(77.5) and table.loc["TOTAL", "q3"] == pytest.approx(82.5)
    assert table.loc["C1", "mean"] == pytest.approx((90 + 50 + 100) / 3)
    assert table["reference"].isna().all()


def test_losses_by_hand(points_group):
    table = peers.losses(points_group)
    # Points lost: C1 2+10+0 = 12, C2 3+0+15 = 18, C3 10+15+5 = 30 → C3, C2, C1.
    assert list(table.index) == ["C3", "C2", "C1"]
    assert table["points_lost"].tolist() == [30.0, 18.0, 12.0]
    assert table["pp_lost"].round(6).tolist() == [30.0, 18.0, 12.0]  # maxima sum to 100: points are pp
    # Below 80%: C1 Xã B (50); C2 Xã C (50); C3 Xã B (70) → one each; at 85%: C3 A (80) and B (70).
    assert table["units_below"].tolist() == [1, 1, 1]
    assert peers.losses(points_group, threshold=85).loc["C3", "units_below"] == 2


def test_losses_need_components(province_table):
    group = peers.build_group(province_table, "commune", 2025, province="Tỉnh Một", group="xã")
    with pytest.raises(MethodError, match="totals only"):
        peers.losses(group)


def test_criteria_losses_by_hand(points_group):
    """Three communes of the points group scored by criteria: points lost summed per criterion (a penalty's points
    are the points deducted; a bonus not earned is no loss), units short of the maximum, units under 80% of it;
    another tree's criterion of the same code, and a unit outside the group, are never added in."""
    def row(unit, code, component, max_points, points, scheme="tree-a"):
        return {"unit": unit, "level": "commune", "year": 2025, "period": "FY", "criterion": code, "leaf": True,
                "scheme": scheme, "component": component, "area": code.split(".")[0], "name_vi": f"Tiêu chí {code}",
                "name_en": f"Criterion {code}", "max_points": max_points, "points": points}
    table = pd.DataFrame([
        row("Xã A", "1.1", "C1", 4.0, 4.0), row("Xã B", "1.1", "C1", 4.0, 3.0), row("Xã C", "1.1", "C1", 4.0, 1.0),
        row("Xã A", "2.1", "C2", 10.0, 7.0), row("Xã B", "2.1", "C2", 10.0, 9.0), row("Xã C", "2.1", "C2", 10.0, 8.0),
        row("Xã A", "9.1", "PENALTY", 3.0, 1.0), row("Xã B", "9.1", "PENALTY", 3.0, 0.0),
        row("Xã A", "8.1", "BONUS", 2.0, 0.0), row("Xã C", "1.1", "C1", 4.0, 0.0, scheme="tree-b"),
        row("Xã Khác", "1.1", "C1", 4.0, 0.0)])
    out = peers.criteria_losses(points_group, table)
    assert list(out.index) == [("tree-a", "2.1"), ("tree-a", "1.1"), ("tree-b", "1.1"), ("tree-a", "9.1")]
    assert out.loc[("tree-a", "2.1"), ["points_lost", "max_points", "units_losing", "units_below", "units"]].tolist() \
        == [6.0, 30.0, 3, 1, 3]  # 3 + 1 + 2 lost; only Xã A's 7/10 is under 80%
    assert out.loc[("tree-a", "1.1"), ["points_lost", "units_losing", "units_below"]].tolist() == [4.0, 2, 2]
    # The penalty: Xã A had 1 of 3 deducted (keeps 2/3, under 80%), Xã B none.
    penalty = out.loc[("tree-a", "9.1"), ["points_lost", "units_losing", "units_below", "units"]]
    assert penalty.tolist() == [1.0, 1, 1, 2]
    assert ("tree-a", "8.1") not in out.index
    assert peers.criteria_losses(points_group, table, threshold=70.0).loc[("tree-a", "2.1"), "units_below"] == 0
    assert peers.criteria_losses(points_group, table.iloc[0:0]).empty

def test_below_target_and_movers(province_table):
    group = peers.build_group(province_table, "commune", 2025, province="Tỉnh Một", group="xã")
    short = peers.below_target(group)
    assert list(short.index) == ["Xã D"] and short.loc["Xã D", "gap"] == pytest.approx(7.75)
    up, down = peers.movers(group)
    assert list(up.index) == ["Xã D"] and list(down.index) == ["Xã A"]


# -- the group lift ---------------------------------------------------------------------------------------------

def test_group_lift_names_units_components_and_owners(points_group):
    res = peers.group_lift(points_group)
    assert res.feasible and res.units_before == 2 and res.units_after == 3
    assert set(res.changes["unit"]) == {"Xã B"}
    owners = dict(zip(res.changes["component"], res.changes["lead_units"], strict=True))
    assert all(owners[c] == f"Công chức {c} Xã B" for c in owners)
    assert res.units.loc["Xã B", "total_after"] == pytest.approx(80.0)
    out = res.to_dict()
    assert out["feasible"] is True and out["changes"] and "total_cost_reason" not in out


def test_unreachable_goal_is_an_answer_not_a_crash(points_group):
    assert peers.group_lift(points_group, ceilings={"C1": 50, "C2": 60, "C3": 70}).feasible  # all that can: 2
    res = peers.group_lift(points_group, n_units=3, ceilings={"C1": 50, "C2": 60, "C3": 70})
    assert not res.feasible and res.total_cost is None and res.cost_reason == peers.UNREACHABLE_UNITS
    assert res.changes.empty and res.max_reachable == 2.0  # Xã A and Xã C already meet it; Xã B cannot
    out = res.to_dict()
    assert out["total_cost"] is None and out["total_cost_reason"]
    mean = peers.group_lift(points_group, goal="mean", mean_target=99.0, ceilings={"C1": 100, "C2": 100, "C3": 95})
    assert not mean.feasible and mean.total_cost is None and mean.max_reachable == pytest.approx(97.5)


def _unit_gap_cost(s, u, w, need) -> float:
    """The unit lift's own gap solver (root-finding), as the reference."""
    idx = [f"c{j}" for j in range(len(s))]
    _, cost, feasible, _ = unit_lift._solve_gap(pd.Series(s, index=idx), pd.Series(u, index=idx),
                                                pd.Series(w, index=idx), need)
    return cost if feasible else math.inf


values_strategy = st.lists(st.lists(st.floats(40, 100).map(lambda v: round(v, 2)), min_size=3, max_size=3),
                           min_size=1, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=values_strategy, raw_w=st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
       target=st.floats(70, 95), n_units=st.integers(0, 5), ceiling=st.floats(85, 100))
def test_gap_group_lift_is_optimal_against_exhaustive_search(values, raw_w, target, n_units, ceiling):
    w = np.array(raw_w) / sum(raw_w)
    frame = pd.DataFrame(values, columns=["C1", "C2", "C3"], index=[f"u{i}" for i in range(len(values))])
    group = peers.PeerGroup.from_values(frame, pd.Series(w, index=frame.columns), target=round(target, 2))
    n_units = min(n_units, len(values))
    ceilings = {"C1": ceiling, "C2": 100.0, "C3": 100.0}
    res = peers.group_lift(group, n_units=n_units, ceilings=ceilings)
    u = np.maximum(np.array([ceiling, 100.0, 100.0]), frame.to_numpy())
    totals = frame.to_numpy() @ w
    required = round(target, 2)
    costs = [0.0 if t >= required - 1e-9 else _unit_gap_cost(frame.iloc[i].to_numpy(), u[i], w, required)
             for i, t in enumerate(totals)]
    best = math.inf
    for size in range(len(values) + 1):
        for subset in itertools.combinations(range(len(values)), size):
            met = sum(1 for i in range(len(values)) if costs[i] == 0.0 or i in subset)
            cost = sum(costs[i] for i in subset)
            if met >= n_units and cost < best:
                best = cost
    if math.isinf(best):
        assert not res.feasible and res.total_cost is None
    else:
        assert res.feasible and res.total_cost == pytest.approx(best, rel=1e-7, abs=1e-7)
        assert res.units_after >= n_units
        changed = res.units.loc[res.units["cost"] > 0]
        assert (changed["total_after"] >= required - 1e-6).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=values_strategy, raw_w=st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
       mean_target=st.floats(60, 99))
def test_gap_mean_lift_equals_the_unit_solver_on_all_components_at_once(values, raw_w, mean_target):
    w = np.array(raw_w) / sum(raw_w)
    frame = pd.DataFrame(values, columns=["C1", "C2", "C3"], index=[f"u{i}" for i in range(len(values))])
    group = peers.PeerGroup.from_values(frame, pd.Series(w, index=frame.columns))
    res = peers.group_lift(group, goal="mean", mean_target=mean_target)
    n = len(values)
    s = frame.to_numpy().ravel()
    flat_w = np.tile(w, n) / n
    need = mean_target
    reference = _unit_gap_cost(s, np.full_like(s, 100.0), flat_w, need)
    if math.isinf(reference):
        assert not res.feasible
    else:
        assert res.feasible and res.total_cost == pytest.approx(reference, rel=1e-7, abs=1e-7)
        assert res.total_after >= mean_target - 1e-6 or res.total_cost == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.lists(st.floats(50, 95).map(lambda v: round(v, 1)), min_size=2, max_size=2), min_size=1,
                       max_size=3),
       gains=st.lists(st.tuples(st.integers(0, 1), st.floats(1, 15).map(lambda v: round(v, 1)),
                                st.integers(1, 20)), min_size=1, max_size=3),
       n_units=st.integers(0, 3), goal=st.sampled_from(["units", "mean"]), mean_target=st.floats(60, 95))
def test_actions_group_lift_is_optimal_against_exhaustive_search(values, gains, n_units, goal, mean_target):
    frame = pd.DataFrame(values, columns=["C1", "C2"], index=[f"u{i}" for i in range(len(values))])
    w = pd.Series({"C1": 0.5, "C2": 0.5})
    group = peers.PeerGroup.from_values(frame, w)
    catalogue = pd.DataFrame([{"action": f"a{k}", "component": f"C{c + 1}", "gain": g, "cost": cost,
                               "lead_units": f"Office {k}"} for k, (c, g, cost) in enumerate(gains)])
    n_units = min(n_units, len(values))
    res = peers.group_lift(group, "actions", goal=goal, n_units=n_units, mean_target=mean_target,
                           actions=catalogue)
    # Exhaustive: every subset of every unit's copy of every action.
    copies = [(i, row) for i in range(len(values)) for row in catalogue.itertuples()]
    s = frame.to_numpy()
    best = math.inf
    for mask in itertools.product([0, 1], repeat=len(copies)):
        x = s.copy()
        cost = 0
        for take, (i, row) in zip(mask, copies, strict=True):
            if take:
                j = int(row.component[1]) - 1
                x[i, j] += row.gain
                cost += row.cost
        x = np.minimum(x, 100.0)
        totals = x @ w.to_numpy()
        ok = (totals >= 80 - 1e-9).sum() >= n_units if goal == "units" else totals.mean() >= mean_target - 1e-9
        if ok:
            best = min(best, cost)
    if math.isinf(best):
        assert not res.feasible and res.total_cost is None
    else:
        assert res.feasible and res.total_cost == pytest.approx(best)


@settings(max_examples=40, deadline=None)
@given(values=values_strategy, prices=st.lists(st.floats(0.5, 5), min_size=3, max_size=3),
       goal=st.sampled_from(["units", "mean"]), mean_target=st.floats(60, 99))
def test_linear_group_lift_is_optimal_against_linear_programmes(values, prices, goal, mean_target):
    frame = pd.DataFrame(values, columns=["C1", "C2", "C3"], index=[f"u{i}" for i in range(len(values))])
    w = pd.Series({"C1": 0.2, "C2": 0.3, "C3": 0.5})
    group = peers.PeerGroup.from_values(frame, w)
    costs = dict(zip(frame.columns, prices, strict=True))
    res = peers.group_lift(group, "linear", goal=goal, mean_target=mean_target, costs=costs)
    c = pd.Series(costs)
    if goal == "units":
        reference = 0.0
        for _, row in frame.iterrows():
            x, cost, feasible, _ = unit_lift._solve_linear(row, pd.Series(100.0, index=row.index), w, c, 80.0)
            reference += cost
        assert res.feasible and res.total_cost == pytest.approx(reference, rel=1e-7, abs=1e-7)
    else:
        n = len(frame)
        flat = pd.Series(frame.to_numpy().ravel())
        x, cost, feasible, _ = unit_lift._solve_linear(flat, pd.Series(100.0, index=flat.index),
                                                       pd.Series(np.tile(w.to_numpy(), n) / n),
                                                       pd.Series(np.tile(c.to_numpy(), n)), mean_target)
        assert res.feasible == feasible
        if feasible:
            assert res.total_cost == pytest.approx(cost, rel=1e-7, abs=1e-7)


def test_water_fill_equals_the_unit_solver(idx):
    """The closed form gives Tam Đường's own lift (the unit solver's root-finding) to machine precision."""
    reference = unit_lift.lift(idx)
    w = idx.weights.to_numpy()
    s = idx.values.loc[idx.components].to_numpy()
    need = idx.required_total - (idx.total - float(w @ s)) - float(w @ s)
    x, cost = peers.solvers._unit_plans_gap(s[None, :], np.full((1, len(s)), 100.0), w[None, :], np.array([need]))
    assert cost[0] == pytest.approx(reference.total_cost, rel=1e-9)
    moved = pd.Series(x[0], index=idx.components)[reference.changes.index]
    assert np.allclose(moved.to_numpy(), reference.changes["to_pct"].to_numpy(), atol=1e-7)


# -- the shipped 2025 results -----------------------------------------------------------------------------------

def test_the_shipped_2025_results_are_peer_groups_of_real_units(scores):
    keys = peers.group_keys(scores, 2025)
    assert {(k.level, k.province, k.group) for k in keys.itertuples()} == {
        ("commune", "Hải Phòng", "Phường"), ("commune", "Hải Phòng", "Xã, đặc khu"),
        ("commune", "Tuyên Quang", "Xã, phường"), ("department", "Hải Phòng", "Sở, ban, ngành"),
        ("department", "Tuyên Quang", "Sở, ban, ngành")}
    communes = peers.build_group(scores, "commune", 2025, province="Hải Phòng", group="Xã, đặc khu")
    assert communes.coverage == (4, 68)  # "4 of 68 units published"; Khúc Thừa Dụ has a satisfaction figure only
    league = peers.league_table(communes)
    assert list(league.index) == ["Đặc khu Cát Hải", "Quyết Thắng", "An Lão", "Vĩnh Am"]
    assert league["rank"].tolist() == [1, 2, 3, 68] and league["total"].tolist() == [94.15, 93.4, 92.94, 73.37]
    short = peers.below_target(communes)
    assert list(short.index) == ["Vĩnh Am"] and short.loc["Vĩnh Am", "gap"] == pytest.approx(6.63)
    wards = peers.league_table(peers.build_group(scores, "commune", 2025, province="Hải Phòng", group="Phường"))
    assert wards.loc["Bắc An Phụ", ["rank", "rank_of"]].tolist() == [45, 45]
    departments = peers.build_group(scores, "department", 2025, province="Hải Phòng", group="Sở, ban, ngành")
    assert departments.coverage == (6, 14) and "Sở Tài chính" in departments.units
    assert not communes.can_total and communes.bands is None
    with pytest.raises(MethodError, match="cannot be totalled"):
        peers.group_lift(communes)


def test_a_manifest_can_say_the_province_of_a_whole_file(tmp_path):
    (tmp_path / "xa.csv").write_text("Đơn vị;Cấp;Năm;Chỉ số CCHC\nXã A;Xã;2025;81,5\nXã B;Xã;2025;79\n",
                                     encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text("files:\n  xa.csv:\n    province: Lai Châu\n", encoding="utf-8")
    table = standardise(None, tmp_path).scores
    assert set(table["province"]) == {"Lai Châu"}
    assert peers.group_of(table, "Xã A", "commune", 2025) == peers.GroupKey("commune", "Lai Châu", None)
