"""The certification engine: collect → evaluate → explain.

A technician (a contact of a partner firm) is certified when, today:

* the firm maintains at least N active installations of the vendor's products;
* the technician attended an academy session (``event.event`` flagged as academy,
  registration "Attended") that ended in the last N months;
* the customers' satisfaction with the technician is at least N%: the share of "happy"
  ratings (4 or 5 out of 5) among the customers' ratings of the RV requests they handled,
  given in the last N months; without ratings, the company setting decides;
* for an IT firm, the firm holds a cooperation contract in force;
* the vendor approved the firm's proposal of the technician.

The thresholds and windows are company settings (``support_cert_*``).

* ``_collect`` reads every input for a set of partners with a few grouped queries;
* ``_evaluate`` applies the rules to those values (pure: no database access) and answers
  the failing conditions as language-neutral reason codes with their values;
* ``_explain`` renders reason codes as sentences in the reader's language.

The partner stores its status and its reason codes; the text of the reasons is rendered
when it is read. One trigger: a change of an input marks the partners concerned dirty
(``_mark_dirty``) and evaluates them now when they are few, or lets the triggered cron do
it; the nightly cron catches the lapses that come with time alone (windows, end dates).
"""

from collections import defaultdict
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import float_compare
from odoo.tools.misc import format_date, formatLang

# A change touching at most this many partners is evaluated at once (the user sees the
# new status on the next screen); more go to the triggered cron.
SYNC_LIMIT = 50
# The figures shown on partner forms, computed from the same inputs.
FIGURE_FIELDS = [
    "support_active_installation_count",
    "support_academy_last_date",
    "support_rating_count",
    "support_satisfaction",
    "support_has_cooperation_contract",
]


