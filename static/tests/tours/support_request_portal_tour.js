import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_request_portal_tour", {
    url: "/my/support/new",
    steps: () => [
        {
            content: "Before a fault is chosen, no cost is shown",
            trigger: ".o_support_request_form .o_support_fault_acceptance[data-fault-id='']:not(.d-none)",
        },
        {
            content: "Choose the fault",
            trigger: "select[name=fault_id]",
            run: "selectByLabel PT01",
        },
        {
            content: "Its technical actions appear at once",
            trigger: ".o_support_fault_cost:not(.d-none) td:contains(Database check and repair)",
        },
        {
            content: "with the total, VAT included",
            trigger: ".o_support_fault_cost:not(.d-none) .o_support_fault_total:contains(119.04)",
        },
        {
            content: "The sentence above the button says that submitting accepts that cost",
            trigger: ".o_support_fault_acceptance:not(.d-none):contains(119.04)",
        },
        {
            content: "The fault is handled remotely only",
            trigger: "input#support_location_onsite:disabled",
        },
        {
            trigger: "input#support_location_remote:checked",
        },
        {
            content: "Describe the problem",
            trigger: "textarea[name=description]",
            run: "edit The accounting program cannot reach the database server.",
        },
        {
            content: "Submit",
            trigger: "button.o_support_request_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request page shows its number",
            trigger: ".o_support_request_name:contains(RV/)",
        },
        {
            content: "and that it is to be scheduled",
            trigger: ".o_support_request_state[data-state=to_schedule]:contains(/To schedule|Προς προγραμματισμό/)",
        },
        {
            content: "and the cost the customer accepted",
            trigger: ".o_support_request_total:contains(119.04)",
        },
    ],
});
