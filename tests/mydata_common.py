from lxml import etree

from odoo.tests import new_test_user

MYDATA_NS = {
    "inv": "http://www.aade.gr/myDATA/invoice/v1.0",
    "icls": "https://www.aade.gr/myDATA/incomeClassificaton/v1.0",
}
# Test credentials for AADE's test environment, as l10n_gr_edi's own tests set them (nothing is sent).
MYDATA_TEST_CREDENTIALS = {
    "l10n_gr_edi_test_env": True,
    "l10n_gr_edi_aade_id": "cs-test-user",
    "l10n_gr_edi_aade_key": "cs-test-subscription-key",
}


class MyDataMixin:
    """Greek companies with l10n_gr's chart and myDATA test credentials, and what l10n_gr_edi
    would check and send for a move: its pre-send errors and its myDATA XML.

    Reusable by any test of an invoice the addon creates (A1 Forms, production orders, ESTES)."""

    @classmethod
    def _setup_greek_vendor(cls, company, vat="EL094123454"):
        """Give `company` (no accounting yet) the Greek chart in EUR, its ΑΦΜ and myDATA test credentials."""
        cls.env["account.chart.template"].try_loading("gr", company, install_demo=False)
        company.partner_id.write(
            {"country_id": cls.env.ref("base.gr").id, "vat": vat, "zip": "115 27", "city": "Αθήνα"}
        )
        company.write(MYDATA_TEST_CREDENTIALS)
        return company

    @classmethod
    def _setup_greek_firm_company(cls, firm, vat="EL801456783"):
        """The technician's firm as a Greek company of this database, with its accountant."""
        firm.write({"country_id": cls.env.ref("base.gr").id, "vat": vat, "zip": "151 25", "city": "Μαρούσι"})
        company = cls.env["res.company"].create(
            {
                "name": firm.name,
                "partner_id": firm.id,
                "currency_id": cls.env.ref("base.EUR").id,
                "country_id": cls.env.ref("base.gr").id,
                **MYDATA_TEST_CREDENTIALS,
            }
        )
        cls.env["account.chart.template"].try_loading("gr", company, install_demo=False)
        cls.user_firm_accountant = new_test_user(
            cls.env,
            "cs_firm_accountant",
            groups="certified_support.group_support_accountant",
            company_id=company.id,
            company_ids=[company.id],
        )
        return company

    @classmethod
    def _gr_tax(cls, company, xmlid):
        return cls.env["account.chart.template"].with_company(company).ref(xmlid)

    def _mydata_pre_errors(self, move):
        """l10n_gr_edi's own checks before sending (the messages, by key)."""
        return {key: error["message"] for key, error in move._l10n_gr_edi_get_pre_error_dict().items()}

    def _mydata_xml(self, move):
        """The myDATA XML l10n_gr_edi builds to send `move`, parsed."""
        Move = self.env["account.move"]
        content = Move._l10n_gr_edi_generate_xml_content(
            "l10n_gr_edi.mydata_invoice", move._l10n_gr_edi_get_invoices_xml_vals()
        )
        return etree.fromstring(content)

    def _xml_text(self, node, path):
        return node.findtext(path, namespaces=MYDATA_NS)

    def _xml_texts(self, node, path):
        return [el.text for el in node.findall(path, namespaces=MYDATA_NS)]
