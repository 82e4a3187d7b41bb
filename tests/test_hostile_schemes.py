"""Schemes written by users: found in the project's data/schemes/ and in --schemes folders, and a
hostile-scheme corpus — every faulty file ends in exit 2, no traceback, and a first line naming the file
and the field (and the value), with the inputs left byte-identical."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from hostile_kit import HEADER, digests, first_line, good_rows, run_cli

from conftest import ROOT
from parindex_lib.errors import SchemeError
from parindex_lib.model import scheme_fields, scheme_folders, schemes
from parindex_lib.model.scheme_fields import SchemeField
from parindex_lib.model.schemes import default_scheme, load_scheme
from parindex_lib.present import pages
from parindex_lib.standardise import standardise, write_processed

NAME = "tinh-x-commune-2025"
BASE = {
    "name": f"name: {NAME}\n",
    "title_vi": "title_vi: Bộ chỉ số CCHC cấp xã của tỉnh X\n",
    "level": "level: commune\n",
    "years": "years: 2025\n",
    "source": "source: Quyết định số 1/QĐ-UBND\n",
    "max_points": "max_points:\n  APPRAISAL: 70\n  SURVEY: 30\n",
    "adjustments": "adjustments:\n  BONUS: 5\n  PENALTY: null\n",
}


def scheme_text(**changes: str | None) -> str:
    """The base scheme with some keys replaced (their whole YAML text) or, given None, left out."""
    parts = {**BASE, **changes}
    return "".join(v for v in parts.values() if v is not None)


BILLION_LAUGHS = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n"
                            for i in range(8))
                  + scheme_text(max_points="max_points: *i\n"))

# id, file name, content (str: UTF-8; bytes as is), the field the first line must name (None: the file
# itself), the value it must show (None: none), a fragment of the true cause
CORPUS = [
    ("name with spaces", f"{NAME}.yaml", scheme_text(name="name: tinh x\n"), "name", "tinh x", "usable name"),
    ("name not the file's", "other.yaml", scheme_text(), "name", NAME, "is not the file's name"),
    ("name a number", f"{NAME}.yaml", scheme_text(name="name: 2025\n"), "name", None, "is not text"),
    ("name of a packaged scheme", "equal-9.yaml", scheme_text(name="name: equal-9\n"), "name", "equal-9",
     "packaged schemes are never replaced"),
    ("title a number", f"{NAME}.yaml", scheme_text(title_vi="title_vi: 2025\n"), "title_vi", "2025", "is not text"),
    ("title missing", f"{NAME}.yaml", scheme_text(title_vi=None), "title_vi", None, "is missing"),
    ("level unknown", f"{NAME}.yaml", scheme_text(level="level: planet\n"), "level", "planet", "is not a level"),
    ("level of averages", f"{NAME}.yaml", scheme_text(level="level: national\n"), "level", "national",
     "level of averages"),
    ("level a list", f"{NAME}.yaml", scheme_text(level="level: [commune]\n"), "level", "[commune]", "is not a level"),
    ("level empty", f"{NAME}.yaml", scheme_text(level="level:\n"), "level", None, "is empty"),
    ("level missing", f"{NAME}.yaml", scheme_text(level=None), "level", None, "is missing"),
    ("level misspelt", f"{NAME}.yaml", scheme_text(level="level: comune\n"), "level", "comune",
     'did you mean "commune"'),
    ("year 1999", f"{NAME}.yaml", scheme_text(years="years: 1999\n"), "years", "1999", "plausible year"),
    ("years backwards", f"{NAME}.yaml", scheme_text(years="years: 2030-2025\n"), "years", "2030-2025",
     "runs backwards"),
    ("years empty list", f"{NAME}.yaml", scheme_text(years="years: []\n"), "years", "[]", "empty list"),
    ("years repeated", f"{NAME}.yaml", scheme_text(years="years: [2025, 2026, 2025]\n"), "years", None,
     "repeats 2025"),
    ("year a fraction", f"{NAME}.yaml", scheme_text(years="years: 2025.5\n"), "years", "2025.5", "is not a year"),
    ("year in words", f"{NAME}.yaml", scheme_text(years="years: từ năm 2025\n"), "years", "từ năm 2025",
     "is not a year or a range"),
    ("year in a list as words", f"{NAME}.yaml", scheme_text(years="years: [2025, hai]\n"), "years[1]", "hai",
     "is not a year"),
    ("years a mapping", f"{NAME}.yaml", scheme_text(years="years: {from: 2025}\n"), "years", None, "a mapping"),
    ("source empty", f"{NAME}.yaml", scheme_text(source="source: ''\n"), "source", "", "is empty"),
    ("max_points missing", f"{NAME}.yaml", scheme_text(max_points=None), "max_points", None, "is missing"),
    ("max_points a list", f"{NAME}.yaml", scheme_text(max_points="max_points: [70, 30]\n"), "max_points",
     "[70, 30]", "is a list"),
    ("max_points empty", f"{NAME}.yaml", scheme_text(max_points="max_points: {}\n"), "max_points", "{}", "is empty"),
    ("maximum negative", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: -70, SURVEY: 30}\n"),
     "max_points.APPRAISAL", "-70", "is negative"),
    ("maximum zero", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: 0, SURVEY: 30}\n"),
     "max_points.APPRAISAL", "0", "is zero"),
    ("maximum infinite", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: .inf, SURVEY: 30}\n"),
     "max_points.APPRAISAL", ".inf", "not a finite number"),
    ("maximum NaN", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: .nan, SURVEY: 30}\n"),
     "max_points.APPRAISAL", ".nan", "not a finite number"),
    ("maximum in words", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: bảy mươi, SURVEY: 30}\n"),
     "max_points.APPRAISAL", "bảy mươi", "is not a number"),
    ("maximum true", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: true, SURVEY: 30}\n"),
     "max_points.APPRAISAL", "true", "is not a number"),
    ("maximum a list", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: [70], SURVEY: 30}\n"),
     "max_points.APPRAISAL", "[70]", "is not a number"),
    ("unknown component", f"{NAME}.yaml", scheme_text(max_points="max_points: {C99: 70, SURVEY: 30}\n"),
     "max_points.C99", "C99", "is not a component code"),
    ("component as a name", f"{NAME}.yaml", scheme_text(max_points="max_points: {Cải cách thể chế: 70, SURVEY: 30}\n"),
     "max_points.Cải cách thể chế", "Cải cách thể chế", "expected the code C2"),
    ("bonus among maxima", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: 70, BONUS: 5}\n"),
     "max_points.BONUS", "BONUS", "under adjustments"),
    ("total among maxima", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: 70, TOTAL: 100}\n"),
     "max_points.TOTAL", "TOTAL", "total_points"),
    ("maximum written twice", f"{NAME}.yaml", scheme_text(max_points="max_points:\n  APPRAISAL: 70\n  APPRAISAL: 60\n"),
     "max_points.APPRAISAL", None, "repeats the key"),
    ("weights instead of maxima", f"{NAME}.yaml", scheme_text(max_points="weights: {APPRAISAL: 0.7, SURVEY: 0.3}\n")
     + BASE["max_points"], "weights", None, "maximum points under max_points"),
    ("adjustments a list", f"{NAME}.yaml", scheme_text(adjustments="adjustments: [BONUS, 5]\n"), "adjustments",
     "[BONUS, 5]", "is a list"),
    ("adjustments a number", f"{NAME}.yaml", scheme_text(adjustments="adjustments: 5\n"), "adjustments", "5",
     "is a single value"),
    ("adjustment unknown", f"{NAME}.yaml", scheme_text(adjustments="adjustments: {EXTRA: 3}\n"),
     "adjustments.EXTRA", "EXTRA", "is not BONUS or PENALTY"),
    ("cap negative", f"{NAME}.yaml", scheme_text(adjustments="adjustments: {BONUS: -1}\n"), "adjustments.BONUS",
     "-1", "is negative"),
    ("cap in words", f"{NAME}.yaml", scheme_text(adjustments="adjustments: {PENALTY: không giới hạn}\n"),
     "adjustments.PENALTY", "không giới hạn", "is not a number"),
    ("cap infinite", f"{NAME}.yaml", scheme_text(adjustments="adjustments: {BONUS: .inf}\n"), "adjustments.BONUS",
     ".inf", "not a finite number"),
    ("bonus twice", f"{NAME}.yaml", scheme_text(adjustments="adjustments: {BONUS: 5, bonus: 3}\n"),
     "adjustments.bonus", "bonus", "is given twice"),
    ("aggregation unknown", f"{NAME}.yaml", scheme_text() + "aggregation: mean\n", "aggregation", "mean",
     "is not an aggregation"),
    ("candidate quoted", f"{NAME}.yaml", scheme_text() + 'candidate: "true"\n', "candidate", "true",
     "without quotes"),
    ("complete maybe", f"{NAME}.yaml", scheme_text() + "complete: maybe\n", "complete", "maybe",
     "is not true or false"),
    ("complete with nulls", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: 70, SURVEY: null}\n")
     + "complete: true\n", "complete", "true", "SURVEY are null"),
    ("total not the sum", f"{NAME}.yaml", scheme_text() + "total_points: 95\n", "total_points", "95",
     "is not the sum of max_points, 100"),
    ("total negative", f"{NAME}.yaml", scheme_text() + "total_points: -100\n", "total_points", "-100", "is negative"),
    ("share not null", f"{NAME}.yaml", scheme_text(max_points="max_points: {APPRAISAL: 70, SURVEY: null}\n")
     + "unknown_share: {components: [APPRAISAL], max_points: 30}\n", "unknown_share.components[0]", "APPRAISAL",
     "does not have a null maximum"),
    ("share a list", f"{NAME}.yaml", scheme_text() + "unknown_share: [SURVEY]\n", "unknown_share", "[SURVEY]",
     "is a list"),
    ("survey above total", f"{NAME}.yaml", scheme_text() + "total_points: 100\nsurvey_points: 130\n",
     "survey_points", "130", "more than total_points"),
    ("key misspelt", f"{NAME}.yaml", scheme_text() + "levle: commune\n", "levle", None, 'did you mean "level"'),
    ("key in capitals", f"{NAME}.yaml", scheme_text() + "Source: x\n", "Source", None, 'did you mean "source"'),
    ("key a number", f"{NAME}.yaml", scheme_text() + "2025: x\n", "2025", None, "is not a scheme field"),
    ("key twice", f"{NAME}.yaml", scheme_text() + "level: district\n", "level", None, "lines 3 and 12"),
    ("latin-1 bytes", f"{NAME}.yaml", scheme_text().encode("utf-8").replace("Bộ".encode(), b"B\xf4"), None, None,
     "is not UTF-8"),
    ("UTF-16", f"{NAME}.yaml", scheme_text().encode("utf-16"), None, None, "UTF"),
    ("empty file", f"{NAME}.yaml", "", None, None, "is empty"),
    ("comments only", f"{NAME}.yaml", "# a scheme, one day\n\n", None, None, "is empty"),
    ("a list", f"{NAME}.yaml", "- C1: 10\n- C2: 10\n", None, None, "not a mapping of scheme fields"),
    ("a single value", f"{NAME}.yaml", "equal weights\n", None, None, "not a mapping of scheme fields"),
    ("broken YAML", f"{NAME}.yaml", scheme_text() + "max_points: {C1: [\n", None, None, "not valid YAML"),
    ("tab indentation", f"{NAME}.yaml", scheme_text(max_points="max_points:\n\tAPPRAISAL: 70\n"), None, None,
     "not valid YAML"),
    ("python tag", f"{NAME}.yaml", scheme_text() + "extra: !!python/object/apply:os.system [echo hi]\n", None, None,
     "not valid YAML"),
    ("alias bomb", f"{NAME}.yaml", BILLION_LAUGHS, "a", None, "is not a scheme field"),
    ("too large", f"{NAME}.yaml", scheme_text() + "#" + "x" * (1 << 20) + "\n", None, None, "under 1 MB"),
]


@pytest.fixture()
def project(tmp_path):
    """A raw folder with one small table, a schemes folder, and where standardise writes."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows(), encoding="utf-8")
    folder = tmp_path / "schemes"
    folder.mkdir()
    return raw, folder, tmp_path / "out"


