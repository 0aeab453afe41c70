from freezegun import freeze_time

from .a1_common import A1FormMixin

SCAN = b"%PDF-1.4 signed acceptance page"


class RatingMixin(A1FormMixin):
    """Signed A1 Forms over the company calendar (Europe/Athens) with Greek public holidays."""

    @classmethod
    def _setup_rating_data(cls):
        cls._setup_a1_data()
        cls.customer.write({"email": "info@papadopouloi.example.gr", "phone": "+30 210 1234567"})
        cls.customer_contact.write({"email": "giorgos@papadopouloi.example.gr", "phone": "+30 694 1234567"})
        cls.other_contact.email = "spyros@aigaiou.example.gr"
        cls.user_support.email = "am@vendor.example.gr"
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Europe/Athens"
        cls.env["resource.calendar.leaves"]._support_generate_greek_holidays(years=[2026, 2027])

    @classmethod
    def _signed_request(cls, signed_on="2026-03-13 08:00:00", partner=None, contact=None, technician=None):
        """A new request of the customer whose A1 Form was signed at ``signed_on`` (UTC)."""
        with freeze_time("2026-03-10"):
            request = cls._a1_scheduled_request(
                partner or cls.customer, contact or cls.customer_contact, technician or cls.technician
            )
        form = cls._create_a1(request)
        form._sign("Γιώργος Παπαδόπουλος", "scan", signed_on=signed_on, pdf=SCAN)
        return request

    def _escalate(self):
        self._run_cron("certified_support.ir_cron_support_escalate_unrated")

    def _rating_mails(self, request):
        return self.env["mail.message"].search(
            [("model", "=", "support.request"), ("res_id", "=", request.id), ("subject", "ilike", "how satisfied")]
        )

    def _am_mails(self, request, subject):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "support.request"),
                ("res_id", "=", request.id),
                ("subject", "ilike", subject),
                ("recipient_ids", "in", self.user_support.partner_id.ids),
            ]
        )
