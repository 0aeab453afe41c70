from odoo.tests import tagged

from .a1_common import A1FormMixin
from .common import SupportHttpCommon


@tagged("post_install", "-at_install")
class TestTechnicianPortal(A1FormMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.assigned, cls.not_assigned = cls.request, cls.other_request  # the latter, to the other technician
        cls.customer_contact.phone = "+30 691 234 5678"

    def test_technician_sees_only_assigned_meetings(self):
        response = self._open_page("cs_technician", "/my/partner")
        self.assertIn(self.assigned.name, response.text)
        self.assertIn("Λεωφ. Συγγρού 120", response.text)
        self.assertIn("+30 691 234 5678", response.text)
        self.assertNotIn(self.not_assigned.name, response.text)

        response = self.url_open(f"/my/partner/requests/{self.assigned.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.customer.name, response.text)
        self.assertIn("Remote support hour", response.text, "the accepted actions")
        self.assertEqual(self.url_open(f"/my/partner/requests/{self.not_assigned.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/partner/requests/999999").status_code, 404)

    def test_greek_technician_sees_the_partner_section_in_greek(self):
        self.env["res.lang"]._activate_lang("el_GR")
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        self.technician.lang = "el_GR"
        response = self._open_page("cs_technician", "/my/partner")
        self.assertIn("Τα επόμενα ραντεβού σας", response.text)
        self.assertIn("Τα Δελτία Α1 μου", response.text, "the A1 Forms link, added by an inherited view")
        self.assertIn(self.assigned.name, response.text)

    def test_firm_manager_sees_the_firms_requests(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        response = self.url_open("/my/partner")
        self.assertIn(self.assigned.name, response.text)
        self.assertIn(self.not_assigned.name, response.text, "both technicians work for the firm")

    def test_customer_cannot_open_the_technician_pages(self):
        self.authenticate("cs_customer", "cs_customer")
        self.assertEqual(self.url_open(f"/my/partner/requests/{self.assigned.id}").status_code, 404)

    def _propose(self, request, product_id, quantity="2"):
        return self._post_form(f"/my/partner/requests/{request.id}/extra", product_id=product_id, quantity=quantity)

    def test_technician_proposes_an_extra_action(self):
        self.authenticate("cs_technician", "cs_technician")
        response = self._propose(self.assigned, str(self.product_remote.id))
        self.assertEqual(response.status_code, 200)
        extra = self.assigned.extra_ids
        self.assertEqual(len(extra), 1)
        self.assertEqual(extra.state, "proposed")
        self.assertEqual(extra.price_unit, 36.0, "the price comes from the catalogue, not from the form")
        self.assertEqual(extra.proposed_by_id, self.technician)
        self.assertAlmostEqual(
            self.assigned.amount_accepted,
            self.assigned.acceptance_ids.amount_total,
            "not counted before the customer accepts",
        )

    def test_extra_action_tampering_is_refused(self):
        self.authenticate("cs_technician", "cs_technician")
        outside = self.env["product.product"].create({"name": "Not in the catalogue", "type": "service"})
        for product_id, quantity in ((str(outside.id), "1"), ("abc", "1"), (str(self.product_remote.id), "-3")):
            with self.subTest(product_id=product_id, quantity=quantity):
                response = self._propose(self.assigned, product_id, quantity)
                self.assertEqual(response.status_code, 200)
                self.assertIn("alert-danger", response.text)
        self.assertFalse(self.assigned.extra_ids)
        self.assertEqual(self._propose(self.not_assigned, str(self.product_remote.id)).status_code, 404)
        self.assertFalse(self.not_assigned.extra_ids)
