"""parindex as a package: `parindex init` makes a working project, commands find the project they run in, and a
wheel built from the checkout installs into a fresh environment and runs outside it."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from parindex_lib.cli import main
from parindex_lib.config import ROOT_ENV, STARTER_DIR, Project, find_project
from parindex_lib.errors import ParindexError
from parindex_lib.project import init_project, starter_files

#: The repository's own example project, which the starter links and a wheel carries.
EXAMPLE_FOLDERS = ("data/raw", "data/schemes", "params", "examples")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def no_root(monkeypatch):
    """No $PARINDEX_ROOT: the project is found from the current folder."""
    monkeypatch.delenv(ROOT_ENV, raising=False)


def test_the_starter_is_the_repository_example_project():
    """One copy of each file: the starter's data/raw, params and examples are the repository's."""
    shipped = {str(p) for p in starter_files()}
    expected = {"README.md"} | {str(Path(d, f).relative_to(ROOT)) for folder in EXAMPLE_FOLDERS
                                for d, _, files in os.walk(ROOT / folder) for f in files if not f.startswith(".")}
    assert shipped == expected
    for folder in EXAMPLE_FOLDERS:
        assert (STARTER_DIR / folder).resolve() == (ROOT / folder).resolve()
    assert {"data/raw/manifest.yaml", "params/2024-FY.yaml", "examples/scheme-template.yaml"} <= shipped


def test_package_data_declares_everything_the_commands_read():
    """Every file the package reads at run time is matched by a package-data pattern (else a wheel lacks it)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["parindex_lib"]
    package = ROOT / "parindex_lib"
    declared = {Path(p).resolve() for pattern in patterns  # glob as setuptools does: through the starter's links
                for p in glob.glob(str(package / pattern), recursive=True) if Path(p).is_file()}
    needed = [Path(d, f) for d, _, files in os.walk(package, followlinks=True) for f in files
              if not f.endswith((".py", ".pyc")) and not f.startswith(".")]
    assert needed and [str(p.relative_to(package)) for p in needed if p.resolve() not in declared] == []


def test_init_writes_a_working_project(tmp_path):
    created = init_project(tmp_path / "cchc")
    root = tmp_path / "cchc"
    assert created.project == Project(root) and created.kept == ()
    assert sorted(str(p.relative_to(root)) for p in created.written) == sorted(str(p) for p in starter_files())
    for folder in EXAMPLE_FOLDERS:
        assert tree(root / folder) == tree(ROOT / folder)
    for empty in ("data/processed", "reports"):
        assert (root / empty).is_dir() and not any((root / empty).iterdir())
    assert [p.suffix for p in (root / "data" / "schemes").iterdir()] == [".md"]  # what to put there, no scheme
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "Làm gì tiếp theo" in readme and "What to do next" in readme
    assert "parindex run --params params/2024-FY.yaml" in readme


def test_init_refuses_a_folder_that_is_not_empty_and_never_overwrites(tmp_path):
    root = tmp_path / "office"
    (root / "params").mkdir(parents=True)
    mine = root / "params" / "2024-FY.yaml"
    mine.write_text("year: 2025\n", encoding="utf-8")
    with pytest.raises(ParindexError, match=r"office: is not empty; its files are left alone.*--force"):
        init_project(root)
    assert tree(root) == {"params/2024-FY.yaml": b"year: 2025\n"}
    created = init_project(root, force=True)
    assert mine.read_bytes() == b"year: 2025\n" and created.kept == (mine,)
    assert (root / "params" / "2024-Q3.yaml").exists() and (root / "data" / "raw" / "manifest.yaml").exists()
    again = init_project(root, force=True)  # a second time: everything is there, nothing written
    assert again.written == () and len(again.kept) == len(starter_files())


def test_init_refuses_a_file_and_the_package_itself(tmp_path):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(ParindexError, match="f: is a file"):
        init_project(tmp_path / "f")
    with pytest.raises(ParindexError, match="inside the installed parindex package"):
        init_project(STARTER_DIR / "x")


def test_cli_init_says_what_it_did_and_what_comes_next(tmp_path, capsys):
    assert main(["init", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert f"Đã tạo dự án parindex tại {tmp_path / 'a'}: dữ liệu mẫu, tệp tham số, mẫu biểu và README.md." in out
    assert "parindex run --params params/2024-FY.yaml" in out and "reports/2024-FY/index.html" in out
    assert main(["init", str(tmp_path / "a"), "--lang", "en"]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "a"), "--force", "--lang", "en"]) == 0
    assert f"Kept {len(starter_files())} file(s) already there, none overwritten" in capsys.readouterr().out