@pytest.mark.parametrize("case, filename, content, field, value, fragment", CORPUS, ids=[c[0] for c in CORPUS])
def test_a_hostile_scheme_is_one_located_line(project, capsys, case, filename, content, field, value, fragment):
    raw, folder, out = project
    path = folder / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = digests(raw, folder)
    code, _, err = run_cli(["standardise", str(raw), "--out", str(out), "--schemes", str(folder), "--lang", "en"],
                           capsys)
    assert code == 2, err
    line = first_line(err)
    assert line.startswith(f"parindex: error: {path}"), line  # the file, first
    if field is not None:
        assert f'field "{field}"' in line, line
    if value is not None:
        assert f'"{value}"' in line, line
    assert fragment in err, err
    assert not out.exists()
    assert digests(raw, folder) == before


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 30


def test_every_fault_of_a_file_is_listed_in_line_order(tmp_path):
    path = tmp_path / f"{NAME}.yaml"
    path.write_text(scheme_text(level="level: planet\n", years="years: 1999\n")
                    + "adjustments2: {BONUS: 5}\ntotal_points: abc\n", encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    lines = str(err.value).splitlines()
    assert 'line 3, field "level"' in lines[0] and "(3 more problem(s) in this file)" in lines[1]
    assert ['line 4, field "years"' in lines[2], 'line 12, field "adjustments2"' in lines[-2],
            'line 13, field "total_points"' in lines[-1]] == [True, True, True]


# -- what a user's scheme may be -----------------------------------------------------------------------

def test_the_template_is_a_valid_scheme_once_copied(tmp_path):
    shutil.copy(ROOT / "examples" / "scheme-template.yaml", tmp_path / f"{NAME}.yaml")
    scheme = load_scheme(NAME, extra_dirs=(tmp_path,))
    assert scheme.level == "commune" and scheme.years == tuple(range(2025, 2031)) and scheme.candidate
    assert scheme.maximum == scheme.total_points == 100 and scheme.adjustments == {"BONUS": 5.0, "PENALTY": None}
    assert scheme.origin == "--schemes" and scheme.path == tmp_path / f"{NAME}.yaml"


def test_written_as_a_vietnamese_office_would(tmp_path):
    (tmp_path / f"{NAME}.yml").write_text(
        "\ufeff" + scheme_text(level="level: Xã\n", years="years: 2025–2027\n",
                               max_points="max_points: {APPRAISAL: '70,5', SURVEY: 29.5}\n")
        + "title_en: Province X\n", encoding="utf-8")
    scheme = load_scheme(NAME, extra_dirs=(tmp_path,))
    assert scheme.level == "commune" and scheme.years == (2025, 2026, 2027)
    assert scheme.max_points == {"APPRAISAL": 70.5, "SURVEY": 29.5} and scheme.title_en == "Province X"


def test_files_that_are_not_schemes_are_left_alone(tmp_path):
    (tmp_path / "README.md").write_text("not a scheme", encoding="utf-8")
    (tmp_path / f".{NAME}.yaml.swp").write_bytes(b"\0\1")
    (tmp_path / f"~{NAME}.yaml").write_text("- junk", encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / f"{NAME}.yaml").write_text(scheme_text(), encoding="utf-8")
    assert NAME in schemes.available_schemes((tmp_path,))
    assert "folder" not in schemes.available_schemes((tmp_path,))


def test_a_scheme_saved_as_upper_case_yaml_is_read(tmp_path):
    (tmp_path / f"{NAME}.YAML").write_text(scheme_text(), encoding="utf-8")  # as some Windows programs save it
    assert load_scheme(NAME, (tmp_path,)).name == NAME
    assert load_scheme(str(tmp_path / f"{NAME}.YAML")).name == NAME


def test_a_scheme_saved_with_a_hidden_extension_is_pointed_to(tmp_path):
    (tmp_path / f"{NAME}.yaml.txt").write_text(scheme_text(), encoding="utf-8")  # "hide extensions" on Windows
    with pytest.raises(SchemeError) as refused:
        load_scheme(NAME, (tmp_path,))
    assert str(refused.value).startswith(f'unknown scheme "{NAME}"')
    assert f'{tmp_path / f"{NAME}.yaml.txt"} is not read as a scheme (expected a name ending in .yaml: rename it ' \
           f'"{NAME}.yaml")' in str(refused.value)


def test_two_files_with_one_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for sub in ("a", "b"):
        (tmp_path / sub / f"{NAME}.yaml").write_text(scheme_text(), encoding="utf-8")
    with pytest.raises(SchemeError, match=r'b/tinh-x-commune-2025.yaml, field "name": .* is also the name of .*a/'):
        schemes.available_schemes((tmp_path / "a", tmp_path / "b"))
    (tmp_path / "b" / f"{NAME}.yaml").rename(tmp_path / "a" / f"{NAME}.yml")
    with pytest.raises(SchemeError, match="expected one file per name"):
        schemes.available_schemes((tmp_path / "a",))


def test_the_project_folder_is_searched(tmp_path, monkeypatch):
    monkeypatch.setattr(scheme_folders, "PROJECT_SCHEMES_DIR", tmp_path)
    (tmp_path / f"{NAME}.yaml").write_text(scheme_text(), encoding="utf-8")
    scheme = load_scheme(NAME)
    assert scheme.origin == "project"
    assert default_scheme("commune", 2025) == scheme  # not a candidate: its level's default
    assert default_scheme("commune", 2024) is None


def test_a_users_default_comes_before_a_packaged_one_and_two_defaults_are_refused(tmp_path):
    (tmp_path / "provincial-2024-son-la.yaml").write_text(scheme_text(
        name="name: provincial-2024-son-la\n", level="level: province\n", years="years: 2024\n",
        max_points="max_points: {C1: 10, C2: 10, C3: 13, C4: 10.5, C5: 15, C6: 12, C7: 13, C8: 16.5}\n"),
        encoding="utf-8")
    assert default_scheme("province", 2024, (tmp_path,)).name == "provincial-2024-son-la"
    assert default_scheme("province", 2023, (tmp_path,)).name == "provincial-2022"
    (tmp_path / "provincial-2024-ha-noi.yaml").write_text(scheme_text(
        name="name: provincial-2024-ha-noi\n", level="level: province\n", years="years: 2024\n"), encoding="utf-8")
    with pytest.raises(SchemeError, match=r'field "years": two schemes apply to the province level in 2024'):
        default_scheme("province", 2024, (tmp_path,))


def test_a_hooked_key_lands_in_extras(tmp_path, monkeypatch):
    def bands(value, ctx):
        if not isinstance(value, list):
            ctx.fail("is not a list of bands (expected e.g. [90, 80, 65])")
        return tuple(value)

    monkeypatch.setitem(scheme_fields.SCHEME_FIELDS, "bands", SchemeField("bands", bands))
    monkeypatch.setattr(scheme_fields, "VERSION", [scheme_fields.VERSION[0] + 1])  # files are read again
    (tmp_path / f"{NAME}.yaml").write_text(scheme_text() + "bands: [90, 80]\n", encoding="utf-8")
    assert load_scheme(tmp_path / f"{NAME}.yaml").extra("bands") == (90, 80)
    (tmp_path / f"{NAME}.yaml").write_text(scheme_text() + "bands: strong\n", encoding="utf-8")
    with pytest.raises(SchemeError, match=r'line 12, field "bands": "strong" is not a list of bands'):
        load_scheme(tmp_path / f"{NAME}.yaml")


# -- --schemes on each command -----------------------------------------------------------------------

COMMUNE = "Xã Bình Lư"
# A commune's result as points without their maxima: the maxima come from its province's scheme.
COMMUNE_ROWS = ("Đơn vị,Cấp,Năm,Chỉ số,Điểm\n"
                f"{COMMUNE},xã,2025,Điểm thẩm định,\"56,5\"\n{COMMUNE},xã,2025,Điều tra XHH,\"24\"\n")


@pytest.fixture()
def commune(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "xa.csv").write_text(COMMUNE_ROWS, encoding="utf-8")
    folder = tmp_path / "schemes"
    folder.mkdir()
    (folder / f"{NAME}.yaml").write_text(scheme_text(), encoding="utf-8")
    return raw, folder


def test_standardise_and_lift_find_a_scheme_given_with_schemes(commune, tmp_path, capsys):
    raw, folder = commune
    before = digests(raw, folder)
    out = tmp_path / "p"
    code, _, err = run_cli(["standardise", str(raw), "--out", str(out), "--lang", "en"], capsys)
    assert code == 2 and "is points without a maximum" in err  # the scheme is not known without --schemes
    code, stdout, err = run_cli(["standardise", str(raw), "--out", str(out), "--schemes", str(folder)], capsys)
    assert code == 0, err
    code, stdout, err = run_cli(["lift", "--unit", COMMUNE, "--year", "2025", "--scores", str(out / "scores.csv"),
                                 "--target", "85", "--format", "json", "--schemes", str(folder)], capsys)
    assert code == 0, err
    assert '"total_before": 80.5' in stdout
    code, _, err = run_cli(["lift", "--unit", COMMUNE, "--year", "2025", "--scores", str(out / "scores.csv"),
                            "--scheme", NAME, "--lang", "en"], capsys)
    assert code == 2 and f'unknown scheme "{NAME}"' in first_line(err)
    assert digests(raw, folder) == before
    assert schemes.SCHEMES_ENV not in os.environ  # the command's folders are not left behind


@pytest.mark.parametrize("given, fragment", [
    ("{tmp}/nope", "the folder does not exist"),
    ("{tmp}/raw/xa.csv", "is a file, not a folder"),
])
def test_a_schemes_folder_that_is_not_one(commune, tmp_path, capsys, given, fragment):
    code, _, err = run_cli(["standardise", str(tmp_path / "raw"), "--out", str(tmp_path / "p"),
                            "--schemes", given.format(tmp=tmp_path), "--lang", "en"], capsys)
    assert code == 2 and fragment in first_line(err) and "--schemes" in first_line(err)


def test_a_stale_environment_folder_is_named(commune, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(schemes.SCHEMES_ENV, str(tmp_path / "gone"))
    code, _, err = run_cli(["standardise", str(tmp_path / "raw"), "--out", str(tmp_path / "p"), "--lang", "en"],
                           capsys)
    assert code == 2 and f"{schemes.SCHEMES_ENV} {tmp_path / 'gone'}: the folder does not exist" in first_line(err)


def test_a_project_scheme_is_found_by_the_installed_command(commune, tmp_path):
    """The real command in a project of its own (PARINDEX_ROOT): data/schemes/ is read with no option."""
    raw, folder = commune
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    shutil.copytree(raw, project / "data" / "raw")
    shutil.copytree(folder, project / "data" / "schemes")
    env = {**os.environ, "PARINDEX_ROOT": str(project)}
    env.pop(schemes.SCHEMES_ENV, None)
    done = subprocess.run([sys.executable, "-m", "parindex_lib.cli", "standardise"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (project / "data" / "processed" / "scores.csv").exists()
    (project / "data" / "schemes" / "equal-9.yaml").write_text(scheme_text(name="name: equal-9\n"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "parindex_lib.cli", "standardise", "--lang", "en"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"parindex: error: {project / 'data' / 'schemes' / 'equal-9.yaml'}, field \"name\"")


@pytest.fixture()
def commune_pages(commune, tmp_path, monkeypatch):
    """The commune's pages' context, scored by the province's scheme (given as a --schemes folder)."""

    raw, folder = commune
    monkeypatch.setenv(schemes.SCHEMES_ENV, str(folder))
    write_processed(standardise(None, raw), tmp_path / "p", raw_dir=raw)
    return pages.build(scores_path=str(tmp_path / "p" / "scores.csv"), tasks_path=str(tmp_path / "p" / "tasks.csv"),
                       raw_dir=str(raw), unit=COMMUNE, year=2025, period="FY", target=85.0, bound="ge",
                       scheme=NAME, lang="vi")


def test_a_unit_without_a_reported_total_gets_its_consistency_table(commune_pages):
    assert commune_pages.index.scheme.name == NAME and commune_pages.index.total == pytest.approx(80.5)
    html = pages.consistency_table(commune_pages).to_html()
    assert NAME in html and "ha-tinh-commune-2019" in html


def test_the_lift_pages_what_if_names_what_the_units_scheme_lacks(commune_pages):
    text = pages.scenario(commune_pages, C6=55, SIPAS=82).data
    assert "không tính C6, SIPAS: không thuộc phương pháp «tinh-x-commune-2025» (gồm APPRAISAL, SURVEY)" in text
    text = pages.scenario(commune_pages, C6=55, SURVEY=100).data
    assert "không tính C6" in text and "tổng điểm 86,50%" in text  # (56,5 + 30) / 100


@pytest.mark.parametrize("given, fragment", [
    ("Equal-9", 'unknown scheme "Equal-9" (did you mean "equal-9"?'),
    ("equal-9.yaml", 'equal-9.yaml: scheme file does not exist (did you mean the scheme "equal-9"?'),
    ("/etc/passwd", '/etc/passwd: is not a scheme file (expected a .yaml file'),
    ("/etc", "/etc: is a folder (expected a scheme file; a folder of schemes is given with --schemes)"),
    ("provincial-2016", 'scheme "provincial-2016" is made for the province level, not for a district'),
])
def test_a_scheme_asked_for_that_cannot_be_used(shipped, tmp_path, capsys, given, fragment):
    from parindex_lib.standardise import write_processed

    write_processed(shipped, tmp_path)
    code, _, err = run_cli(["lift", "--unit", "Tam Đường", "--year", "2023", "--scheme", given, "--scores",
                            str(tmp_path / "scores.csv"), "--lang", "en"], capsys)
    assert code == 2 and fragment in first_line(err), err
