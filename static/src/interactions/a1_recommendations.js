import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

/**
 * A1 Form page (/my/a1/<id>): the recommendations the customer ticks are saved at once,
 * so that the signature that follows covers them.
 */
export class SupportA1Recommendations extends Interaction {
    static selector = ".o_a1_page";
    dynamicContent = {
        ".o_a1_recommendation": { "t-on-change": this.onChange },
    };

    async onChange() {
        const acceptedIds = [...this.el.querySelectorAll(".o_a1_recommendation:checked")].map((el) =>
            parseInt(el.value)
        );
        const result = await this.waitFor(
            rpc(`/my/a1/${this.el.dataset.a1Id}/recommendations`, {
                access_token: this.el.dataset.token,
                accepted_ids: acceptedIds,
            })
        );
        this.el.dataset.savedIds = (result.accepted_ids || []).join(",");
    }
}

registry.category("public.interactions").add("certified_support.a1_recommendations", SupportA1Recommendations);