def test_the_project_is_the_current_folder_or_the_nearest_above_it(tmp_path, no_root, monkeypatch):
    init_project(tmp_path / "p")
    assert find_project(tmp_path / "p" / "reports") == Project(tmp_path / "p")
    assert find_project(tmp_path / "p") == Project(tmp_path / "p")
    assert find_project(tmp_path) is None
    assert find_project(STARTER_DIR) != Project(STARTER_DIR)  # the package's starter is never a project
    monkeypatch.setenv(ROOT_ENV, str(tmp_path / "elsewhere"))
    assert find_project(tmp_path / "p") == Project(tmp_path / "elsewhere")


def test_commands_work_in_the_project_from_any_folder_inside_it(tmp_path, no_root, monkeypatch, capsys):
    init_project(tmp_path / "p")
    monkeypatch.chdir(tmp_path / "p" / "reports")
    assert main(["standardise"]) == 0
    assert (tmp_path / "p" / "data" / "processed" / "scores.csv").exists()
    assert main(["lift", "--unit", "Tam Đường", "--year", "2023", "--format", "json"]) == 0
    assert '"feasible": true' in capsys.readouterr().out
    assert ROOT_ENV not in os.environ  # named for the command's workers only, then restored


def test_without_a_project_a_command_says_how_to_make_one(tmp_path, no_root, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parindex: lỗi: ") and err.count("\n") == 1
    assert "không thuộc dự án parindex nào" in err and "`parindex init THƯ_MỤC`" in err
    assert main(["lift", "--unit", "Tam Đường", "--year", "2023", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parindex: error: ") and err.count("\n") == 1
    assert "is not in a parindex project" in err and "`parindex init FOLDER`" in err
    assert not any(tmp_path.iterdir())  # nothing written
    # Explicit paths need no project.
    out = tmp_path / "processed"
    assert main(["standardise", str(ROOT / "data" / "raw" / "tam_duong_2024_ke_hoach_chi_so.tsv"), "--unit",
                 "Tam Đường", "--level", "district", "--out", str(out)]) == 0
    assert (out / "scores.csv").exists()


def test_params_are_found_by_name_in_the_project(tmp_path, no_root, monkeypatch):
    from parindex_lib.cli import _params_file

    init_project(tmp_path / "p")
    monkeypatch.chdir(tmp_path / "p" / "reports")
    project = Project(tmp_path / "p")
    for given in ("2024-FY", "2024-FY.yaml", "params/2024-FY.yaml"):
        assert _params_file(Path(given), project) == project.params / "2024-FY.yaml"
    assert _params_file(Path("2030-FY"), project) == Path("2030-FY")  # said missing by the run, as typed


def test_the_python_running_the_tests_is_a_declared_version():
    """The classifiers name the Python versions the suite runs on; running it on another means declaring it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = "{}.{}".format(*sys.version_info[:2])
    assert f"Programming Language :: Python :: {version}" in project["classifiers"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


# --- The wheel, in a fresh environment, outside the checkout -------------------------------------------------------

def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment of a user who never saw the checkout: no project named, no checkout on the path, and
    Jupyter's user folder empty (so the only kernelspec found is the one the fresh environment installs)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PARINDEX_", "PYTHON", "VIRTUAL_ENV", "JUPYTER", "CONDA"))}
    env["JUPYTER_DATA_DIR"] = str(tmp / "jupyter-data")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not Path(p).resolve().is_relative_to(ROOT))
    return env


def _install_wheel(tmp: Path, env: dict[str, str]) -> Path:
    """Build the sdist and, from it, the wheel (as an index would), and install the wheel into a fresh virtual
    environment. With uv (a dev dependency) this takes seconds from its cache; pip is the fallback."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    dist, venv = tmp / "dist", tmp / "venv"
    if uv:
        subprocess.run([uv, "build", "--quiet", "--out-dir", dist, ROOT], check=True, env=env, cwd=tmp)
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, venv], check=True, env=env, cwd=tmp)
        (wheel,) = dist.glob("*.whl")
        subprocess.run([uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", wheel], check=True,
                       env=env, cwd=tmp)
    else:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, ROOT], check=True,
                       env=env, cwd=tmp)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, env=env, cwd=tmp)
        (wheel,) = dist.glob("*.whl")
        subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-compile",
                        "--disable-pip-version-check", wheel], check=True, env=env, cwd=tmp)
    return venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with the wheel installed, and the environment to run it in."""
    tmp = tmp_path_factory.mktemp("wheel")
    assert not tmp.resolve().is_relative_to(ROOT)
    env = _clean_env(tmp)
    return _install_wheel(tmp, env), env, tmp


@pytest.mark.slow  # builds, installs and runs in a fresh environment
def test_the_wheel_holds_the_package_data_and_its_metadata(installed):
    venv, env, tmp = installed
    probe = ("import importlib.metadata as m, parindex_lib, parindex_lib.config as c; d = m.distribution('parindex');"
             "print(parindex_lib.__file__); print(d.metadata['License-Expression']); print(d.metadata['License-File']);"
             "print(len(list(c.NOTEBOOKS_DIR.glob('*.ipynb'))), len(list(c.STARTER_DIR.rglob('*.*'))))")
    out = subprocess.run([venv / "bin" / "python", "-c", probe], env=env, cwd=tmp, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert Path(out[0]).resolve().is_relative_to(venv.resolve())  # the installed copy, not the checkout
    assert out[1:3] == ["MIT", "LICENSE"]
    notebooks, starter = map(int, out[3].split())
    assert notebooks == len(list((ROOT / "parindex_lib" / "notebooks").glob("*.ipynb")))
    assert starter == len(starter_files())


@pytest.mark.slow  # builds, installs and runs in a fresh environment
def test_the_installed_package_makes_a_project_and_reports_on_it(installed):
    """`parindex init` then `parindex run`, in a folder outside the checkout, with nothing but the wheel."""
    venv, env, tmp = installed
    parindex = str(venv / "bin" / "parindex")
    (tmp / "work").mkdir()

    def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([parindex, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900)

    lost = cli("run", cwd=tmp / "work")
    assert lost.returncode == 2 and lost.stderr.count("\n") == 1 and "parindex init" in lost.stderr, lost.stderr
    made = cli("init", "cchc", cwd=tmp / "work")
    assert made.returncode == 0, made.stderr
    project = tmp / "work" / "cchc"
    run = cli("run", "--params", "params/2024-FY.yaml", "--level", "district", "--workers", "1", cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr
    folder = project / "reports" / "2024-FY"
    (unit,) = [p for p in folder.iterdir() if p.is_dir()]
    assert unit.name.startswith("tam-duong-")
    assert sorted(p.name for p in unit.glob("*.html")) == ["lift.html", "summary.html", "trends.html",
                                                           "weighting.html"]
    assert (folder / "index.html").exists() and (folder / "parindex-2024-FY.xlsx").exists()
    assert "Tam Đường" in (unit / "summary.html").read_text(encoding="utf-8")
    spec = venv / "share" / "jupyter" / "kernels" / "parindex" / "kernel.json"
    assert str(venv) in spec.read_text(encoding="utf-8")  # the pages ran on the fresh environment's kernel
    assert tree(project / "data" / "raw") == tree(ROOT / "data" / "raw")  # inputs never written


@pytest.mark.slow  # builds, installs and runs in a fresh environment
def test_make_install_in_a_fresh_clone_says_one_line(tmp_path):
    """`make install` prints what it does in one line: no setuptools banner, no pip notice, no recipe echoed.

    The clone is the working tree as committed and not yet committed (links kept); its dependencies are put in
    its environment first (from uv's cache), so that what is measured is the Makefile's own install.
    """
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    if not shutil.which("make") or not uv:
        pytest.fail("make and uv are needed (uv is a dev dependency: make install)")
    clone = tmp_path / "clone"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src, dst = ROOT / name, clone / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        elif src.is_file():
            shutil.copy2(src, dst)
    env = _clean_env(tmp_path)
    env.pop("PIP_DISABLE_PIP_VERSION_CHECK", None)  # the Makefile must silence pip's notice itself
    for name in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS"):  # a user's shell, not the `make test` running this test
        env.pop(name, None)
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, venv], check=True, env=env)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", "-r", "pyproject.toml",
                    "--extra", "dev"], check=True, env=env, cwd=clone)
    made = subprocess.run(["make", "install", f"VENV={venv}"], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    lines = [line for line in (made.stdout + made.stderr).splitlines()
             if not line.startswith("WARNING: Location ")]  # a pip.conf index lacking a package
    assert lines[0].startswith("Installing parindex and its dependencies into")
    noise = [line for line in lines if any(mark in line for mark in (
        "Editable installation", "BuildBackendWarning", "[notice]", "!!", "*****", "-m pip", "-m venv"))]
    assert noise == [], "\n".join(lines)
    assert (venv / ".installed").exists()
