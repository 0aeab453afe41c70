"""What the A1 Form's document says: the parties with their address, ΑΦΜ and
ΔΟΥ, the installation and its version, the customer's description, the firm that invoices,
the accepted against the delivered amounts, and the technician's signature beside the
customer's and the stamp; on the PDF and on the customer's portal page, in Greek and English."""

import re

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import UserError
from odoo.tests import tagged

from .a1_common import A1FormMixin
from .common import SupportCommon, SupportHttpCommon


def _text(node):
    """The visible text of a node: line breaks as spaces, whitespace (non-breaking spaces
    included) collapsed, without the zero-width no-break space Odoo puts after a minus sign."""
    for br in node.iter("br"):
        br.tail = " " + (br.tail or "")
    return re.sub(r"\s+", " ", node.text_content().replace("\xa0", " ").replace("\ufeff", "")).strip()


# What the document says in each language, the same on the PDF and on the customer's page.
DOCUMENT_TEXTS = {
    "el_GR": {
        "customer_tax": "ΑΦΜ: EL094761359 · ΔΟΥ: Καλλιθέας",
        "firm_tax": "ΑΦΜ: EL801456783 · ΔΟΥ: Αμαρουσίου",
        "firm_invoices": "Συνεργαζόμενη εταιρεία – εκδίδει το τιμολόγιο",
        "installation": "Πήγασος Μισθοδοσία, έκδοση 3.8",
        "currency": "Ποσά σε EUR",
        "amounts": (
            "Αποδεκτά από τον πελάτη 54,00 € 12,96 € 66,96 €",
            "Παραδόθηκαν (αυτό το Δελτίο Α1) 36,00 € 8,64 € 44,64 €",
            "Διαφορά (παραδοθέντα − αποδεκτά) -18,00 € -4,32 € -22,32 €",
        ),
        "signature": "Υπογραφή τεχνικού",
    },
    "en_US": {
        "customer_tax": "VAT number: EL094761359 · Tax office: Καλλιθέας",
        "firm_tax": "VAT number: EL801456783 · Tax office: Αμαρουσίου",
        "firm_invoices": "Partner firm – issues the invoice",
        "installation": "Πήγασος Μισθοδοσία, version 3.8",
        "currency": "Amounts in EUR",
        "amounts": (
            "Accepted by the customer 54.00 € 12.96 € 66.96 €",
            "Delivered (this A1 Form) 36.00 € 8.64 € 44.64 €",
            "Difference (delivered − accepted) -18.00 € -4.32 € -22.32 €",
        ),
        "signature": "Technician's signature",
    },
}


class A1DocumentMixin(A1FormMixin):
    """The A1 data of A1FormMixin in euros, with a full customer, firm and installation."""

    @classmethod
    def _setup_a1_document_data(cls):
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company.currency_id = eur
        cls._setup_a1_data()
        cls.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        greece = cls.env.ref("base.gr")
        cls.customer.write(
            {
                "street": "Λεωφ. Συγγρού 120",
                "zip": "117 45",
                "city": "Αθήνα",
                "country_id": greece.id,
                "vat": "EL094761359",
                "support_tax_office": "Καλλιθέας",
            }
        )
        cls.firm.write(
            {
                "street": "Κηφισίας 44",
                "zip": "151 25",
                "city": "Μαρούσι",
                "country_id": greece.id,
                "vat": "EL801456783",
                "support_tax_office": "Αμαρουσίου",
            }
        )
        # The vendor (the company of the form) without a phone: its contact line is its e-mail only.
        cls.company.write(
            {"phone": False, "email": "info@pigasos.example.gr", "vat": False, "support_tax_office": "ΦΑΕ Αθηνών"}
        )
        cls.installation = cls.env["support.installation"].create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.env["product.product"].create({"name": "Πήγασος Μισθοδοσία", "type": "consu"}).id,
                "version": "3.8",
            }
        )
        # The customer asked with their own words, about this installation.
        cls.request.sudo().write(
            {
                "installation_id": cls.installation.id,
                "description": "Το αντίγραφο ασφαλείας της μισθοδοσίας αποτυγχάνει κάθε βράδυ.",
            }
        )

    def _assert_amounts(self, doc, accepted, delivered, difference):
        """The rows of the amounts table: accepted, delivered (this form) and their difference."""
        amounts = doc.xpath("//table[contains(@class, 'o_support_a1_amounts')]")[0]
        for row, expected in (("accepted", accepted), ("delivered", delivered), ("difference", difference)):
            self.assertEqual(_text(amounts.xpath(f".//tr[contains(@class, 'o_support_a1_{row}')]")[0]), expected)

    def _assert_document(self, doc, lang, signature_class):
        """The parties with their address and tax numbers, the installation, the customer's
        description, the amounts and the technician's signature (in the div of
        `signature_class`), in `lang`; returns the signature's text."""
        texts = DOCUMENT_TEXTS[lang]
        customer = _text(doc.xpath("//div[contains(@class, 'o_support_a1_customer')]")[0])
        for value in ("Αφοί Παπαδόπουλοι Ο.Ε.", "Λεωφ. Συγγρού 120", "117 45", "Αθήνα", texts["customer_tax"]):
            self.assertIn(value, customer)
        firm = _text(doc.xpath("//div[contains(@class, 'o_support_a1_firm')]")[0])
        for value in ("Δίκτυο Πληροφορική Ε.Π.Ε.", "Κηφισίας 44", "151 25", "Μαρούσι", texts["firm_tax"]):
            self.assertIn(value, firm)
        self.assertIn(texts["firm_invoices"], _text(doc), "the firm is the one that invoices")
        self.assertEqual(
            _text(doc.xpath("//*[contains(@class, 'o_support_a1_installation')]")[0]), texts["installation"]
        )
        self.assertEqual(
            _text(doc.xpath("//*[contains(@class, 'o_support_a1_description')]")[0]),
            "Το αντίγραφο ασφαλείας της μισθοδοσίας αποτυγχάνει κάθε βράδυ.",
        )
        self.assertIn(texts["currency"], _text(doc.xpath("//table[contains(@class, 'o_support_a1_amounts')]")[0]))
        self._assert_amounts(doc, *texts["amounts"])
        technician = _text(doc.xpath(f"//div[contains(@class, '{signature_class}')]")[0])
        self.assertIn(texts["signature"], technician)
        self.assertIn(self.user_technician.partner_id.name, technician)
        return technician

    @classmethod
    def _create_delivered_a1(cls, file=True):
        """An A1 Form delivering 1 hour of the 1.5 hours the customer accepted, filed by the
        technician as from the Technical Diary (sudo keeps the user, as the portal does)."""
        form = cls._create_a1(file=False)
        form.line_ids.quantity = 1.0
        if file:
            with freeze_time("2026-03-12 10:00:00"):
                form.with_user(cls.user_technician).sudo().action_file()
        return form


