"""The layers (docs/architecture.md) hold: no app imports a layer above its own, nothing
imports in a cycle, services never take forms, and every app of ours has a stated layer."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

PYPROJECT = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
LINTER = PYPROJECT["tool"]["importlinter"]


def contract(contract_id: str) -> dict:
    (found,) = [c for c in LINTER["contracts"] if c["id"] == contract_id]
    return found


def our_apps() -> list[str]:
    """The installed apps whose code is in this project: its top-level packages."""
    return [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    ]


def test_the_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [linter, "--no-cache"], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_app_of_ours_states_its_layer():
    layered = [name.strip() for layer in contract("layers")["layers"] for name in layer.split("|")]
    for app in our_apps():
        assert layered.count(app) == 1, (
            f"Put the app {app!r} in exactly one layer of the 'layers' contract in "
            "pyproject.toml (and in docs/architecture.md)."
        )
        assert app in LINTER["root_packages"], f"Add {app!r} to root_packages in pyproject.toml."
        assert app in contract("no-cycles")["ancestors"], (
            f"Add {app!r} to the ancestors of the 'no-cycles' contract in pyproject.toml."
        )


def test_the_settings_list_our_apps_bottom_layer_first():
    order = [
        name.strip()
        for layer in reversed(contract("layers")["layers"])
        for name in layer.split("|")
    ]
    installed = [app for app in settings.INSTALLED_APPS if app in order]
    assert installed == sorted(installed, key=order.index)


def test_every_folder_of_tests_is_run():
    """`make test` runs the test paths pyproject.toml lists: a folder of tests left out
    of them is never run (the jobs app's were not, for a while)."""
    listed = set(PYPROJECT["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {path.parent.parent.name for path in settings.BASE_DIR.glob("*/tests/*.py")}
    assert folders <= listed, f"Add {sorted(folders - listed)} to testpaths in pyproject.toml."
