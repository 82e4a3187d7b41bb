"""Trends, weighting and lift: hand-computed cases, invariants and the plan's own data."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex_lib.analyses import lift as L
from parindex_lib.analyses import trends as T
from parindex_lib.analyses import weighting as W
from parindex_lib.cli import main
from parindex_lib.config import PROJECT_ROOT
from parindex_lib.model.index import PARIndex
from parindex_lib.model.schemes import Scheme
from parindex_lib.standardise import write_processed

# -- a tiny hand-made index: three components, equal weights -------------------------------------


def small(values, target=80.0, bound=">="):
    scheme = Scheme("equal-3", {"C1": 1.0, "C2": 1.0, "C3": 1.0})
    return PARIndex("Test", 2023, "FY", scheme, pd.Series(values, index=["C1", "C2", "C3"], dtype=float),
                    target=target, bound=bound, lead_units=pd.Series({"C1": "A", "C2": "B", "C3": "C"}))


def test_gap_model_hand_computed():
    # s = (40, 90, 80), u = 100, target 80 → Σx = 240. KKT: every component that moves ends with the
    # same remaining gap g. C1 alone: x1 = 70 → gap 30 > C3's 20, so C1 and C3 move: (100-g)+90+(100-g)=240
    # → g = 25: C1 → 75, C3 → 80 (stays: its gap 20 < 25). So only C1 moves, to 70? Check: 70+90+80 = 240.
    res = L.lift(small([40, 90, 80]))
    assert res.feasible and res.total_after == pytest.approx(80.0)
    assert res.changes.index.tolist() == ["C1"] and res.changes.loc["C1", "to_pct"] == pytest.approx(70.0)
    assert res.total_cost == pytest.approx(np.log(60 / 30))
    # Twice as far to go: C1 and C3 both move to the same remaining gap g: (100-g)+90+(100-g) = 255 → g=17.5.
    res = L.lift(small([40, 90, 80], target=85.0))
    assert res.changes.loc["C1", "to_pct"] == pytest.approx(82.5)
    assert res.changes.loc["C3", "to_pct"] == pytest.approx(82.5)


def test_strict_bound_needs_one_published_step():
    res = L.lift(small([40, 90, 80], bound=">"))
    assert res.total_after == pytest.approx(80.01)


def test_unreachable_target_is_an_answer():
    res = L.lift(small([40, 90, 80]), ceilings={"C1": 50, "C2": 90, "C3": 85})
    assert not res.feasible and res.max_reachable == pytest.approx((50 + 90 + 85) / 3)
    assert L.lift(small([40, 90, 80]), "linear", costs={"C1": 1, "C2": 1, "C3": 1},
                  ceilings={"C1": 50}).feasible  # 50+100+100 reaches 80


@pytest.mark.parametrize("model, extra", [
    ("gap", {}),
    ("linear", {"costs": {"C1": 1.0, "C2": 1.0, "C3": 1.0}}),
    ("actions", {"actions": pd.DataFrame({"action": ["a"], "component": ["C1"], "gain": [5.0], "cost": [2.0]})}),
])
def test_an_unreachable_target_has_no_cost_in_every_solver(model, extra):
    res = L.lift(small([40, 90, 80]), model, ceilings={"C1": 50, "C2": 90, "C3": 85}, **extra)
    assert not res.feasible and res.total_cost is None and res.cost_reason
    assert res.changes.empty and res.max_reachable < 80
    out = res.to_dict()
    assert out["total_cost"] is None and out["total_cost_reason"] == res.cost_reason


def test_linear_model_takes_the_cheapest_point_first():
    # Need +30 points of sum; C3 costs 1/pp with 20 of headroom, C1 costs 2/pp: C3 → 100, then C1 +10.
    res = L.lift(small([40, 90, 80]), "linear", costs={"C1": 2.0, "C2": 5.0, "C3": 1.0})
    assert res.changes.loc["C3", "to_pct"] == pytest.approx(100)
    assert res.changes.loc["C1", "to_pct"] == pytest.approx(50)
    assert res.total_cost == pytest.approx(20 * 1 + 10 * 2)


def test_actions_model_is_the_exact_optimum():
    actions = pd.DataFrame({"action": list("abcdef"), "component": ["C1", "C1", "C3", "C3", "C2", "C1"],
                            "gain": [10, 20, 15, 5, 10, 30], "cost": [3, 5, 4, 1, 2, 9],
                            "lead_units": None, "deadline": None})
    index = small([40, 90, 80])
    res = L.lift(index, "actions", actions=actions)
    # Brute force over all subsets: the cheapest reaching Σ ≥ 240 with gains capped at 100.
    best = np.inf
    for r in range(len(actions) + 1):
        for subset in itertools.combinations(range(len(actions)), r):
            x = index.values.copy()
            for j in subset:
                x[actions.component[j]] += actions.gain[j]
            if np.minimum(x, 100).mean() >= 80 - 1e-9:
                best = min(best, actions.cost[list(subset)].sum())
    assert res.feasible and res.total_cost == pytest.approx(best)
    assert res.total_after >= 80 - 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 99), min_size=3, max_size=3), st.floats(50, 95), st.integers(0, 10_000))
def test_gap_optimum_meets_target_and_beats_random_alternatives(values, target, seed):
    index = small(values, target=target)
    res = L.lift(index)
    s = np.array(values)
    x = s.copy()
    for c, r in res.changes.iterrows():
        x[["C1", "C2", "C3"].index(c)] = r.to_pct
    assert np.all(x >= s - 1e-9) and np.all(x < 100 + 1e-9)
    if not res.feasible:
        return
    assert x.mean() >= target - 1e-6
    rng = np.random.default_rng(seed)
    need = 3 * target - s.sum()
    if need <= 0:
        assert res.total_cost == 0
        return
    for _ in range(50):  # random feasible alternatives: spread the needed rise at random within headroom
        share = rng.dirichlet(np.ones(3))
        alt = np.minimum(s + share * need, 99.999)
        if alt.sum() < 3 * target - 1e-9:
            continue
        cost = np.sum(np.log((100 - s) / (100 - alt)))
        assert res.total_cost <= cost + 1e-7


def test_plan_targets_on_the_seed(idx):
    plan = L.plan_targets(idx)
    assert plan.total_at_targets == pytest.approx(737 / 9)  # ≈ 81,89%
    assert round(plan.total_at_targets, 2) == 81.89
    assert plan.table.index[plan.table["breaks_goal"]].tolist() == ["C8"]  # 717/9 = 79,67 < 80
    assert plan.table.loc["C6", "total_if_missed"] == pytest.approx(723.3 / 9)


def test_lift_on_the_seed_names_owners(idx):
    res = L.lift(idx)
    assert res.changes.index.tolist() == ["C6", "C8"]
    # Equal weights: both end at the same remaining gap g with (100-g)-36,3 + (100-g)-50 = 9·(80-76,1756).
    g = (200 - 36.3 - 50 - (720 - 685.58)) / 2
    assert res.changes.loc["C6", "to_pct"] == pytest.approx(100 - g)
    assert res.changes.loc["C6", "lead_units"] == "Phòng Tài chính"
    single = L.single_component(idx)
    assert single.loc["C6", "needed"] == pytest.approx(36.3 + (720 - 685.58))
    assert not single.loc["C5", "feasible"]


def test_contributions_sum_to_the_total(idx):
    table = W.contributions(idx)
    assert table["contribution"].sum() == pytest.approx(idx.total)
    assert table["points_lost"].sum() == pytest.approx(100 - idx.total)
    assert table["points_lost"].idxmax() == "C6" and table["marginal"].eq(1 / 9).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=3, max_size=3), st.lists(st.floats(0.1, 10), min_size=3, max_size=3))
def test_contributions_invariant(values, points):
    index = small(values)
    index = index.with_scheme(Scheme("w", dict(zip(["C1", "C2", "C3"], points, strict=True))))
    assert W.contributions(index)["contribution"].sum() == pytest.approx(index.total)


def test_scheme_consistency_ranks_equal_9_first(idx):
    table = W.scheme_consistency(idx)
    assert table.iloc[0]["scheme"] == "equal-9" and table.iloc[0]["consistent"]
    row = table.set_index("scheme").loc["equal-8"]
    assert not row["consistent"] and row["recomputed"] == pytest.approx(611.18 / 8)
    assert set(table["scheme"]) == {"equal-9", "equal-8", "ha-tinh-district-2019"}  # district schemes only
    asked = W.scheme_consistency(idx, ["provincial-2024"]).iloc[0]
    assert "incomplete" in str(asked["note"])


def test_weight_inference_recovers_known_weights_and_says_when_it_cannot():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.uniform(30, 100, size=(12, 4)), columns=["C1", "C2", "C3", "C4"])
    w = np.array([0.4, 0.3, 0.2, 0.1])
    inf = W.infer_weights(X, pd.Series(X.to_numpy() @ w))
    assert inf.identifiable and np.allclose(inf.weights, w, atol=1e-5) and inf.rmse < 1e-4
    one = W.infer_weights(X.iloc[:1], pd.Series(X.iloc[:1].to_numpy() @ w))
    assert not one.identifiable and "cannot identify" in one.message


def test_identical_components_have_zero_weight_sensitivity():
    index = small([70, 70, 70])
    sens = W.weight_sensitivity(index, draws=2000)
    assert np.allclose(sens.totals, 70.0)  # known answer: weights cannot matter


def test_sensitivity_and_rank_intervals(idx):
    sens = W.weight_sensitivity(idx, draws=20_000, seed=3)
    assert sens.quantiles["q025"] < idx.total < sens.quantiles["q975"]
    peers = pd.DataFrame([idx.values.loc[idx.components] + 10, idx.values.loc[idx.components] - 10],
                         index=["Better", "Worse"])
    sens = W.weight_sensitivity(idx, draws=5000, peers=peers)
    assert sens.rank_intervals.loc["Better", "rank_high"] == 1
    assert sens.rank_intervals.loc["Tam Đường", "rank_median"] == 2


def test_theil_sen_projection_is_robust():
    proj = T.project_year_end(pd.Series({"Q1": 50.0, "Q2": 90.0, "Q3": 54.0}))
    # Slope: median of (40, −36, 2) = 2; intercept: median(y) − 2·median(x) = 54 − 4 = 50; Q4: 58.
    assert proj.method == "theil_sen" and proj.value == pytest.approx(58.0)
    assert T.project_year_end(pd.Series({"Q1": 98.0, "Q2": 99.5, "Q3": 100.0})).value <= 100
    assert T.project_year_end(pd.Series({"Q2": 61.0})).method == "carried"


def test_status_on_the_illustrative_quarters(scores):
    q3 = PARIndex.from_scores(scores, "Tam Đường", 2024, "Q3")
    status = T.target_status(q3, scores)
    assert status.loc["C2", "status"] == "met"          # 100 ≥ 100
    assert status.loc["C7", "status"] == "met"          # 90,4 > 90
    assert status.loc["C5", "status"] == "on_track"     # 69,5 → 71,2 → 73,9: projected 75,7 > 75
    assert status.loc["C6", "status"] == "off_track"    # projected 47,5, target above 50
    assert status.loc["SIPAS", "status"] == "at_risk"   # projected 79,75, needs 80,01
    assert status.loc["C1", "status"] == "on_track"     # slope 1,4, intercept 70,6: projected 76,2


def test_status_in_the_plan_case_shows_required_change(idx, scores):
    status = T.target_status(idx, scores)
    assert status.loc["C3", "status"] == "met" and status.loc["C3", "required_change"] == 0
    assert status.loc["C6", "status"] == "needs_change"
    assert status.loc["C6", "required_change"] == pytest.approx(50.01 - 36.3)  # "Trên 50%"
    assert status.loc["C2", "required_change"] == 0


def test_changes_between_periods(scores, idx):
    table = T.changes(scores, "Tam Đường", idx.weights).set_index(["year", "period", "component"])
    assert table.loc[(2024, "Q1", "C1"), "change_pp"] == pytest.approx(71.8 - 70.52)
    assert table.loc[(2024, "Q2", "C6"), "change_pp"] == pytest.approx(3.5)
    assert np.isnan(table.loc[(2023, "FY", "C1"), "change_pp"])


def test_cli_lift_json(capsys, tmp_path, shipped):
    write_processed(shipped, tmp_path)
    args = ["lift", "--unit", "Tam Đường", "--year", "2023", "--scores", str(tmp_path / "scores.csv")]
    assert main([*args, "--format", "json", "--bound", "gt"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["feasible"] and out["bound"] == "gt" and out["total_after"] == pytest.approx(80.01)
    assert [c["component"] for c in out["changes"]] == ["C6", "C8"]
    assert out["changes"][0]["lead_units"] == "Phòng Tài chính"
    assert {"unit", "year", "period", "scheme", "cost_model", "target", "total_before", "max_reachable"} <= set(out)
    (tmp_path / "ceil.csv").write_text("component,ceiling\nC6,40\nC8,52\nC1,71\nC5,69\nSIPAS,75\nC7,87\n")
    assert main([*args, "--ceilings", str(tmp_path / "ceil.csv"), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["feasible"] is False and out["max_reachable"] < 80
    assert main([*args, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Public finance reform" in text and "76.17%" in text and "Phòng Tài chính" in text


def test_gap_optimum_satisfies_the_optimality_conditions():
    """Unequal weights: every moved component ends with the same w·(u − x); unmoved ones are below it."""
    scheme = Scheme("w", {"C1": 3.0, "C2": 1.0, "C3": 1.0})
    index = PARIndex("Test", 2023, "FY", scheme, pd.Series({"C1": 50.0, "C2": 60.0, "C3": 95.0}), target=75.0,
                     lead_units=pd.Series({"C1": "A", "C2": "B", "C3": "C"}))
    res = L.lift(index, ceilings={"C2": 90})
    w = index.weights
    u = pd.Series({"C1": 100.0, "C2": 90.0, "C3": 100.0})
    x = index.values.copy()
    x.update(res.changes["to_pct"])
    assert float(np.dot(w, x)) == pytest.approx(75.0)
    multiplier = w * (u - x)  # = 1/λ for every component that moved (KKT stationarity)
    moved = res.changes.index
    assert np.allclose(multiplier[moved], multiplier[moved].iloc[0])
    for c in set(index.components) - set(moved):  # not worth moving: its first point costs more
        assert w[c] * (u[c] - index.values[c]) <= multiplier[moved].iloc[0] + 1e-9


def test_linear_optimum_matches_a_second_method():
    """One constraint: the LP optimum is the fractional knapsack (cheapest cost per point of total first)."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        values = rng.uniform(20, 95, 3)
        costs = dict(zip(["C1", "C2", "C3"], rng.uniform(0.5, 5, 3), strict=True))
        index = small(values, target=float(rng.uniform(60, 95)))
        res = L.lift(index, "linear", costs=costs)
        need = 3 * index.required_total - values.sum()
        greedy = 0.0
        for c in sorted(costs, key=costs.get):
            step = min(max(need, 0), 100 - index.values[c])
            greedy += step * costs[c]
            need -= step
        if need > 1e-9:
            assert not res.feasible
        else:
            assert res.feasible and res.total_cost == pytest.approx(greedy, rel=1e-7, abs=1e-7)


