import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("support_rating_portal_tour", {
    steps: () => [
        {
            content: "The signed request asks for the customer's rating",
            trigger: "#support_request_rating:contains(Rate this support)",
        },
        {
            content: "Choose Neutral",
            trigger: "#support_request_rating a.o_support_rate_3",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's rating page has Neutral selected",
            trigger: ".o_rating_page_submit input#rate_3:checked",
        },
        {
            content: "Write a comment",
            trigger: ".o_rating_page_submit textarea[name=feedback]",
            run: "edit Καλή δουλειά, λίγο καθυστέρηση.",
        },
        {
            content: "Send the feedback",
            trigger: ".o_rating_page_submit button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The rating is recorded",
            trigger: "body:not(:has(.o_rating_page_submit))",
        },
    ],
});