class SupportCertificationEngine(models.AbstractModel):
    _name = "support.certification.engine"
    _description = "Certification of partner technicians"

    # ------------------------------------------------------------------
    # Collect
    # ------------------------------------------------------------------

    @api.model
    def _rules(self, company):
        """The company's rules, as plain values for ``_evaluate``."""
        return {
            "min_installations": company.support_cert_min_installations,
            "academy_months": company.support_cert_academy_months,
            "min_satisfaction": company.support_cert_min_satisfaction,
            "satisfaction_months": company.support_cert_satisfaction_months,
            "unrated_satisfied": company.support_cert_unrated_satisfied,
        }

    @api.model
    def _collect_firms(self, firms):
        """Firm-level inputs for ``firms``: active installations and contracts in force."""
        today = fields.Date.context_today(self)
        # sudo: counts, whatever the reader may see; archived installations do not count
        Installation = self.env["support.installation"].sudo().with_context(active_test=True)
        installations = dict(Installation._read_group([("firm_id", "in", firms.ids)], ["firm_id"], ["__count"]))
        contracts = self.env["support.cooperation.contract"]._get_firms_with_active_contract(firms, today)
        return {"installations": installations, "contracts": contracts}

    @api.model
    def _collect(self, partners, company):
        """Every input of certification for ``partners``, with a few grouped queries.

        :return: {partner: {"eligible", "firm", "firm_kind", "installations", "contract",
                  "academy", "academy_from", "academy_last", "ratings", "top",
                  "proposal_state"}}
        """
        # sudo: the status is computed from data the reader may not see; archived
        # installations and sessions never count.
        partners = partners.sudo().with_context(active_test=True)
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        firms = partners.commercial_partner_id.filtered("support_firm_kind")
        firm_data = self._collect_firms(firms)

        academy_from = today - relativedelta(months=company.support_cert_academy_months)
        attended = (
            self.env["event.registration"]
            # sudo: attendance counts whoever triggers the evaluation
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("state", "=", "done"),
                    ("event_id.is_support_academy", "=", True),
                ],
                ["partner_id", "event_id", "event_slot_id"],
            )
        )
        academy_last = {}
        for partner, event, slot in attended:
            end = slot.end_datetime or event.date_end
            academy_last[partner.id] = max(academy_last.get(partner.id, end), end)

        rating_from = now - relativedelta(months=company.support_cert_satisfaction_months)
        ratings = (
            self.env["rating.rating"]
            # sudo: ratings are the customers'; they count whoever triggers the evaluation
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", "support.request"),
                    ("rated_partner_id", "in", partners.ids),
                    ("consumed", "=", True),
                    ("rating", ">=", 1),
                    ("rated_on", ">=", rating_from),
                ],
                ["rated_partner_id", "rating_text"],
                ["__count"],
            )
        )
        counts = defaultdict(lambda: [0, 0])
        for partner, rating_text, count in ratings:
            counts[partner.id][0] += count
            if rating_text == "top":
                counts[partner.id][1] += count

        academy_from_dt = datetime.combine(academy_from, time.min)
        data = {}
        for partner in partners:
            firm = partner.commercial_partner_id if partner.commercial_partner_id in firms else False
            last = academy_last.get(partner.id, False)
            data[partner] = {
                "eligible": bool(partner.is_support_technician and not partner.is_company and firm and partner.active),
                "firm": firm,
                "firm_kind": firm.support_firm_kind if firm else False,
                "installations": firm_data["installations"].get(partner.commercial_partner_id, 0),
                "contract": partner.commercial_partner_id in firm_data["contracts"],
                "academy": bool(last and last >= academy_from_dt),
                "academy_from": academy_from,
                "academy_last": last,
                "ratings": counts[partner.id][0],
                "top": counts[partner.id][1],
                "proposal_state": partner.support_proposal_state,
            }
        return data

    # ------------------------------------------------------------------
    # Evaluate (pure)
    # ------------------------------------------------------------------

    @api.model
    def _evaluate(self, data, rules, skip_approval=False):
        """The conditions that fail for one partner, from its collected ``data`` and the
        company's ``rules``; no database access.

        :return: [(code, values), ...] with JSON values (an empty list: certified)
        """
        if not data["eligible"]:
            return [("no_firm", {})]
        reasons = []
        minimum = rules["min_installations"]
        if data["installations"] < minimum:
            reasons.append(("installations", {"count": data["installations"], "minimum": minimum}))
        if not data["academy"]:
            reasons.append(("academy", {"date": fields.Date.to_string(data["academy_from"])}))
        if data["ratings"]:
            rate = data["top"] * 100.0 / data["ratings"]
            if float_compare(rate, rules["min_satisfaction"], precision_digits=2) < 0:
                reasons.append(("satisfaction", {"rate": rate, "minimum": rules["min_satisfaction"]}))
        elif not rules["unrated_satisfied"]:
            reasons.append(("no_ratings", {"months": rules["satisfaction_months"]}))
        if data["firm_kind"] == "it_firm" and not data["contract"]:
            reasons.append(("contract", {}))
        if not skip_approval and data["proposal_state"] != "approved":
            reasons.append(("approval", {"state": data["proposal_state"]}))
        return reasons

    @api.model
    def _results(self, partners, skip_approval=False):
        """Collect and evaluate ``partners``, company by company.

        :return: {partner: [(code, values), ...]}
        """
        results = {}
        for company, group in partners.grouped(lambda p: p.company_id or self.env.company).items():
            rules = self._rules(company)
            data = self._collect(group, company)
            for partner in group:
                # sudo: the collected data is keyed by the sudo partners of _collect
                results[partner] = self._evaluate(data[partner.sudo()], rules, skip_approval)
        return results

    # ------------------------------------------------------------------
    # Explain
    # ------------------------------------------------------------------

    @api.model
    def _explain(self, reasons, lang=None):
        """The reasons as sentences in ``lang`` (the environment's language by default)."""
        env = self.with_context(lang=lang).env if lang else self.env
        texts = []
        for code, values in reasons or []:
            if code == "no_firm":
                texts.append(env._("not an active technician of a partner firm"))
            elif code == "installations":
                texts.append(env._("%(count)s of %(minimum)s active installations", **values))
            elif code == "academy":
                date = fields.Date.to_date(values["date"])
                texts.append(env._("no academy session attended since %(date)s", date=format_date(env, date)))
            elif code == "satisfaction":
                texts.append(
                    env._(
                        "satisfaction %(rate)s%% < %(minimum)s%%",
                        rate=formatLang(env, values["rate"], digits=1),
                        minimum=formatLang(env, values["minimum"], digits=1),
                    )
                )
            elif code == "no_ratings":
                texts.append(env._("no customer rating in the last %(months)s months", **values))
            elif code == "contract":
                texts.append(env._("no active cooperation contract"))
            elif code == "approval":
                # Code translations, loaded even while the module installs (demo data),
                # unlike the selection's own labels.
                states = {
                    "none": env._("not proposed"),
                    "proposed": env._("proposed, waiting for the decision"),
                    "rejected": env._("rejected"),
                }
                texts.append(
                    env._(
                        "not approved by the vendor (proposal: %(state)s)",
                        state=states.get(values["state"], values["state"]),
                    )
                )
        return texts

    # ------------------------------------------------------------------
    # Trigger and store
    # ------------------------------------------------------------------

    @api.model
    def _concerned(self, partners):
        """The partners whose status an input change of ``partners`` may change: the
        technicians of the firms among them, the technicians themselves, and contacts that
        were certified (an archived or moved technician loses the status)."""
        # sudo: the status is the vendor's, whatever user's change triggered the update.
        partners = partners.sudo().with_context(active_test=False).exists()
        firms = partners.filtered("is_company")
        concerned = (partners - firms).filtered(lambda p: p.is_support_technician or p.support_certified)
        if firms:
            concerned |= partners.search(
                Domain("commercial_partner_id", "in", firms.ids)
                & Domain("is_company", "=", False)
                & (Domain("is_support_technician", "=", True) | Domain("support_certified", "=", True))
            )
        return concerned

    @api.model
    def _mark_dirty(self, partners, sync_limit=SYNC_LIMIT):
        """The one trigger: an input of ``partners`` (technicians or firms) changed.

        Marks the partners concerned dirty; evaluates them now when they are at most
        ``sync_limit``, else triggers the cron that evaluates the dirty partners.
        """
        concerned = self._concerned(partners)
        if not concerned:
            return
        concerned.filtered(lambda p: not p.support_certification_dirty).write({"support_certification_dirty": True})
        if len(concerned) <= sync_limit:
            self._run(concerned)
        else:
            self.env.ref("certified_support.ir_cron_support_certification_dirty")._trigger()

    @api.model
    def _run(self, partners):
        """Evaluate ``partners`` and store their status and reason codes; tell the people
        concerned when a technician loses the status."""
        # sudo: see _concerned
        partners = (
            # sudo: the status is the system's, stored whoever changed an input
            partners.sudo()
            .with_context(active_test=False)
            .filtered(lambda p: p.is_support_technician or p.support_certified or p.support_certification_dirty)
        )
        if not partners:
            return
        today = fields.Date.context_today(self)
        results = self._results(partners)
        groups = {}  # the same values are written to many partners at once
        lost = partners.browse()
        for partner in partners:
            reasons = [[code, values] for code, values in results[partner]]
            certified = not reasons
            values = {"support_certification_checked_on": today, "support_certification_dirty": False}
            if certified != partner.support_certified:
                values["support_certified"] = certified
                values["support_certified_since"] = today if certified else False
                if not certified:
                    lost |= partner
            if reasons != (partner.support_certification_reason_codes or []):
                values["support_certification_reason_codes"] = reasons
            key = repr(sorted(values.items()))
            groups.setdefault(key, [values, partners.browse()])[1] |= partner
        for values, group in groups.values():
            group.write(values)
        # The figures (counts, satisfaction) are not stored: read them afresh.
        (partners | partners.commercial_partner_id).invalidate_recordset(FIGURE_FIELDS)
        lost._support_notify_certification_lost()

    @api.model
    def _cron_run_dirty(self, batch_size=200):
        """Triggered: evaluate the partners an input change marked dirty, in batches."""
        self._cron_batches(Domain("support_certification_dirty", "=", True), batch_size)

    @api.model
    def _cron_run_lapses(self, batch_size=200):
        """Nightly: expire ended cooperation contracts, then check every technician not
        checked today (time-based conditions lapse without any change of data)."""
        self.env["support.cooperation.contract"]._cron_expire()
        today = fields.Date.context_today(self)
        self._cron_batches(
            (Domain("is_support_technician", "=", True) | Domain("support_certified", "=", True))
            & (
                Domain("support_certification_checked_on", "=", False)
                | Domain("support_certification_checked_on", "<", today)
            ),
            batch_size,
        )

    @api.model
    def _cron_batches(self, domain, batch_size):
        Cron = self.env["ir.cron"]
        Partner = self.env["res.partner"].with_context(active_test=False)
        while True:
            partners = Partner.search(domain, limit=batch_size, order="id")
            if not partners:
                break
            self._run(partners)
            remaining = Partner.search_count(domain) if len(partners) == batch_size else 0
            if not Cron._commit_progress(len(partners), remaining=remaining) or not remaining:
                break
