from odoo.tests import tagged

from .common import SupportHttpCommon

KEY = "s3cr3t-cti-key-for-tests-0123456789"
URL = "/certified_support/cti/lookup"


@tagged("post_install", "-at_install")
class TestCti(SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_phones()
        cls._create_current_contract()
        cls.fault = cls._create_fault("F01", "Connection to the database server fails")
        Request = cls.env["support.request"].with_user(cls.user_support)
        cls.open_request, cls.closed_request = Request.create(
            [
                {"partner_id": cls.customer.id, "contact_id": cls.customer_contact.id, "fault_id": cls.fault.id},
                {"partner_id": cls.customer.id, "contact_id": cls.customer_contact.id, "fault_id": cls.fault.id},
            ]
        )
        (cls.open_request | cls.closed_request)._register_request(cls.customer_contact)
        cls.closed_request._action_cancel("Λύθηκε τηλεφωνικά.")
        cls.env["ir.config_parameter"].set_param("certified_support.cti_api_key", KEY)

    def _lookup(self, number="+30 210 7489589", headers=None):
        return self.url_open(URL, params={"number": number} if number is not None else None, headers=headers)

    def _assert_refused(self, response):
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(sorted(response.json()), ["code", "error"])
        self.assertEqual(response.json()["code"], "invalid_key")
        for secret in (self.customer.name, self.open_request.name, "094019245", "+302107489589"):
            self.assertNotIn(secret, response.text)

    def test_right_key_gives_the_customer_and_its_open_requests(self):
        for headers in ({"X-CTI-Key": KEY}, {"Authorization": f"Bearer {KEY}"}):
            with self.subTest(headers=list(headers)):
                response = self._lookup("2107489589", headers=headers)
                self.assertEqual(response.status_code, 200)
                data = response.json()
                self.assertEqual(data["number"], "+302107489589")
                self.assertEqual(len(data["customers"]), 1)
                customer = data["customers"][0]
                self.assertEqual(customer["id"], self.customer.id)
                self.assertEqual(customer["name"], self.customer.name)
                self.assertEqual(customer["vat"], self.customer.vat)
                self.assertTrue(customer["url"].endswith(f"/odoo/res.partner/{self.customer.id}"))
                self.assertTrue(customer["url"].startswith(self.customer.get_base_url()))
                self.assertTrue(customer["active_contract"])
                self.assertEqual(
                    customer["open_requests"],
                    [
                        {
                            "id": self.open_request.id,
                            "name": self.open_request.name,
                            "state": "to_schedule",
                            "state_label": "To schedule",
                            "fault": self.fault.display_name,
                            "url": f"{self.customer.get_base_url()}/odoo/support-requests/{self.open_request.id}",
                        }
                    ],
                    "the cancelled request is not open",
                )

    def test_contact_mobile_gives_its_company(self):
        response = self._lookup("00306912345678", headers={"X-CTI-Key": KEY})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([c["id"] for c in response.json()["customers"]], [self.customer.id])

    def test_customer_without_contract(self):
        response = self._lookup("2310555123", headers={"X-CTI-Key": KEY})
        customers = response.json()["customers"]
        self.assertEqual([c["id"] for c in customers], [self.other_customer.id])
        self.assertFalse(customers[0]["active_contract"])
        self.assertEqual(customers[0]["open_requests"], [])
        self.assertIsNone(customers[0]["vat"])

    def test_unknown_number_gives_an_empty_list(self):
        response = self._lookup("2109999999", headers={"X-CTI-Key": KEY})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"number": "+302109999999", "customers": []})

    def test_missing_or_invalid_number(self):
        for number in (None, "", "12", "abc"):
            with self.subTest(number=number):
                response = self._lookup(number, headers={"X-CTI-Key": KEY})
                self.assertEqual(response.status_code, 400)
                self.assertIn("error", response.json())

    def test_bad_numbers_get_a_json_error_object(self):
        cases = {
            "\x00": "invalid_characters",
            "2107489589\x00": "invalid_characters",
            "210\x07748": "invalid_characters",
            "210\n7489589": "invalid_characters",
            "2" * 65: "too_long",
            "   ": "required",
            "": "required",
            "2107489589" * 6: "invalid_number",
            "Παπαδόπουλος": "invalid_number",
            "1e308": "invalid_number",
        }
        for number, code in cases.items():
            with self.subTest(number=number[:20]):
                response = self._lookup(number, headers={"X-CTI-Key": KEY})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
                self.assertEqual(sorted(response.json()), ["code", "error", "field"])
                self.assertEqual((response.json()["code"], response.json()["field"]), (code, "number"))
        response = self.url_open(URL, params=[("number", "\x00"), ("number", "2107489589")], headers={"X-CTI-Key": KEY})
        self.assertLess(response.status_code, 500)

    def test_wrong_or_missing_key_is_refused(self):
        for headers in (
            None,
            {"X-CTI-Key": ""},
            {"X-CTI-Key": "wrong"},
            {"X-CTI-Key": KEY[:-1]},
            {"X-CTI-Key": KEY + "x"},
            {"Authorization": "Bearer wrong"},
            {"Authorization": f"Basic {KEY}"},
        ):
            with self.subTest(headers=headers):
                self._assert_refused(self._lookup(headers=headers))

    def test_empty_configured_key_disables_the_endpoint(self):
        self.env["ir.config_parameter"].set_param("certified_support.cti_api_key", False)
        for headers in (None, {"X-CTI-Key": ""}, {"X-CTI-Key": KEY}, {"Authorization": "Bearer "}):
            with self.subTest(headers=headers):
                self._assert_refused(self._lookup(headers=headers))

    def test_only_get(self):
        response = self.url_open(URL, data={"number": "2107489589"}, headers={"X-CTI-Key": KEY})
        self.assertEqual(response.status_code, 405, "GET only, whatever the key")
        self.assertNotIn(self.customer.name, response.text)

    def test_settings_generate_a_key(self):
        settings = self.env["res.config.settings"].create({})
        settings.action_support_generate_cti_api_key()
        key = self.env["ir.config_parameter"].get_param("certified_support.cti_api_key")
        self.assertNotEqual(key, KEY)
        self.assertGreaterEqual(len(key), 32)
        self._assert_refused(self._lookup(headers={"X-CTI-Key": KEY}))
        self.assertEqual(self._lookup(headers={"X-CTI-Key": key}).status_code, 200)
