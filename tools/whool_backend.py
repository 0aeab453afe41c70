"""PEP 517 build backend of the addon: OCA's whool, run on a copy of the addon.

whool packages the files git tracks in the addon's folder, and names the distribution
after that folder. This repository's root is the addon, with its development tooling
beside the code, and a clone may be called anything: each hook copies the tracked files,
less the tooling (``NOT_SHIPPED``), into a temporary folder named ``certified_support``
and calls the same hook of whool there. Outside git, whool takes the version from the
manifest as it is (no ``.devN`` suffix); the dependencies are derived from the manifest.
"""

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from whool import buildapi as whool

ADDON = "certified_support"
# Development tooling and its configuration: in the repository, not in the distributions.
NOT_SHIPPED_DIRS = ("tools/", ".ci/")
NOT_SHIPPED_FILES = {
    ".gitignore",
    ".pre-commit-config.yaml",
    ".pylintrc",
    ".pylintrc-mandatory",
    ".ruff.toml",
    "DEVELOPERS.md",
}
# What an sdist needs besides the addon to build the wheel again (whool leaves
# pyproject.toml out of the wheel itself).
SDIST_EXTRA = {"pyproject.toml", "tools/whool_backend.py"}


def _files(root):
    """The files to package, relative to ``root``: those git tracks, or all in an sdist."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):  # an unpacked sdist: no git
        return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    return [name for name in out.decode().split("\0") if name and (root / name).is_file()]


def _shipped(name, sdist):
    if sdist and name in SDIST_EXTRA:
        return True
    return name not in NOT_SHIPPED_FILES and not name.startswith(NOT_SHIPPED_DIRS) and "__pycache__" not in name


@contextmanager
def _in_addon_copy(sdist=False):
    root = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        addon = Path(tmp, ADDON)
        addon.mkdir()
        for name in _files(root):
            if name == "PKG-INFO" or _shipped(name, sdist):  # PKG-INFO: building from an sdist
                (addon / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / name, addon / name)
        os.chdir(addon)
        try:
            yield
        finally:
            os.chdir(root)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with _in_addon_copy():
        return whool.build_wheel(wheel_directory, config_settings)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = os.path.abspath(sdist_directory)
    with _in_addon_copy(sdist=True):
        return whool.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = os.path.abspath(metadata_directory)
    with _in_addon_copy():
        return whool.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """``pip install -e``: whool links the checkout itself, which must then be named certified_support."""
    if Path.cwd().name != ADDON:
        raise RuntimeError(f"an editable install links the checkout: clone it into a folder named {ADDON}")
    return whool.build_editable(wheel_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return whool.prepare_metadata_for_build_editable(metadata_directory, config_settings)
