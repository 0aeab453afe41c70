import { registry } from "@web/core/registry";

function drawOn(canvas) {
    const rect = canvas.getBoundingClientRect();
    const fire = (type, x, y, buttons) =>
        canvas.dispatchEvent(
            new PointerEvent(type, {
                bubbles: true,
                cancelable: true,
                isPrimary: true,
                pointerId: 1,
                pointerType: "mouse",
                button: 0,
                buttons,
                clientX: rect.left + x,
                clientY: rect.top + y,
            })
        );
    fire("pointerdown", 20, 20, 1);
    for (let i = 1; i <= 20; i++) {
        fire("pointermove", 20 + i * 10, 20 + (i % 2) * 30, 1);
    }
    fire("pointerup", 220, 40, 0);
}

registry.category("web_tour.tours").add("support_a1_sign_tour", {
    steps: () => [
        {
            content: "The A1 Form waits for the customer's signature",
            trigger: ".o_a1_page .badge:contains(Waiting for signature)",
        },
        {
            content: "Accept the software recommendation",
            trigger: ".o_a1_recommendation:first",
            run: "click",
        },
        {
            content: "The choice is saved",
            trigger: ".o_a1_page[data-saved-ids]",
        },
        {
            content: "Open the signature dialog",
            trigger: ".o_a1_sign_button",
            run: "click",
        },
        {
            content: "Type the name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Γιώργος Παπαδόπουλος",
        },
        {
            content: "Draw the signature by hand",
            trigger: ".modal .o_web_sign_draw_button",
            run: "click",
        },
        {
            trigger: ".modal .o_web_sign_draw_button.active",
        },
        {
            content: "Draw in the canvas",
            trigger: ".modal canvas.o_web_sign_signature",
            run() {
                drawOn(this.anchor);
            },
        },
        {
            trigger: ".modal canvas.o_web_sign_signature",
            run: "canvasNotEmpty",
        },
        {
            content: "Sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The form is signed",
            trigger: ".o_a1_page .o_a1_signed:contains(Γιώργος Παπαδόπουλος)",
        },
        {
            trigger: ".o_a1_page .alert-success",
        },
    ],
});
