"""A Vietnamese analyst's everyday mistakes, across the commands, as a new project meets them: each is refused in
one Vietnamese line (``parindex: lỗi: …``) with no English word left — file names, headers, codes and the values
the analyst typed aside. The areas' own files (test_language_*.py) go through each stage's faults in depth."""

from __future__ import annotations

import pytest
from hostile_kit import first_line, run_cli
from test_language import COMMON_ENGLISH, _words, english_in

from parindex_lib.cli import main
from parindex_lib.present.i18n import catalogue

HEADER = "Đơn vị;Cấp;Năm;Chỉ số thành phần;Giá trị\n"
#: A file of the raw folder each, as offices type them: name → (content, words of the file the line may quote).
FILES = {
    "letter_o": HEADER + "Xã A;xã;2024;C1;7O,52%\n",
    "year": HEADER + "Xã A;xã;20x4;C1;70,52%\n",
    "level": HEADER + "Xã A;ấp;2024;C1;70,52%\n",
    "component": HEADER + "Xã A;xã;2024;Chỉ số lạ;70,52%\n",
    "missing_value": HEADER + "Xã A;xã;2024;C1;N/A\n",
    "header_only": HEADER,
    "empty": "",
    "no_unit": HEADER + ";xã;2024;C1;70,52%\n",
    "above_100": HEADER + "Xã A;xã;2024;C1;170,52%\n",
    "no_header": "Đơn vị;Năm;Giá trị\nXã A;2024;70%\n",
    "points_above_maximum": "Đơn vị;Cấp;Năm;Chỉ số thành phần;Điểm;Điểm tối đa\nXã A;xã;2024;C1;14;13\n",
    "rank_above_ranked": "Đơn vị;Cấp;Năm;Chỉ số thành phần;Giá trị;Xếp hạng;Số đơn vị xếp hạng\n"
                         "Xã A;xã;2024;TOTAL;70%;70;60\n",
    "digits_split": HEADER + "Xã A;xã;2024;C1;7 0,52%\n",
    "parentheses": HEADER + "Xã A;xã;2024;C1;(70,52%)\n",
    "two_units_one_name": HEADER + "Xã A;xã;2024;C1;70,52%\nXã A;xã;2024;C1;71,52%\n",
}
#: Commands on a good table: name → arguments.
COMMANDS = {
    "lift_unknown_unit": ["lift", "--unit", "Xã Không Có", "--year", "2024"],
    "lift_year_without_results": ["lift", "--unit", "Xã A", "--year", "2019"],
    "lift_unknown_scheme": ["lift", "--unit", "Xã A", "--year", "2024", "--scheme", "khong-co"],
    "run_language_not_supported": ["run", "--set", "lang=fr"],
    "run_unknown_unit": ["run", "--unit", "Xã Không Có", "--year", "2024"],
    "run_params_missing": ["run", "--params", "params/khong-co.yaml"],
    "criteria_unknown_tree": ["criteria", "khong-co"],
}


@pytest.fixture(scope="module")
def english() -> set[str]:
    """English words, as tests/test_language.py finds them."""
    vi = set().union(*(_words(v) for v in catalogue()["vi"].values()))
    return (set().union(*(_words(v) for v in catalogue()["en"].values())) | COMMON_ENGLISH) - vi


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A new project (``parindex init``) whose raw folder is emptied, the command run from inside it."""
    assert main(["init", str(tmp_path / "p")]) == 0
    raw = tmp_path / "p" / "data" / "raw"
    for path in raw.iterdir():
        if path.is_file():
            path.unlink()
    monkeypatch.chdir(tmp_path / "p")
    return raw


def _said(line: str, english: set[str], typed: str) -> set[str]:
    return english_in(line, english, _words(typed))


@pytest.mark.parametrize("name", FILES)
def test_a_faulty_file_is_refused_in_vietnamese(project, capsys, english, name):
    (project / f"{name}.csv").write_text(FILES[name], encoding="utf-8")
    capsys.readouterr()
    code, _, err = run_cli(["standardise"], capsys)
    line = first_line(err)
    assert code == 2 and line.startswith(f"parindex: lỗi: data/raw/{name}.csv"), err
    assert _said(line, english, FILES[name]) == set(), line


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_asked_for_what_cannot_be_is_refused_in_vietnamese(project, capsys, english, name):
    (project / "xa.csv").write_text(HEADER + "Xã A;xã;2024;C1;70,52%\nXã A;xã;2024;TOTAL;70%\n", encoding="utf-8")
    assert main(["standardise"]) == 0
    capsys.readouterr()
    code, _, err = run_cli(COMMANDS[name], capsys)
    line = first_line(err)
    assert code == 2 and line.startswith("parindex: lỗi: "), err
    assert _said(line, english, " ".join(COMMANDS[name])) == set(), line
