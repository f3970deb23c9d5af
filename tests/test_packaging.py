"""What the distribution installs: the rule catalogue as ``advisor.rules``, never a top-level
``rules`` that would collide with other distributions (django-rules uses that name)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _configured() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


def test_every_package_folder_is_listed_and_advisor_rules_is_the_rules_folder():
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "advisor").glob("*/__init__.py")
    }
    assert set(_configured()["packages"]) == folders | {"advisor"}
    link = ROOT / "advisor" / "rules"
    assert link.is_symlink() and link.resolve() == (ROOT / "rules").resolve()


def test_the_wheel_installs_only_the_advisor_package(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = tmp_path.glob("ecs_advisor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("ecs_advisor-")}
    assert top_level == {"advisor"}
    assert "advisor/rules/__init__.py" in names and "advisor/rules/security.py" in names
    assert not any(name.startswith("rules/") for name in names)


def test_the_installed_catalogue_is_advisor_rules_and_rules_is_not_importable(tmp_path):
    # Run from an empty folder, so the repository's own rules/ folder is not on the path.
    program = (
        "import importlib.util, advisor.rules as r\n"
        "print(len(r.ALL_RULES), importlib.util.find_spec('rules') is None)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    count, absent = run.stdout.split()
    assert int(count) > 40 and absent == "True"
