"""The house rules of the package layout (docs/architecture.md), checked on the source itself."""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import newsaudit
from newsaudit._compat import MOVED

PACKAGE = Path(newsaudit.__file__).parent
REPO = PACKAGE.parent.parent
#: A module longer than this is no longer read in one sitting; split it at its seams.
MAX_LINES = 450


def python_files(*roots: Path) -> list[Path]:
    return sorted(path for root in roots if root.exists() for path in root.rglob("*.py"))


def private_imports(path: Path, root: Path = REPO) -> list[str]:
    """`from newsaudit.x import _name` lines in one file: a private name used outside its own module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "newsaudit":
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {node.module}.{alias.name}")
    return found


def test_layout_no_private_name_is_imported_across_modules():
    roots = (PACKAGE, REPO / "scripts", REPO / "benchmarks")
    offenders = [line for path in python_files(*roots) for line in private_imports(path)]
    assert offenders == []


def test_layout_private_import_check_catches_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from newsaudit.models.stance import _stem\nfrom newsaudit import __version__\n")
    assert private_imports(sample, tmp_path) == ["sample.py:1: newsaudit.models.stance._stem"]


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is not installed (the dev extra)")
def test_layout_import_contracts_hold():
    """Layers only point down and nothing imports in a cycle (the contracts in pyproject.toml)."""
    result = subprocess.run(["lint-imports"], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_layout_modules_are_small_enough_to_read():
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in python_files(PACKAGE)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_layout_every_folder_is_described_in_the_architecture_doc():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    assert [name for name in folders if f"`{name}/`" not in doc] == []


@pytest.mark.parametrize("old", sorted(MOVED))
def test_layout_old_import_paths_still_work_with_a_warning(old):
    for name in [name for name in sys.modules if name == old or name.startswith(old + ".")]:
        del sys.modules[name]
    with pytest.warns(DeprecationWarning, match="moved to"):
        module = importlib.import_module(old)
    for number, target in enumerate(MOVED[old]):
        current = importlib.import_module(target)
        names = getattr(current, "__all__", None) or [n for n in vars(current) if not n.startswith("_")]
        assert set(names) <= set(vars(module))
        if number == 0:  # the first module's names win where two share one
            assert all(getattr(module, name) is getattr(current, name) for name in names)


def test_layout_the_package_imports_without_deprecation_warnings():
    code = "import warnings; warnings.simplefilter('error'); import newsaudit, newsaudit.cli, newsaudit.stages"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.import_module("newsaudit.auditor")
