"""The total, recomputed and checked against the reported one, within rounding."""

from __future__ import annotations

import pytest

from parindex_lib.errors import SchemeError
from parindex_lib.model.index import PARIndex, half_width
from parindex_lib.model.schemes import available_schemes, load_scheme


def test_equal_9_reproduces_the_reported_total(idx):
    check = idx.check_total()
    assert check.recomputed == pytest.approx(685.58 / 9)  # 76,1756
    # Hand-computed: 1-decimal values (98,8; 36,3; 74,4) carry ±0,05, the others ±0,005; 100 cannot rise.
    assert check.low == pytest.approx((685.58 - 0.18) / 9)
    assert check.high == pytest.approx((685.58 + 0.175) / 9)
    assert round(check.low, 3) == 76.156 and round(check.high, 3) == 76.195
    assert check.reported == 76.17 and check.consistent is True


def test_an_inconsistent_total_is_flagged(idx):
    wrong = idx.scenario(C6=40.0)  # drops the reported total: a different result
    assert wrong.check_total().consistent is None
    from dataclasses import replace

    claimed = replace(idx, reported_total=77.5, reported_decimals=2)
    assert claimed.check_total().consistent is False


def test_incomplete_scheme_refuses_to_total(idx):
    scheme = load_scheme("provincial-2024")
    assert not scheme.complete and scheme.unknown == ["C1", "C2", "C6", "C7"]
    with pytest.raises(SchemeError, match=r"C1, C2, C6, C7 are not known.*45 points"):
        scheme.weights()
    with pytest.raises(SchemeError, match="incomplete"):
        idx.with_scheme(scheme)


def test_adding_a_scheme_is_adding_a_file(tmp_path, idx):
    path = tmp_path / "district-80-20.yaml"
    path.write_text("name: district-80-20\ntitle_vi: Thử 80–20\nlevel: district\nyears: 2023\nsource: a test\n"
                    "complete: true\nmax_points: {C1: 10, C2: 10, C3: 10, C4: 10, C5: 10, C6: 10, C7: 10, C8: 10, "
                    "SIPAS: 20}\n", encoding="utf-8")
    scheme = load_scheme(path)
    assert scheme.weights()["SIPAS"] == pytest.approx(0.2)
    other = idx.with_scheme(scheme)
    assert other.total == pytest.approx((idx.values.drop("SIPAS").sum() * 10 + 74.4 * 20) / 100)
    assert {"equal-9", "provincial-2024"} <= set(available_schemes())


def test_bad_scheme_file_names_its_faults(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nmax_points: {C1: -3, C99: 1}\n", encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    assert "C99" in str(err.value) and "-3" in str(err.value)
    with pytest.raises(SchemeError, match="unknown scheme"):
        load_scheme("no-such-scheme")


def test_half_widths():
    assert half_width(2) == 0.005 and half_width(1) == 0.05 and half_width(0) == 0.005 and half_width(None) == 0.005


def test_scenario_is_a_one_liner(idx):
    new = idx.scenario(C6=55, SIPAS=82)
    assert new.total == pytest.approx(idx.total + (55 - 36.3) / 9 + (82 - 74.4) / 9)
    assert idx.values["C6"] == 36.3  # the original is unchanged


def test_fy_report_before_the_result_starts_from_last_year(scores):
    index = PARIndex.from_scores(scores, "Tam Đường", 2024, "FY")
    assert (index.year, index.period, index.target_year) == (2023, "FY", 2024)
    q3 = PARIndex.from_scores(scores, "Tam Đường", 2024, "Q3")
    assert (q3.year, q3.period, q3.target_year) == (2024, "Q3", 2024) and q3.illustrative
    assert not index.illustrative