def test_peer_ceilings():
    scores = pd.DataFrame({"unit": ["A", "B", "A", "Test"], "level": "district", "year": 2023, "period": "FY",
                           "component": ["C1", "C1", "C2", "C3"], "kind": "actual",
                           "value_pct": [70.0, 88.0, 90.0, 60.0]})
    index = small([70, 90, 60])  # unit "Test": its own C3 is not a peer's; no peer reported C3 → 100
    ceilings = L.peer_ceilings(scores.assign(level=""), index)
    assert ceilings.to_dict() == {"C1": 88.0, "C2": 90.0, "C3": 100.0}


def test_cli_lift_with_the_shipped_examples(capsys, tmp_path, shipped):
    write_processed(shipped, tmp_path)
    examples = PROJECT_ROOT / "examples"
    base = ["lift", "--unit", "Tam Đường", "--year", "2023", "--scores", str(tmp_path / "scores.csv"),
            "--format", "json"]
    assert main([*base, "--cost-model", "actions", "--actions", str(examples / "actions.csv")]) == 0
    out = json.loads(capsys.readouterr().out)
    # Hand-checked: all seven actions give 40 points of sum (need 9·(80 − 76,1756) = 34,42); dropping one
    # action of cost 2 and gain ≥ 5 (or 4) still reaches it, dropping anything more does not: cost 16 − 2 = 14.
    assert out["feasible"] and out["total_cost"] == pytest.approx(14.0) and out["total_after"] >= 80
    assert len(out["actions"]) == 6
    assert main([*base, "--cost-model", "linear", "--costs", str(examples / "costs_per_point.csv")]) == 0
    out = json.loads(capsys.readouterr().out)
    # Cheapest per point: SIPAS (1) to its ceiling 100 (+25,6), then C6 (1,5) for the remaining 8,82.
    assert [c["component"] for c in out["changes"]] == ["SIPAS", "C6"]
    assert out["total_cost"] == pytest.approx(25.6 * 1 + (34.42 - 25.6) * 1.5, abs=1e-6)
    assert main([*base, "--ceilings", str(examples / "ceilings.csv")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["max_reachable"] == pytest.approx((6 * 100 + 70 + 75 + 85) / 9)
    assert all(c["to_pct"] <= {"C6": 70, "C8": 75, "SIPAS": 85}.get(c["component"], 100) for c in out["changes"])


def test_total_status(scores, idx):
    assert T.total_status(idx, scores) == "needs_change"  # 2023 final vs the 2024 goal: no projection
    q3 = PARIndex.from_scores(scores, "Tam Đường", 2024, "Q3")
    assert T.total_status(q3, scores) == "on_track"  # 79,80 now, projected 81,09 at year end
    assert T.projected_total(q3, T.target_status(q3, scores)) == pytest.approx(81.0889, abs=1e-4)
    assert T.total_status(small([90, 90, 90]), None) == "met"


def test_dirichlet_spread_matches_its_documentation(idx):
    rng = np.random.default_rng(0)
    w = W.dirichlet_weights(idx.weights.to_numpy(), 50.0, 200_000, rng)
    assert np.allclose(w.sum(axis=1), 1.0)
    assert w[:, 0].std() == pytest.approx(np.sqrt(50 * 400 / (450**2 * 451)), rel=0.02)
