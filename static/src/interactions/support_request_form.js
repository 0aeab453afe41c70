import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * New RV request form (/my/support/new): when the customer chooses a fault, show at
 * once its description, technical actions and cost (all rendered by the server,
 * hidden), allow only the locations the fault allows, and post the total shown so
 * that the server can refuse the request if the price changed meanwhile.
 */
export class SupportRequestForm extends Interaction {
    static selector = ".o_support_request_form";
    dynamicContent = {
        "select[name=fault_id]": { "t-on-change": this.onFaultChange },
        ".o_support_fault_cost, .o_support_fault_acceptance": {
            "t-att-class": (el) => ({ "d-none": el.dataset.faultId !== this.faultId }),
        },
    };

    setup() {
        this.faultSelectEl = this.el.querySelector("select[name=fault_id]");
        this.amountEl = this.el.querySelector("input[name=amount_total]");
        this.faultId = this.faultSelectEl.value;
        this.applyFault();
    }

    onFaultChange() {
        this.faultId = this.faultSelectEl.value;
        this.applyFault();
    }

    applyFault() {
        const optionEl = this.faultSelectEl.selectedOptions[0];
        const faultLocation = (this.faultId && optionEl?.dataset.location) || "both";
        this.amountEl.value = (this.faultId && optionEl?.dataset.amountTotal) || "";
        const locationEls = [...this.el.querySelectorAll("input[name=location]")];
        for (const locationEl of locationEls) {
            const allowed = faultLocation === "both" || faultLocation === locationEl.value;
            locationEl.disabled = !allowed;
            if (!allowed) {
                locationEl.checked = false;
            } else if (faultLocation !== "both") {
                locationEl.checked = true;
            }
        }
    }
}

registry.category("public.interactions").add("certified_support.support_request_form", SupportRequestForm);
