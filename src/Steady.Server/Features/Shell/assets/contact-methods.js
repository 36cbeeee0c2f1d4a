// Progressive enhancement of the contact-method form: the provider's request only while SMS or voice is chosen
// (without script it is always there). A file, not an inline script: the console's Content-Security-Policy allows
// scripts from the server only.
(() => {
    const kind = document.getElementById("method-kind"), fields = document.getElementById("provider-fields");
    if (!kind || !fields) return;
    const show = () => { fields.hidden = !(kind.value === "sms" || kind.value === "voice"); };
    kind.addEventListener("change", show);
    show();
})();
