import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

const PNG =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVQIW2P4v5ThPwAG7wKklwQ/bwAAAABJRU5ErkJggg==";

function chatterRoot() {
    return document.querySelector("#chatterRoot").shadowRoot;
}

async function attach(file) {
    await inputFiles(".o-mail-Composer .o_input_file", [file], { target: chatterRoot() });
}

/** Wait until the widget is done with the upload, then check that the file was refused. */
async function waitForRefused(name) {
    for (let i = 0; i < 80; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (!chatterRoot().querySelector(".o-mail-Composer .o-isUploading")) {
            if (chatterRoot().querySelector(`.o-mail-Composer .o-mail-AttachmentContainer[title='${name}']`)) {
                throw new Error(`${name} was accepted`);
            }
            return;
        }
    }
    throw new Error(`${name} is still uploading`);
}

// The customer writes in the request's conversation and attaches a screenshot with the
// paperclip (Odoo's portal chatter); a web page named .png is refused (its message is
// asserted by the HTTP tests of the upload route).
registry.category("web_tour.tours").add("support_request_attachment_tour", {
    steps: () => [
        {
            content: "The conversation of the request, with its composer",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Η διαβίβαση στο myDATA αποτυγχάνει, δείτε το στιγμιότυπο.",
        },
        {
            content: "A web page disguised as an image is refused",
            trigger: "#chatterRoot:shadow .o-mail-Composer button[name='upload-files']",
            async run() {
                await attach(new File(["<html><script>alert(1)</script></html>"], "page.png", { type: "image/png" }));
                await waitForRefused("page.png");
            },
        },
        {
            content: "Attach the screenshot with the paperclip",
            trigger: "#chatterRoot:shadow .o-mail-Composer button[name='upload-files']",
            async run() {
                const blob = await (await fetch(PNG)).blob();
                await attach(new File([blob], "mydata-error.png", { type: "image/png" }));
            },
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer .o-mail-AttachmentContainer:not(.o-isUploading)[title='mydata-error.png']",
        },
        {
            content: "Send",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the conversation with its file",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(Η διαβίβαση στο myDATA) .o-mail-AttachmentContainer[title='mydata-error.png']",
        },
    ],
});
