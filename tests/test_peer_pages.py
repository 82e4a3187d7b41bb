"""The peer-group page and the lineage sections: words in both languages, figures from the analyses, and the
notebook executed end to end on the shipped 2025 results."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from parindex_lib.analyses import peers
from parindex_lib.present import lineage, peer_groups, peer_pages, plots
from parindex_lib.present.html import render_html
from parindex_lib.readers import to_frame
from parindex_lib.standardise import write_processed


@pytest.fixture(scope="module")
def processed(shipped, tmp_path_factory):
    folder = tmp_path_factory.mktemp("processed")
    write_processed(shipped, folder)
    return folder


def build(processed, unit, level, year, lang="vi"):
    return peer_pages.build(scores_path=str(processed / "scores.csv"), tasks_path=str(processed / "tasks.csv"),
                            raw_dir=str(ROOT / "data" / "raw"), unit=unit, level=level, year=year, period="FY",
                            target=80.0, bound="ge", scheme="", lang=lang)


def test_the_communes_of_hai_phong_page(processed):
    ctx = build(processed, "Vĩnh Am", "commune", 2025)
    assert peer_groups.group_label(ctx.group.key, "vi") == "Xã, đặc khu — Hải Phòng"
    text = str(peer_pages.league(ctx).data)
    assert "Dữ liệu có 4 trong 68 đơn vị của nhóm" in text and "68/68" in text and "73,37%" in text
    assert "Chưa đạt" in text and "không công bố ngưỡng xếp loại" in text
    below = str(peer_pages.below_section(ctx).data)
    assert "Vĩnh Am" in below and "6,63" in below
    assert "cần điểm các chỉ số thành phần" in str(peer_pages.lift_section(ctx).data)
    assert peer_pages.totals_chart(ctx)._repr_png_().startswith(b"\x89PNG")
    assert peer_pages.components_chart(ctx) is None  # one unit's satisfaction figure is not a spread
    assert str(peer_pages.criteria_section(ctx).data) == ""  # no commune of the group is scored by criteria


def test_communes_scored_by_criteria_show_the_criteria_the_group_loses_most_on(processed):
    ctx = build(processed, "Bản Giang", "commune", 2024)
    html = str(peer_pages.criteria_section(ctx).data)
    assert "Tiêu chí nhóm mất điểm nhiều nhất" in html and "5 trong 5 đơn vị của nhóm" in html
    assert "Bộ chỉ số CCHC cấp xã MINH HỌA" in html  # the scheme by its title
    # 2.1.1 (10 points): 7 points lost over the five communes, four of them short, all four under 80%.
    assert "<td>2.1.1</td>" in html and "7,00/10,00" in html
    assert html.index("<td>2.1.1</td>") < html.index("<td>3.2.1</td>")  # most lost first
    assert "MINH HỌA" in str(peer_pages.header(ctx).data)


def test_the_provinces_page_in_english_carries_the_ministrys_groups(processed):
    ctx = build(processed, "Hải Phòng", "province", 2024, "en")
    text = str(peer_pages.league(ctx).data)
    assert "1/63" in text and "Group A (90% or more)" in text and "268/QĐ-BNV" in text and "96.17%" in text
    assert "+4.30" in text  # 91,87 → 96,17
    assert "Hải Phòng and Hải Dương form Hải Phòng" in str(peer_pages.lineage_section(ctx).data)
    assert "88.37%" in str(peer_pages.distribution_section(ctx).data)  # the national average, as reference


def test_group_pages_and_links_follow_one_rule(shipped):
    groups = peer_groups.page_groups(shipped.scores, 2025, "FY")
    assert len(groups) == 5 and groups["slug"].is_unique and (groups["units"] >= 2).all()
    href = peer_groups.group_page_href(shipped.scores, "An Lão", "commune", 2025, "FY")
    assert href == f"../{peers.GroupKey('commune', 'Hải Phòng', 'Xã, đặc khu').slug()}/peers.html"
    assert peer_groups.group_page_href(shipped.scores, "Tam Đường", "district", 2023, "FY") is None


def test_a_group_with_components_shows_losses_and_the_plan_with_owners(tmp_path):
    rows = []
    for unit, values in (("Xã A", (90, 60, 85)), ("Xã B", (70, 50, 70)), ("Xã C", (95, 95, 95))):
        for code, v in zip(("C1", "C2", "C3"), values, strict=True):
            rows.append({"unit": unit, "level": "commune", "year": 2025, "period": "FY", "component": code,
                         "kind": "actual", "value_pct": float(v), "points": v / 10, "max_points": 10.0,
                         "bound": "=", "source": "t", "illustrative": False, "province": "Lai Châu",
                         "lead_units": "Văn phòng HĐND - UBND xã" if code == "C2" else None})
    scores = to_frame(pd.DataFrame(rows))
    scores.to_csv(tmp_path / "scores.csv", index=False)
    ctx = peer_pages.build(scores_path=str(tmp_path / "scores.csv"), tasks_path=str(tmp_path / "tasks.csv"),
                           raw_dir=str(tmp_path), unit="Xã A", level="commune", year=2025, period="FY", target=80.0,
                           bound="ge", scheme="", lang="vi")
    losses = str(peer_pages.losses_section(ctx).data)
    assert "Cả nhóm mất nhiều điểm nhất ở: Cải cách thể chế (9,50)" in losses
    plan = str(peer_pages.lift_section(ctx).data)
    assert "Văn phòng HĐND - UBND xã" in plan and "Xã B" in plan and "quy hoạch nguyên" in plan
    assert "đơn vị tự chịu trách nhiệm" in plan  # C1 and C3 of Xã B have no office in the data
    for chart in (peer_pages.components_chart(ctx), peer_pages.losses_chart(ctx), peer_pages.totals_chart(ctx)):
        assert chart._repr_png_().startswith(b"\x89PNG")


def test_a_merged_units_trend_shows_its_predecessors_labelled():
    rows = [{"unit": u, "level": "commune", "year": y, "period": "FY", "component": "TOTAL", "kind": "actual",
             "value_pct": v, "bound": "=", "source": "t", "illustrative": False}
            for u, y, v in (("A", 2023, 70.0), ("A", 2024, 80.0), ("B", 2024, 60.0), ("AB", 2025, 85.0))]
    scores = to_frame(pd.DataFrame(rows))
    table = pd.DataFrame([{"predecessor": p, "predecessor_level": "commune", "successor": "AB",
                           "successor_level": "commune", "effective": "2025-07-01", "decision": "NQ 1670",
                           "weight": None} for p in ("A", "B")])
    html = str(lineage.predecessors_table(scores, table, "AB", "commune", 2025, "vi", "mean").data)
    assert "A (trước sắp xếp)" in html and "B (trước sắp xếp)" in html
    assert "AB — suy ra từ các đơn vị trước sắp xếp (trung bình cộng)" in html and "70,00 (2/2)" in html
    assert "AB (kết quả của chính đơn vị)" in html and "không phải kết quả của AB" in html
    frame, hist = lineage.predecessor_frame(scores, table, "AB", "commune", "en", "mean")
    assert list(frame.columns) == ["A (before the reorganisation)", "B (before the reorganisation)",
                                   "AB — derived from its predecessors (plain mean)", "AB (its own results)"]
    assert plots.plot_lineage(frame, "en")._repr_png_().startswith(b"\x89PNG")
    before = str(lineage.predecessors_table(scores, table, "A", "commune", 2024, "en").data)
    assert "From 01/07/2025" not in before and "A and B form AB" in before


@pytest.mark.notebook
@pytest.mark.parametrize(("unit", "level", "year", "lang", "expect"),
                         [("Vĩnh Am", "commune", 2025, "vi", "Xã, đặc khu — Hải Phòng"),
                          ("Hải Phòng", "province", 2024, "en", "Group A (90% or more)")])
def test_the_peers_notebook_runs_end_to_end(processed, tmp_path, unit, level, year, lang, expect):
    import papermill

    out = tmp_path / "peers.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "50_peers.ipynb"), str(out), kernel_name="parindex",
                               cwd=str(ROOT / "notebooks"), progress_bar=False,
                               parameters={"scores_path": str(processed / "scores.csv"),
                                           "tasks_path": str(processed / "tasks.csv"), "unit": unit,
                                           "level": level, "year": year, "lang": lang})
    html = render_html(out, tmp_path / "peers.html", lang).read_text(encoding="utf-8")
    assert expect in html and "data:image/png;base64," in html and "<script" not in html.split("</head>")[1]
