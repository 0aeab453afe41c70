from freezegun import freeze_time

from odoo import Command


class A1FormMixin:
    """A scheduled request of `customer` assigned to the certified `technician`, with a
    second, unassigned one of `other_customer`, and a filed A1 Form factory."""

    @classmethod
    def _setup_a1_data(cls):
        cls.env["res.lang"]._activate_lang("el_GR")
        cls.customer.lang = "el_GR"
        cls.fault = cls._create_fault("F07", "myDATA transmission errors", [(cls.product_remote, 1.5)])
        cls.other_technician = cls._create_technician("Πέτρος Βασιλείου", cls.firm)
        cls.env["res.users"].create(
            {
                "name": cls.other_technician.name,
                "login": "cs_other_technician",
                "password": "cs_other_technician",
                "partner_id": cls.other_technician.id,
                "group_ids": [Command.set(cls.env.ref("certified_support.group_support_technician").ids)],
            }
        )
        cls._certify_technicians(cls.technician, cls.other_technician)
        with freeze_time("2026-03-10"):
            cls._create_contract(state="active")
            cls._create_contract(partner=cls.other_customer, state="active")
            cls.request = cls._a1_scheduled_request(cls.customer, cls.customer_contact, cls.technician)
            cls.other_request = cls._a1_scheduled_request(cls.other_customer, cls.other_contact, cls.other_technician)

    @classmethod
    def _a1_scheduled_request(cls, partner, contact, technician):
        request = cls.env["support.request"].create(
            {"partner_id": partner.id, "contact_id": contact.id, "fault_id": cls.fault.id, "location": "onsite"}
        )
        request._register_request(contact)
        cls.env["support.request.schedule"].with_context(default_request_id=request.id).create(
            {
                "start": "2026-03-12 08:00:00",
                "technician_id": technician.id,
                "location": "onsite",
                "address": "Λεωφ. Συγγρού 120, Αθήνα",
            }
        ).action_confirm()
        return request

    @classmethod
    def _setup_second_firm(cls, firm_name, technician_name, login):
        """Another IT firm whose certified technician (user `login`) has a meeting with the
        other customer: (firm, technician, request)."""
        firm = cls._create_firm(firm_name)
        technician = cls._create_technician(technician_name, firm, login)
        cls._certify_technicians(technician)
        with freeze_time("2026-03-10"):
            request = cls._a1_scheduled_request(cls.other_customer, cls.other_contact, technician)
        return firm, technician, request

    @classmethod
    def _create_a1(cls, request=None, file=True, **values):
        form = cls.env["support.a1.form"].create(
            {
                "request_id": (request or cls.request).id,
                "date_start": "2026-03-12 08:00:00",
                "date_end": "2026-03-12 09:45:00",
                "note": "<p>Επανεκκίνηση της υπηρεσίας διαβίβασης.</p>",
                "recommendation_ids": [
                    Command.create(
                        {"name": "Αναβάθμιση σε Πήγασος ERP 6", "kind": "software", "estimated_cost": 800.0}
                    ),
                    Command.create({"name": "Νέος διακομιστής", "kind": "hardware", "estimated_cost": 1500.0}),
                ],
                **values,
            }
        )
        if file:
            form.action_file()
        return form

    def _a1_report_html(self, form):
        """The A1 Form's report (the PDF's content), as HTML."""
        report = self.env["ir.actions.report"]
        return report._render_qweb_html("certified_support.action_report_support_a1_form", form.ids)[0].decode()

    def _diary_values(self, **values):
        """The Technical Diary's form as the technician fills it: 10:00 to 11:45 (Athens time),
        1.75 hours of remote support, one recommendation and a note; filed."""
        return {
            "date_start": "2026-03-12T10:00",
            "date_end": "2026-03-12T11:45",
            "line_0_product_id": str(self.product_remote.id),
            "line_0_quantity": "1.75",
            "rec_0_name": "Αναβάθμιση σε Πήγασος ERP 6",
            "rec_0_kind": "software",
            "rec_0_cost": "800",
            "note": "Επανεκκίνηση της υπηρεσίας",
            "file": "1",
            **values,
        }
