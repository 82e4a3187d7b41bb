"""The dependency floors match the code, and pyproject.toml and environment.yml agree (nothing installed)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

import yaml

from conftest import ROOT

# Import name → distribution name, where they differ.
DISTRIBUTION = {"docx": "python-docx", "yaml": "pyyaml", "IPython": "ipykernel", "bs4": "beautifulsoup4",
                "jupyter_client": "ipykernel", "jupyter_core": "ipykernel", "nbclient": "nbconvert", "jinja2": "jinja2",
                "distributed": "dask"}
#: The versions the code needs at least: ``pandera.pandas`` appeared in pandera 0.24.
FLOORS = {"pandera": (0, 24), "pandas": (2, 1), "jinja2": (3, 1)}


def _specs(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        m = re.match(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)", line)
        if m and m.group(1) not in {"python", "pip", "-e"}:
            out[m.group(1).lower()] = m.group(2).replace(" ", "")
    return out


def pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return _specs(data["dependencies"] + data["optional-dependencies"]["dev"])


def environment() -> dict[str, str]:
    deps = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    flat = [d for d in deps if isinstance(d, str)] + [p for d in deps if isinstance(d, dict) for p in d["pip"]]
    return _specs([d.replace("=", "==", 1) if re.fullmatch(r"[\w\-]+=[\d.]+", d) else d for d in flat])


def test_both_files_list_the_same_packages_with_the_same_ranges():
    py, env = pyproject(), environment()
    assert py == {k: v for k, v in env.items() if k in py}
    assert set(py) <= set(env)


def test_floors_match_what_the_code_needs():
    py = pyproject()
    for name, floor in FLOORS.items():
        m = re.search(r">=([\d.]+)", py[name])
        assert m, f"{name} has no floor"
        assert tuple(int(x) for x in m.group(1).split(".")[:2]) >= floor, (name, py[name])


def test_every_third_party_import_is_declared():
    declared = set(pyproject())
    stdlib = set(sys.stdlib_module_names)
    for path in (ROOT / "parindex_lib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top == "parindex_lib":
                    continue
                dist = DISTRIBUTION.get(top, top).lower().replace("_", "-")
                assert dist in declared, f"{path.name} imports {top}, which pyproject.toml does not declare"
