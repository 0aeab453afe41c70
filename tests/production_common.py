from odoo import Command

from .a1_common import A1FormMixin


class ProductionOrderMixin(A1FormMixin):
    """A1 Forms signed with accepted recommendations, and the companies that invoice them."""

    @classmethod
    def _ensure_chart(cls, company):
        if not cls.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1):
            cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)

    @classmethod
    def _sign_a1(cls, form, accepted=None):
        """The customer's acceptance by scan; `accepted` are the recommendations they ticked."""
        return form._sign(
            "Γιώργος Παπαδόπουλος", "scan", pdf=b"%PDF-1.4 signed scan",
            accepted_recommendations=form.recommendation_ids if accepted is None else accepted,
        )

    @classmethod
    def _create_signed_a1(cls, request=None, recommendations=None, accepted=None):
        values = {}
        if recommendations is not None:
            values["recommendation_ids"] = [Command.create(rec) for rec in recommendations]
        form = cls._create_a1(request=request, **values)
        cls._sign_a1(form, accepted=accepted)
        return form
