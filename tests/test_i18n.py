from pathlib import Path

import polib

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupportCommon

I18N = Path(__file__).parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestGreek(SupportCommon):

    def test_every_string_is_translated_to_greek(self):
        template = {entry.msgid for entry in polib.pofile(str(I18N / "certified_support.pot"))}
        greek = polib.pofile(str(I18N / "el.po"))
        self.assertEqual({entry.msgid for entry in greek}, template, "el.po is merged with the .pot")
        untranslated = [entry.msgid for entry in greek if not entry.msgstr or "fuzzy" in entry.flags]
        self.assertFalse(untranslated, "strings without a Greek translation")

    def test_greek_user_sees_greek(self):
        self.env["res.lang"]._activate_lang("el_GR")
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        env_el = self.env(context=dict(self.env.context, lang="el_GR"))
        states = dict(env_el["support.contract"]._fields["state"]._description_selection(env_el))
        self.assertEqual(states["active"], "Ενεργή")
        self.assertEqual(env_el["ir.model"]._get("support.contract").name, "Σύμβαση Τεχνικής Υποστήριξης ΕΣΤΕΣ")
        contract = self._create_contract(start="2026-01-01", end="2099-12-31", state="active")
        with self.assertRaisesRegex(UserError, "Μόνο προσχέδια συμβάσεων μπορούν να ενεργοποιηθούν"):
            contract.with_env(env_el).action_activate()
