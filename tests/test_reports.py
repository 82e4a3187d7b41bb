"""Report language, message catalogue and chart fonts."""

from __future__ import annotations

import json
import re
import string
import warnings

import pytest
import yaml

from conftest import ROOT
from parindex_lib.analyses import lift, trends, weighting
from parindex_lib.model.components import catalogue as components
from parindex_lib.present import pages, plots, report
from parindex_lib.present.i18n import catalogue, t


def test_catalogue_has_every_key_in_both_languages_with_the_same_placeholders():
    vi, en = catalogue()["vi"], catalogue()["en"]
    # The causes of errors have their English in the code (tests/test_language.py checks those).
    causes = {key for path in (ROOT / "parindex_lib" / "data" / "messages" / "errors").glob("*.yaml")
              for key in yaml.safe_load(path.read_text(encoding="utf-8"))["vi"]}
    assert causes and set(vi) == set(en) | causes and not causes & set(en)
    fields = string.Formatter()
    for key in en:
        assert {f for _, f, _, _ in fields.parse(vi[key]) if f} == {f for _, f, _, _ in fields.parse(en[key]) if f}, key
        assert isinstance(vi[key], str) and isinstance(en[key], str), key


def test_a_message_defined_twice_or_in_one_language_is_refused(tmp_path, monkeypatch):
    from parindex_lib.errors import ParindexError
    from parindex_lib.present import i18n

    (tmp_path / "a.yaml").write_text("vi:\n  hello: Xin chào\nen:\n  hello: Hello\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("vi:\n  hello: Chào\nen:\n  hello: Hi\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "MESSAGES_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ParindexError, match='b.yaml: message "hello" is already defined in a.yaml'):
            i18n.catalogue()
        (tmp_path / "b.yaml").write_text("vi:\n  bye: Tạm biệt\nen: {}\n", encoding="utf-8")
        with pytest.raises(ParindexError, match="b.yaml: messages not given in both languages: bye"):
            i18n.catalogue()
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


def test_notebooks_hold_no_words_of_their_own():
    """Every word a reader sees comes from the catalogue: code cells outside the parameters are ASCII calls."""
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
                src = "".join(cell["source"])
                code = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith("#"))
                assert code.isascii(), (path.name, code)
                assert not re.findall(r"\"[^\"]*\s[^\"]*\"", code), (path.name, code)  # no sentences in strings


def test_font_covers_every_vietnamese_letter_the_reports_use():
    text = "".join(str(v) for v in catalogue()["vi"].values())
    text += "".join(components()[["name_vi", "short_vi"]].to_numpy().ravel())
    text += "ăâđêôơưĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    path = plots.check_font(text)
    assert path.endswith("DejaVuSans.ttf")


def test_charts_render_vietnamese_without_missing_glyphs(idx, scores):
    status = trends.target_status(idx, scores)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = [plots.plot_components(status, "vi"), plots.plot_bridge(idx, lift.lift(idx), "vi"),
                  plots.plot_trends(trends.history(scores, idx.unit, idx.weights), status, "vi"),
                  plots.plot_contributions(weighting.contributions(idx), "vi")]
        for chart in charts:
            assert chart._repr_png_().startswith(b"\x89PNG")
    assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    titles = [chart.figure.axes[0].get_title() for chart in charts]
    assert titles[0] == t("chart_components_title", "vi") == "Các chỉ số thành phần so với mục tiêu"


@pytest.mark.parametrize("lang, total, target, gain", [("vi", "76,17%", "từ 80,00% trở lên", "+2,67 điểm"),
                                                       ("en", "76.17%", "80.00% or more", "+2.67 percentage points")])
def test_sentences_per_language(idx, lang, total, target, gain):
    assert total in report.total_sentence(idx, lang) and target in report.total_sentence(idx, lang)
    table = report.recommendation_table(lift.lift(idx), lang)
    assert gain in table.to_string()
    assert report.cost_sentence(lift.lift(idx), lang) == t("cost_sentence_gap", lang)


def test_weighting_page_shows_rank_intervals_with_peers(tmp_path, scores, shipped):
    import pandas as pd

    peer = scores[(scores["kind"] == "actual") & (scores["year"] == 2023) & (scores["unit"] == "Tam Đường")].copy()
    peer["unit"], peer["source"] = "Phong Thổ", "test"
    peer["value_pct"] = (peer["value_pct"] * 0.97).clip(0, 100)
    pd.concat([scores, peer]).to_csv(tmp_path / "scores.csv", index=False)
    shipped.tasks.to_csv(tmp_path / "tasks.csv", index=False)
    ctx = pages.build(scores_path=str(tmp_path / "scores.csv"), tasks_path=str(tmp_path / "tasks.csv"),
                      raw_dir=str(tmp_path), unit="Tam Đường", year=2023, period="FY", target=80.0, bound="ge",
                      scheme="equal-9", lang="vi")
    html = pages.sensitivity(ctx, draws=5000).data
    # Every component 3% lower: Phong Thổ is second under any weights.
    assert "Phong Thổ" in html and "2 (2–2)" in html and "1 (1–1)" in html
