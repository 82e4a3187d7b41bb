"""Component and total names as real documents write them: each form maps to exactly one code, and a name that
fits several components (or whose enclosed code contradicts it) is refused naming the candidates."""

from __future__ import annotations

import csv

import pytest

from parindex_lib.cli import main
from parindex_lib.model.components import component_of, match_component
from parindex_lib.standardise import load_scores

NAME_FORMS = [
    # Tam Đường's 2024 plan (Kế hoạch cải thiện Chỉ số CCHC, UBND huyện Tam Đường; /work/shared/seed): its tables
    # and its appendix of tasks ("Chỉ số thành phần …").
    ("Công tác chỉ đạo điều hành về cải cách hành chính", "C1"),
    ("Cải cách thể chế", "C2"),
    ("Cải cách thủ tục hành chính", "C3"),
    ("Cải cách tổ chức bộ máy hành chính", "C4"),
    ("Cải cách chế độ công vụ", "C5"),
    ("Cải cách tài chính công", "C6"),
    ("Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", "C7"),
    ("Tác động của CCHC đến phát triển kinh tế - xã hội của tỉnh", "C8"),
    ("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "SIPAS"),
    ("Chỉ số Cải cách hành chính (PAR INDEX)", "TOTAL"),
    ("Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)", "SIPAS"),
    ("Chỉ số PAR INDEX", "TOTAL"),
    ("Chỉ số thành phần chỉ đạo điều hành", "C1"),
    ("Chỉ số thành phần cải cách thể chế", "C2"),
    ("Chỉ số thành phần cải cách thủ tục hành chính", "C3"),
    ("Chỉ số thành phần cải cách tài chính công", "C6"),
    ("Chỉ số thành phần xây dựng Chính quyền điện tử, Chính quyền số", "C7"),
    ("Chỉ số thành phần tác động của cải cách hành chính đến phát triển kinh tế - xã hội của huyện", "C8"),
    ("Cải cách bộ máy", "C4"),
    ("1 Công tác chỉ đạo điều hành về cải cách hành chính", "C1"),  # its STT and name pasted into one cell
    # 876/QĐ-BNV (2022–2030), Nghệ An 3323/QĐ-UBND (2023) and the provincial set as applied to PAR 2024 (Sơn La),
    # as /work/shared/data/public/par_methodology_schemes.csv quotes them (without diacritics, numbered).
    ("1 Cong tac chi dao, dieu hanh CCHC", "C1"),
    ("2 Cai cach the che", "C2"),
    ("3 Cai cach TTHC", "C3"),
    ("4 Cai cach to chuc bo may hanh chinh", "C4"),
    ("5 Cai cach che do cong vu", "C5"),
    ("6 Cai cach tai chinh cong", "C6"),
    ("7 Xay dung, phat trien Chinh phu dien tu, Chinh phu so", "C7"),
    ("Cai cach to chuc bo may (Organizational reform)", "C4"),
    ("Cai cach che do cong vu (Civil service reform)", "C5"),
    ("Cai cach TTHC (Administrative procedure reform)", "C3"),
    ("Tac dong cua CCHC den nguoi dan, to chuc va phat trien KT-XH (Impact)", "C8"),
    ("1 Chi dao dieu hanh CCHC", "C1"),
    ("CQDT-CQS", "C7"),
    # The provincial decisions' areas: 1294/QĐ-BNV (2012), 2948/QĐ-BNV (2016), 1149/QĐ-BNV (2020), 876/QĐ-BNV (2022).
    ("Công tác chỉ đạo, điều hành cải cách hành chính", "C1"),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh", "C2"),
    ("Xây dựng và tổ chức thực hiện văn bản QPPL tại tỉnh", "C2"),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", "C4"),
    ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", "C5"),
    ("Xây dựng và nâng cao chất lượng đội ngũ CBCCVC", "C5"),
    ("Đổi mới cơ chế tài chính đối với cơ quan hành chính và đơn vị sự nghiệp công lập", "C6"),
    ("Hiện đại hóa hành chính", "C7"),
    ("Xây dựng Chính quyền điện tử, Chính quyền số", "C7"),
    ("Tác động của cải cách hành chính đến người dân, tổ chức và các chỉ tiêu phát triển kinh tế - xã hội của tỉnh",
     "C8"),
    ("Điểm thẩm định", "APPRAISAL"),  # the blocks of 2017–2020 (2948/QĐ-BNV)
    ("Điều tra XHH", "SURVEY"),
    ("Điểm điều tra xã hội học", "SURVEY"),
    # Hà Nội 5666/QĐ-UBND (2025): eight contents and a ninth of bonus and penalty points
    # (/work/shared/data/public/methodology_2025_2026_sources.csv), numbered as its tables number them.
    ("Nội dung 1: Chỉ đạo điều hành", "C1"),
    ("Nội dung 2: Thể chế", "C2"),
    ("Nội dung 3: TTHC", "C3"),
    ("Nội dung 4: Tổ chức bộ máy", "C4"),
    ("Nội dung 5: Công vụ", "C5"),
    ("Nội dung 6: Tài chính công", "C6"),
    ("Nội dung 8: Tác động KT-XH của TP", "C8"),
    ("Điểm thưởng", "BONUS"),
    ("Điểm trừ", "PENALTY"),
    # Numbering as tables print it.
    ("I. Cải cách thể chế", "C2"),
    ("II. Cải cách TTHC", "C3"),
    ("a) Chỉ đạo, điều hành CCHC", "C1"),
    ("1.5. Cải cách chế độ công vụ", "C5"),
    ("Lĩnh vực 6: Cải cách tài chính công", "C6"),
    ("Lĩnh vực 7 - Chính quyền điện tử, chính quyền số", "C7"),
    # The press (baotintuc, kinhtedothi, vietnam.vn articles on the 2023–2024 results): short names, codes in
    # parentheses, the total's many names.
    ("Hài lòng (SIPAS)", "SIPAS"),
    ("Chỉ số SIPAS", "SIPAS"),
    ("Chỉ số hài lòng của người dân, tổ chức (SIPAS)", "SIPAS"),
    ("PAR INDEX", "TOTAL"),
    ("Chỉ số CCHC", "TOTAL"),
    ("Chỉ số CCHC (PAR INDEX)", "TOTAL"),
    ("Chỉ số cải cách hành chính cấp tỉnh", "TOTAL"),
    ("Tổng điểm", "TOTAL"),
    ("Tác động của CCHC", "C8"),
    # Short area names with or without "Cải cách", the code in brackets, a unique first words.
    ("Thủ tục hành chính", "C3"),
    ("Tổ chức bộ máy", "C4"),
    ("Chế độ công vụ", "C5"),
    ("Tài chính công", "C6"),
    ("Chính quyền số", "C7"),
    ("Thể chế [C2]", "C2"),
    ("Tài chính công (C6)", "C6"),
    ("Cải cách tổ chức", "C4"),
    ("Chỉ đạo", "C1"),
    # English pages of the same sources.
    ("Institutional reform", "C2"),
    ("Administrative procedure reform", "C3"),
    ("Public finance reform", "C6"),
    ("E-government", "C7"),
    ("Impact", "C8"),
]


def test_the_corpus_is_large_and_covers_every_component():
    assert len(NAME_FORMS) >= 60 and len({n for n, _ in NAME_FORMS}) == len(NAME_FORMS)
    assert {code for _, code in NAME_FORMS} >= {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS", "TOTAL"}


@pytest.mark.parametrize("name, code", NAME_FORMS, ids=[n for n, _ in NAME_FORMS])
def test_a_name_as_written_maps_to_its_one_code(name, code):
    assert match_component(name) == code
    assert component_of(name.upper()) == code  # a title typed in capitals


@pytest.mark.parametrize("name, candidates", [
    ("Cải cách", ["C2", "C3", "C4", "C5", "C6"]),
    ("Chỉ số", ["SIPAS", "TOTAL"]),
    ("Cải cách thể chế (C3)", ["C2", "C3"]),  # the name and its code disagree: both are said
])
def test_a_name_that_fits_several_components_lists_them(name, candidates):
    assert match_component(name) is None
    with pytest.raises(ValueError, match="fits several components") as caught:
        component_of(name)
    assert [c for c in ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "SIPAS", "TOTAL"]
            if f"({c})" in str(caught.value)] == candidates


@pytest.mark.parametrize("name", ["Cải", "Điểm", "Năm 2024", "Ghi chú", "Thứ hạng", "1.", "x"])
def test_words_that_name_no_component_stay_unknown(name):
    assert match_component(name) is None


def test_a_series_typed_as_the_press_writes_it_is_read(tmp_path, capsys):
    """A province's published series typed in Excel: a SIPAS row as "Hài lòng (SIPAS)", the total as
    "Chỉ số CCHC (PAR INDEX)", numbered names — read, one row each; an ambiguous name is one located line."""
    rows = [["Tỉnh", "Cấp", "Năm", "Chỉ số thành phần", "Giá trị"],
            ["Lai Châu", "tỉnh", "2024", "1. Công tác chỉ đạo, điều hành CCHC", "82,10%"],
            ["Lai Châu", "tỉnh", "2024", "II. Cải cách TTHC", "90,00%"],
            ["Lai Châu", "tỉnh", "2024", "Hài lòng (SIPAS)", "80,50%"],
            ["Lai Châu", "tỉnh", "2024", "Chỉ số CCHC (PAR INDEX)", "85,25%"]]
    path = tmp_path / "lai_chau.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    assert main(["standardise", str(path), "--out", str(tmp_path / "out")]) == 0
    scores = load_scores(tmp_path / "out" / "scores.csv")
    assert dict(zip(scores.component, scores.value_pct, strict=True)) == {
        "C1": 82.10, "C3": 90.0, "SIPAS": 80.5, "TOTAL": 85.25}
    capsys.readouterr()
    rows.append(["Lai Châu", "tỉnh", "2024", "Cải cách", "70,00%"])
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    try:
        code = main(["standardise", str(path), "--out", str(tmp_path / "out2"), "--lang", "en"])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0].startswith(f'parindex: error: {path}, row 6, column "Chỉ số thành phần": "Cải cách" '
                                          'fits several components: "Cải cách thể chế" (C2)')