@tagged("post_install", "-at_install")
class TestA1Document(A1DocumentMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_document_data()

    def _render(self, form, lang):
        self.customer.lang = lang
        return lxml_html.fromstring(self._a1_report_html(form))

    def test_filing_records_the_technician_who_signs(self):
        form = self._create_delivered_a1()
        self.assertEqual(form.filed_by_id, self.user_technician)
        self.assertEqual(str(form.filed_on), "2026-03-12 10:00:00")
        self.assertEqual(form.state, "filed")

    def test_who_filed_is_written_by_filing_only(self):
        draft = self._create_delivered_a1(file=False)
        only_filing = "recorded when it is filed"
        with self.assertRaisesRegex(UserError, only_filing):
            draft.write({"filed_by_id": self.user_support.id})
        with self.assertRaisesRegex(UserError, only_filing):
            draft.with_user(self.user_manager).write({"filed_on": "2026-03-12 10:00:00"})
        filed = self._create_delivered_a1()
        with self.assertRaisesRegex(UserError, only_filing):
            filed.write({"filed_by_id": self.user_support.id})
        with self.assertRaisesRegex(UserError, only_filing):
            self.env["support.a1.form"].create({"request_id": self.request.id, "filed_by_id": self.user_support.id})
        self.assertEqual(filed.filed_by_id, self.user_technician)

    def test_accepted_and_delivered_amounts(self):
        form = self._create_delivered_a1()
        # Accepted: 1.5 h × 36.00 + 24% VAT; delivered: 1 h.
        self.assertAlmostEqual(form.accepted_amount_untaxed, 54.0)
        self.assertAlmostEqual(form.accepted_amount_tax, 12.96)
        self.assertAlmostEqual(form.accepted_amount_total, 66.96)
        self.assertAlmostEqual(form.amount_total, 44.64)
        self.assertAlmostEqual(form.amount_difference, -22.32)
        # An accountant (no access to acceptances) reads them on the form.
        self.assertAlmostEqual(form.with_user(self.user_accountant).accepted_amount_total, 66.96)

    def test_pdf_in_greek(self):
        form = self._create_delivered_a1()
        doc = self._render(form, "el_GR")
        technician = self._assert_document(doc, "el_GR", "o_support_a1_technician_signature")
        self.assertIn("12/03/2026 12:00", technician, "the time of filing, in Athens time")
        self.assertTrue(doc.xpath("//div[@name='customer_signature']") and doc.xpath("//div[@name='stamp']"))

    def test_pdf_in_english(self):
        form = self._create_delivered_a1()
        doc = self._render(form, "en_US")
        technician = self._assert_document(doc, "en_US", "o_support_a1_technician_signature")
        self.assertIn(f"Filed in the Technical Diary by {self.user_technician.partner_id.name}", technician)
        self.assertIn("03/12/2026 12:00", technician)

    def test_company_lines_built_from_their_non_empty_parts(self):
        """No phone: the contact line is the e-mail alone, not " · e-mail"; no VAT number:
        the tax line starts with the tax office."""
        doc = self._render(self._create_delivered_a1(), "en_US")
        self.assertEqual(
            _text(doc.xpath("//div[contains(@class, 'o_support_company_contact')]")[0]), "info@pigasos.example.gr"
        )
        self.assertEqual(
            _text(doc.xpath("//div[contains(@class, 'o_support_company_tax')]")[0]), "Tax office: ΦΑΕ Αθηνών"
        )
        self.company.write({"phone": "+30 210 610 4400", "vat": "EL094123454"})
        doc = self._render(self._create_delivered_a1(), "en_US")
        self.assertEqual(
            _text(doc.xpath("//div[contains(@class, 'o_support_company_contact')]")[0]),
            "+30 210 610 4400 · info@pigasos.example.gr",
        )
        self.assertEqual(
            _text(doc.xpath("//div[contains(@class, 'o_support_company_tax')]")[0]),
            "VAT number: EL094123454 · Tax office: ΦΑΕ Αθηνών",
        )
        self.company.write(
            {"phone": False, "email": False, "vat": False, "support_tax_office": False, "company_registry": False}
        )
        doc = self._render(self._create_delivered_a1(), "en_US")
        self.assertFalse(doc.xpath("//div[contains(@class, 'o_support_company_contact')]"), "no empty line")
        self.assertFalse(doc.xpath("//div[contains(@class, 'o_support_company_tax')]"))

    def test_blank_form_printed_for_signing_on_paper(self):
        """A draft printed to be signed on paper: the boxes are there, empty, with their labels."""
        doc = self._render(self._create_delivered_a1(file=False), "en_US")
        technician = _text(doc.xpath("//div[contains(@class, 'o_support_a1_technician_signature')]")[0])
        self.assertEqual(technician, "Technician's signature Name: ________________ Date: _________________")
        self.assertIn("Name: ________________", _text(doc.xpath("//div[@name='customer_signature']")[0]))
        self.assertEqual(_text(doc.xpath("//div[@name='stamp']")[0]), "Company stamp")
        # the amounts are on it too, to be signed for
        self.assertIn("Delivered (this A1 Form) 36.00 € 8.64 € 44.64 €", _text(doc))


@tagged("post_install", "-at_install")
class TestA1DocumentPortal(A1DocumentMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_document_data()
        cls.form = cls._create_delivered_a1()
        cls.other_form = cls._create_a1(request=cls.other_request)

    def _page(self, lang):
        self.user_customer.lang = lang
        response = self._open_page("cs_customer", f"/my/a1/{self.form.id}")
        return lxml_html.fromstring(response.text)

    def test_customer_page_in_greek(self):
        doc = self._page("el_GR")
        technician = self._assert_document(doc, "el_GR", "o_a1_technician_signature")
        parties = _text(doc.xpath("//div[contains(@class, 'o_a1_parties')]")[0])
        self.assertIn(f"Τεχνικός: {self.technician.name}", parties)
        self.assertIn("Συνεργαζόμενη εταιρεία – εκδίδει το τιμολόγιο", parties)
        self.assertIn("12/03/2026", technician)

    def test_customer_page_in_english(self):
        doc = self._page("en_US")
        technician = self._assert_document(doc, "en_US", "o_a1_technician_signature")
        self.assertIn(f"Filed in the Technical Diary by {self.user_technician.partner_id.name}", technician)

    def test_another_customers_a1_page_stays_closed(self):
        self.authenticate("cs_other_customer", "cs_other_customer")
        url = f"/my/a1/{self.form.id}"
        self._assert_sent_to_my_account(
            (url, f"{url}?report_type=html", f"{url}?report_type=pdf"),
            hidden=("EL094761359", "Λεωφ. Συγγρού 120", "αποτυγχάνει κάθε βράδυ", self.form.name),
        )
        # their own form shows their own request, none of the first customer's data
        response = self.url_open(f"/my/a1/{self.other_form.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.other_customer.name, response.text)
        self.assertNotIn("EL094761359", response.text)
        self.assertNotIn("Πήγασος Μισθοδοσία", response.text)

    def test_form_filed_before_the_filer_was_recorded(self):
        """A form filed before this version has no filer: the page does not claim it is not filed."""
        self.env.cr.execute(
            "UPDATE support_a1_form SET filed_by_id = NULL, filed_on = NULL WHERE id = %s", [self.form.id]
        )
        self.form.invalidate_recordset(["filed_by_id", "filed_on"])
        doc = self._page("en_US")
        technician = _text(doc.xpath("//div[contains(@class, 'o_a1_technician_signature')]")[0])
        self.assertEqual(
            technician, f"Technician's signature {self.technician.name}: filed before who filed and when were recorded."
        )
