"""Work done once per run: rank intervals in blocks, shared tables read once, the index from one table."""

from __future__ import annotations

import csv
import os
import time

import numpy as np
import pandas as pd
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex_lib.analyses import weighting
from parindex_lib.analyses.ranking import ranking_table
from parindex_lib.analyses.trends import total_status
from parindex_lib.errors import ParindexError
from parindex_lib.model.index import PARIndex
from parindex_lib.present import pages
from parindex_lib.present.plots import BARS_MAX, plot_index_totals
from parindex_lib.standardise import load_scores, standardise, write_processed

MAXIMA = {"C1": 9, "C2": 7, "C3": 12, "C4": 8, "C5": 12, "C6": 9, "C7": 12, "C8": 13, "SIPAS": 18}


def communes(folder, n: int, seed: int = 1):
    """A made-up province of ``n`` communes scored in points (a tidy CSV written with the csv module)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "illustrative_communes.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["Đơn vị", "Cấp", "Năm", "Kỳ", "Chỉ số thành phần", "Loại", "Giá trị", "Điểm", "Điểm tối đa"])
        for i in range(n):
            for year in (2023, 2024):
                for code, top in MAXIMA.items():
                    points = round(float(rng.uniform(0.4, 1.0)) * top, 2)
                    pct = f"{100 * points / top:.2f}".replace(".", ",") + "%"
                    out.writerow([f"Xã {i + 1:03d}", "xã", year, "FY", code, "actual", pct,
                                  f"{points:.2f}".replace(".", ","), top])
            out.writerow([f"Xã {i + 1:03d}", "xã", 2025, "FY", "TOTAL", "target", "Trên 80%", "", ""])
    return [f"Xã {i + 1:03d}" for i in range(n)]


def full_ranks(values: pd.DataFrame, weights: pd.Series, draws: int, seed: int = 0) -> pd.DataFrame:
    """The straightforward computation: every draw's ranks in memory at once."""
    w = weighting.dirichlet_weights(weights.to_numpy(), 50.0, draws, np.random.default_rng(seed))
    ranks = (-(w @ values.to_numpy().T)).argsort(axis=1).argsort(axis=1) + 1
    return pd.DataFrame({"rank_low": np.quantile(ranks, 0.025, axis=0).round().astype(int),
                         "rank_median": np.median(ranks, axis=0).round().astype(int),
                         "rank_high": np.quantile(ranks, 0.975, axis=0).round().astype(int),
                         "total_at_scheme": values.to_numpy() @ weights.to_numpy()},
                        index=values.index).sort_values("total_at_scheme", ascending=False)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 30), k=st.integers(2, 9), draws=st.integers(1, 400), block=st.integers(1, 500),
       seed=st.integers(0, 10_000))
def test_rank_intervals_in_blocks_equal_the_all_at_once_computation(n, k, draws, block, seed):
    rng = np.random.default_rng(seed)
    values = pd.DataFrame(rng.uniform(40, 99, (n, k)), columns=[f"C{j}" for j in range(k)],
                          index=[f"u{i}" for i in range(n)])
    weights = pd.Series(rng.dirichlet(np.ones(k)), index=values.columns)
    blocked = weighting.rank_intervals(values, weights, draws=draws, block_cells=block, seed=seed)
    pd.testing.assert_frame_equal(blocked, full_ranks(values, weights, draws, seed))


def test_the_weighting_page_takes_the_runs_intervals_and_shows_neighbours_at_scale(tmp_path):
    names = communes(tmp_path / "raw", 40)
    write_processed(standardise(None, tmp_path / "raw"), tmp_path / "p", raw_dir=tmp_path / "raw")
    scores = load_scores(tmp_path / "p" / "scores.csv")
    index = PARIndex.from_scores(scores, names[20], 2024, "FY", level="commune")
    table = weighting.run_rank_intervals(scores, [PARIndex.from_scores(scores, u, 2024, "FY", level="commune")
                                                  for u in names], draws=2000)
    assert table["group"].nunique() == 1 and len(table) == 40  # one peer group: computed once
    # the page finds its group's rows in the run's table instead of computing them
    computed = table.assign(rank_low=0)  # marked, to see that these rows are the ones used
    rows, key = weighting.peer_rank_intervals(scores, index, draws=2000, computed=computed)
    assert key == table["group"].iloc[0] and (rows["rank_low"] == 0).all() and len(rows) == 40
    # a table of another computation is not used
    rows, _ = weighting.peer_rank_intervals(scores, index, draws=2000, computed=computed.assign(group="other"))
    assert (rows["rank_low"] >= 1).all()
    # the page: the unit's interval in a sentence, and its neighbours only (not all 40 communes)
    path = tmp_path / "p" / "peer_ranks.csv"
    weighting.run_rank_intervals(scores, [index]).to_csv(path, index=False)
    ctx = pages.build(scores_path=str(tmp_path / "p" / "scores.csv"), tasks_path=str(tmp_path / "p" / "tasks.csv"),
                      raw_dir=str(tmp_path / "raw"), unit=names[20], year=2024, period="FY", target=80.0, bound="ge",
                      scheme="", lang="vi", level="commune", peers_path=str(path))
    html = BeautifulSoup(pages.sensitivity(ctx).data, "html.parser")
    units = [tr.find("td").get_text() for tr in html.find_all("tr") if tr.find("td")]
    assert names[20] in units and pages.NEIGHBOURS + 1 <= len(units) <= 2 * pages.NEIGHBOURS + 1
    own = weighting.load_rank_intervals(path).set_index("unit").loc[names[20]]
    assert f"{own.rank_median} ({own.rank_low}–{own.rank_high})" in html.get_text()
    assert "trong 40 đơn vị" in html.get_text()


def test_scores_are_read_once_per_file_version(tmp_path):
    communes(tmp_path / "raw", 3)
    write_processed(standardise(None, tmp_path / "raw"), tmp_path / "p", raw_dir=tmp_path / "raw")
    path = tmp_path / "p" / "scores.csv"
    first = load_scores(path)
    assert load_scores(path) is first
    later = time.time() + 5
    os.utime(path, (later, later))  # the file changed (a new standardise): read again
    assert load_scores(path) is not first


def test_the_index_table_has_the_status_each_unit_would_get_alone(shipped):
    scores = shipped.scores
    rows = []
    for unit, level in scores.loc[scores["level"].isin(["province", "district"]), ["unit", "level"]] \
            .drop_duplicates().itertuples(index=False):
        for year, period in ((2024, "FY"), (2024, "Q3")):
            try:
                ix = PARIndex.from_scores(scores, unit, year, period, level=level)
            except ParindexError:  # units the data cannot report on
                continue
            rows.append((unit, level, f"{unit}-{period}", ix))
    table = ranking_table(rows, scores)
    assert len(table) == len(rows) > 10
    assert {r.status for r in table.itertuples()} >= {"met"}
    for r in table.itertuples():
        assert r.status == total_status(r.index, scores), r.unit
    for _, group in table.groupby("level"):
        assert group["total"].is_monotonic_decreasing


def test_the_index_chart_is_a_histogram_for_many_units():
    many = plot_index_totals([(f"Xã {i}", 60 + i % 30) for i in range(BARS_MAX + 1)], "vi")
    few = plot_index_totals([(f"Xã {i}", 60 + i) for i in range(5)], "vi")
    assert len(many.figure.axes[0].patches) < BARS_MAX and len(few.figure.axes[0].patches) == 5
