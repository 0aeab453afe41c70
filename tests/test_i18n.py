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

    def test_every_view_of_the_addon_combines_in_greek(self):
        """Odoo applies the inherited views to each language's translated arch: an xpath that
        looks for an English text finds nothing in Greek and the page fails to render."""
        self.env["res.lang"]._activate_lang("el_GR")
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        View = self.env["ir.ui.view"].with_context(lang="el_GR")
        views = View.browse(
            self.env["ir.model.data"]
            .search([("module", "=", "certified_support"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        self.assertTrue(views)
        for view in views:
            root = view
            while root.mode != "primary" and root.inherit_id:
                root = root.inherit_id
            with self.subTest(view=view.xml_id):
                root._get_combined_arch()
