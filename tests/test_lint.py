"""The lint settings that tools/test applies (.ruff.toml, .pylintrc), run by tools/test.

tools/lint checks the addon itself before the tests run; these tests check that the
settings catch what OCA's catch: samples written in a temporary folder are linted with the
checkout's configuration files and the virtualenv's pinned ruff and pylint-odoo.

Not imported by tests/__init__.py: Odoo's own test runner has nothing to do with the tooling.
"""

import ast
import json
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout (the addon link resolved)
BIN = Path(sys.executable).parent


class TestLintSettings(unittest.TestCase):
    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix="cs-lint-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def _write(self, name, text):
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def _ruff(self, path):
        proc = subprocess.run(
            [BIN / "ruff", "check", "--no-fix", "--config", ROOT / ".ruff.toml", "--output-format=json", path],
            capture_output=True,
            text=True,
            check=False,
        )
        return {(item["code"], item["location"]["row"]) for item in json.loads(proc.stdout)}

    def _pylint(self, addon):
        proc = subprocess.run(
            [BIN / "pylint", f"--rcfile={ROOT / '.pylintrc'}", "--output-format=json", addon.name],
            cwd=addon.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        return {(item["symbol"], Path(item["path"]).name) for item in json.loads(proc.stdout)}

    def test_ruff_lines_of_120_and_odoo_import_sections(self):
        path = self._write(
            "sample.py",
            f'''\
            import requests

            from odoo import fields

            from odoo.addons.mail.tools import parser

            FITS = "{"x" * 111}"
            TOO_LONG = "{"x" * 108}"
            ''',
        )
        self.assertEqual(self._ruff(path), {("F401", 1), ("F401", 3), ("F401", 5), ("E501", 8)})
        # odoo before the third-party packages: the import block is not sorted
        path = self._write("unsorted.py", "from odoo import fields\nimport requests\n\nprint(fields, requests)\n")
        self.assertIn(("I001", 1), self._ruff(path))

    def test_pylint_odoo_with_oca_checks(self):
        manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text(encoding="utf-8"))
        addon = self.tmp / "sample_addon"
        models = """\
            from odoo import models


            class ResPartner(models.Model):
                _inherit = "res.partner"

                def action_sample(self):
                    self.env.cr.commit()
                    return self.env._("Hello %s" % self.name)
            """
        self._write("sample_addon/__init__.py", "from . import models\n")
        self._write("sample_addon/models/__init__.py", "from . import res_partner\nfrom . import res_partner_more\n")
        self._write("sample_addon/models/res_partner.py", models)
        # a second file extending the same model: one file per model (issue 16)
        self._write(
            "sample_addon/models/res_partner_more.py",
            'from odoo import models\n\n\nclass ResPartner(models.Model):\n    _inherit = "res.partner"\n',
        )
        self._write("sample_addon/README.rst", "Sample\n")
        self._write(
            "sample_addon/__manifest__.py",
            repr({"name": "Sample", "version": "19.0.1.0.0", "license": "LGPL-3", "author": manifest["author"]}),
        )
        found = self._pylint(addon)
        self.assertIn(("invalid-commit", "res_partner.py"), found)
        self.assertIn(("translation-not-lazy", "res_partner.py"), found)  # "…%s" % value inside _()
        self.assertNotIn("manifest-required-author", {symbol for symbol, _file in found})
        self.assertIn("consider-merging-classes-inherited", {symbol for symbol, _file in found})
        # an addon of another author is refused, as OCA refuses an addon not authored by OCA
        self._write(
            "sample_addon/__manifest__.py", repr({"name": "Sample", "version": "19.0.1.0.0", "license": "LGPL-3"})
        )
        self.assertIn(("manifest-required-author", "__manifest__.py"), self._pylint(addon))
