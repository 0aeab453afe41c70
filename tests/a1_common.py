from freezegun import freeze_time

from odoo import Command


class A1FormMixin:
    """A scheduled request of `customer` assigned to the certified `technician`, with a
    second, unassigned one of `other_customer`, and a filed A1 Form factory."""

    @classmethod
    def _setup_a1_data(cls):
        cls.env["res.lang"]._activate_lang("el_GR")
        cls.customer.lang = "el_GR"
        cls.fault = cls.env["support.fault"].create(
            {
                "code": "F07",
                "name": "myDATA transmission errors",
                "line_ids": [Command.create({"product_id": cls.product_remote.id, "quantity": 1.5})],
            }
        )
        cls.other_technician = cls.env["res.partner"].create(
            {"name": "Πέτρος Βασιλείου", "parent_id": cls.firm.id, "is_support_technician": True}
        )
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
