from freezegun import freeze_time

from odoo import Command
from odoo.http import Request
from odoo.tests import tagged

from .common import SupportHttpCommon


@tagged("post_install", "-at_install")
class TestTechnicianPortal(SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fault = cls.env["support.fault"].create(
            {
                "code": "F05",
                "name": "myDATA transmission errors",
                "line_ids": [Command.create({"product_id": cls.product_remote.id, "quantity": 1.5})],
            }
        )
        cls.other_technician = cls.env["res.partner"].create(
            {"name": "Πέτρος Βασιλείου", "parent_id": cls.firm.id, "is_support_technician": True}
        )
        cls._certify_technicians(cls.technician, cls.other_technician)
        with freeze_time("2026-03-10"):
            cls._create_contract(state="active")
            cls._create_contract(partner=cls.other_customer, state="active")
            cls.assigned = cls._scheduled_request(cls.customer, cls.customer_contact, cls.technician)
            cls.not_assigned = cls._scheduled_request(cls.other_customer, cls.other_contact, cls.other_technician)
        cls.customer_contact.phone = "+30 691 234 5678"

    @classmethod
    def _scheduled_request(cls, partner, contact, technician):
        request = cls.env["support.request"].create(
            {"partner_id": partner.id, "contact_id": contact.id, "fault_id": cls.fault.id, "location": "onsite"}
        )
        request._register_request(contact)
        technician_group = cls.env.ref("certified_support.group_support_technician")
        if not technician.user_ids:
            cls.env["res.users"].create(
                {
                    "name": technician.name,
                    "login": f"tech_{technician.id}",
                    "partner_id": technician.id,
                    "group_ids": [Command.set(technician_group.ids)],
                }
            )
        cls.env["support.request.schedule"].with_context(default_request_id=request.id).create(
            {
                "start": "2026-03-12 08:00:00",
                "technician_id": technician.id,
                "location": "onsite",
                "address": "Λεωφ. Συγγρού 120, Αθήνα",
            }
        ).action_confirm()
        return request

    def test_technician_sees_only_assigned_meetings(self):
        self.authenticate("cs_technician", "cs_technician")
        response = self.url_open("/my/partner")
        self.assertEqual(response.status_code, 200)
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
        self.authenticate("cs_technician", "cs_technician")
        response = self.url_open("/my/partner")
        self.assertEqual(response.status_code, 200)
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
        return self.url_open(
            f"/my/partner/requests/{request.id}/extra",
            data={"product_id": product_id, "quantity": quantity, "csrf_token": Request.csrf_token(self)},
        )

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
