"""The addon as a Python distribution (pyproject.toml, OCA's whool), run by tools/test.

``pip wheel`` builds the wheel from the checkout as an integrator would, with the whool of
the virtualenv (tools/requirements.txt) and no package index, and ``pip install --target``
installs it into a throw-away folder: there the addon must be whole, under
odoo/addons/certified_support/, without the development tooling and without any file of
Odoo, and the metadata must be derived from the manifest.

Not imported by tests/__init__.py: Odoo's own test runner has nothing to do with packaging.
"""

import ast
import email.parser
import glob
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout (the addon link resolved)
ADDON = "certified_support"


def _is_tooling(name):
    """The repository's development tooling, never in the wheel: tools/, every dot-file and
    dot-folder of the root (.ci/, git, pre-commit and lint settings), DEVELOPERS.md and
    pyproject.toml (a rule, not a copy of tools/whool_backend.py's list: a new dot-file must stay out too)."""
    return name.startswith(("tools/", ".")) or name in ("DEVELOPERS.md", "pyproject.toml")


class TestPackaging(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = tempfile.TemporaryDirectory(prefix="cs-wheel-")
        cls.addClassCleanup(tmp.cleanup)
        cls.tmp = Path(tmp.name)
        # PIP_NO_INDEX: nothing is downloaded; PIP_CONSTRAINT: a machine-wide constraints
        # file (tools/lib.sh) must not apply.
        cls.env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_CONSTRAINT": ""}
        cls._pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", cls.tmp / "dist", ROOT)
        wheels = list((cls.tmp / "dist").glob("*.whl"))
        assert len(wheels) == 1, wheels
        cls.wheel = wheels[0]
        cls.target = cls.tmp / "target"
        cls._pip("install", "--no-deps", "--target", cls.target, cls.wheel)
        cls.installed = cls.target / "odoo" / "addons" / ADDON
        cls.manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text(encoding="utf-8"))

    @classmethod
    def _pip(cls, *args):
        proc = subprocess.run(
            [sys.executable, "-m", "pip", *map(str, args), "--quiet", "--disable-pip-version-check"],
            env=cls.env,
            cwd=cls.tmp,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, f"pip {args[0]} failed:\n{proc.stdout}\n{proc.stderr}"

    def _metadata(self):
        with zipfile.ZipFile(self.wheel) as whl:
            (name,) = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
            return email.parser.HeaderParser().parsestr(whl.read(name).decode())

    def test_name_version_and_dependencies_come_from_the_manifest(self):
        meta = self._metadata()
        self.assertEqual(meta["Name"], "odoo-addon-certified_support")
        self.assertEqual(meta["Version"], self.manifest["version"])
        self.assertTrue(self.manifest["version"].startswith("19.0."))
        self.assertEqual(self.wheel.name, f"odoo_addon_certified_support-{self.manifest['version']}-py3-none-any.whl")
        self.assertEqual(meta["License"], self.manifest["license"])
        # Every addon it depends on is one of Odoo's own: one requirement on Odoo 19.0, no
        # odoo-addon-* package; plus the manifest's external Python dependencies.
        self.assertEqual(
            set(meta.get_all("Requires-Dist")),
            {"odoo==19.0.*", *self.manifest["external_dependencies"]["python"]},
        )

    def test_the_installed_addon_is_whole(self):
        self.assertEqual(
            (self.installed / "__manifest__.py").read_text(encoding="utf-8"),
            (ROOT / "__manifest__.py").read_text(encoding="utf-8"),
        )
        for name in self.manifest["data"] + self.manifest["demo"] + ["i18n/el.po", "i18n/certified_support.pot"]:
            with self.subTest(file=name):
                self.assertTrue((self.installed / name).is_file())
        for bundle, patterns in self.manifest["assets"].items():
            for pattern in patterns:
                with self.subTest(bundle=bundle, pattern=pattern):
                    self.assertTrue(glob.glob(str(self.target / "odoo" / "addons" / pattern), recursive=True))
        # exactly the addon's tracked files, less the development tooling
        tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        expected = {
            name for name in tracked.decode().split("\0") if name and (ROOT / name).is_file() and not _is_tooling(name)
        }
        installed = {p.relative_to(self.installed).as_posix() for p in self.installed.rglob("*") if p.is_file()}
        installed = {name for name in installed if "__pycache__" not in name}  # pip compiles the .py files
        self.assertEqual(installed, expected)

    def test_nothing_but_the_addon_is_installed(self):
        dist_info = f"odoo_addon_certified_support-{self.manifest['version']}.dist-info"
        self.assertEqual(sorted(p.name for p in self.target.iterdir()), sorted(["odoo", dist_info]))
        # odoo and odoo.addons stay namespace packages: no file of Odoo's, no __init__.py
        self.assertEqual([p.name for p in (self.target / "odoo").iterdir()], ["addons"])
        self.assertEqual([p.name for p in (self.target / "odoo" / "addons").iterdir()], [ADDON])
