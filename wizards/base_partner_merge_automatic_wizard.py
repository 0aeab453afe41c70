from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """The merged contact keeps its own certification status and proposal.

        Odoo's merge copies every stored field that a source contact fills onto the
        destination. The status is computed for one contact and the proposal is decided
        for one contact: neither is carried over from another. Once the sources' requests,
        ratings and registrations point to the destination, its status is computed again.
        """
        # sudo: the source contacts are deleted by the merge right after this; giving them
        # the destination's status and proposal makes the generic copy below write nothing
        # new into those fields (their write guard refuses a change by anyone but the
        # certification engine).
        src_partners.sudo().with_context(tracking_disable=True).write(dst_partner._support_protected_values())
        result = super()._update_values(src_partners, dst_partner)
        dst_partner._support_certification_changed()
        return result
