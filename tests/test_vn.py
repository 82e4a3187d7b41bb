"""Vietnamese numbers and names: parsing, formatting and matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex_lib.model.components import find_components, match_component
from parindex_lib.vn import (
    Percent,
    format_pct,
    format_points,
    format_pp,
    format_rank,
    parse_percent,
    parse_points,
    parse_rank,
)


@given(st.integers(min_value=0, max_value=10000))
def test_vietnamese_percentage_round_trips(hundredths):
    value = hundredths / 100
    text = format_pct(value, "vi")
    parsed = parse_percent(text)
    assert parsed.value == pytest.approx(value, abs=1e-9) and parsed.bound == "=" and parsed.decimals == 2


@given(st.integers(min_value=0, max_value=1000), st.sampled_from(["Trên {}%", "từ {}% trở lên", "≥ {}%"]))
def test_bounded_targets_round_trip(tenths, template):
    value = tenths / 10
    parsed = parse_percent(template.format(f"{value:.1f}".replace(".", ",")), allow_bound=True)
    assert parsed.value == pytest.approx(value) and parsed.bound == (">" if "Trên" in template else ">=")


@pytest.mark.parametrize("text, value, bound, decimals", [
    ("70,52%", 70.52, "=", 2), ("100%", 100.0, "=", 0), ("Trên 75%", 75.0, ">", 0),
    ("từ 80% trở lên", 80.0, ">=", 0), ("80% trở lên", 80.0, ">=", 0), ("≥ 80%", 80.0, ">=", 0),
    ("TREN 99,5 %", 99.5, ">", 1), ("76.17%", 76.17, "=", 2),
])
def test_parse_percent_cases(text, value, bound, decimals):
    assert parse_percent(text, allow_bound=True) == Percent(value, bound, decimals)


@pytest.mark.parametrize("text", ["7O,52%", "", "1.000,5%", "101%", "-1%", "abc", "Dưới 50%", "70,,5%"])
def test_parse_percent_rejects(text):
    with pytest.raises(ValueError):
        parse_percent(text, allow_bound=True)


def test_points_and_ranks():
    p = parse_points("67,41 / 97,5")
    assert (p.points, p.max_points) == (67.41, 97.5) and p.percent == pytest.approx(69.1385, abs=1e-4)
    assert parse_rank("59/63") == (59, 63) and parse_rank("4") == (4, None)
    with pytest.raises(ValueError):
        parse_rank("64/63")


def test_formatting_per_language():
    assert format_pct(76.17, "vi") == "76,17%" and format_pct(76.17, "en") == "76.17%"
    assert format_pp(3.83, "vi") == "+3,83 điểm phần trăm" and format_pp(3.83, "en") == "+3.83 percentage points"
    assert format_pp(-1.5, "en") == "−1.50 percentage points"
    assert format_points(3.355, 16.5, "vi") == "3,36/16,5 điểm" and format_points(12.75, 13, "en") == "12.75/13 points"
    assert format_rank(24, 63) == "24/63" and format_rank(4, None) == "4"


@pytest.mark.parametrize("value, vi, en", [
    (76.165, "76,17%", "76.17%"), (76.175, "76,18%", "76.18%"), (0.125, "0,13%", "0.13%"),
    (99.995, "100,00%", "100.00%"), (80.005, "80,01%", "80.01%"), (2.675, "2,68%", "2.68%"),
    (76.1649, "76,16%", "76.16%"), (1.005, "1,01%", "1.01%"),
])
def test_half_up_at_the_xx5_boundaries(value, vi, en):
    """As the plan, Excel and the Ministry print (Babel alone rounds half-to-even: 76,165 → 76,16)."""
    assert format_pct(value, "vi") == vi and format_pct(value, "en") == en


@pytest.mark.parametrize("value, text", [(0.005, "+0,01"), (-0.005, "−0,01"), (0.004, "±0,00"), (-0.004, "±0,00")])
def test_changes_round_half_up_with_their_sign(value, text):
    assert format_pp(value, "vi", unit=False) == text


@pytest.mark.parametrize("name, code", [
    ("Cải cách thể chế", "C2"), ("CAI CACH THE CHE", "C2"), ("cai-cach  the che", "C2"), ("TTHC", "C3"),
    ("Cải cách tài chính công", "C6"), ("Chính quyền số", "C7"), ("Hiện đại hóa hành chính", "C7"),
    ("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "SIPAS"), ("Tổng cộng", "TOTAL"),
    ("Public finance reform", "C6"), ("Tác động của CCHC đến phát triển kinh tế - xã hội của tỉnh", "C8"),
])
def test_component_names_match_with_or_without_diacritics(name, code):
    assert match_component(name) == code


def test_free_text_mentions():
    assert find_components("Tham mưu thực hiện các nội dung thuộc Chỉ số thành phần xây dựng Chính quyền "
                           "điện tử, Chính quyền số") == ["C7"]
