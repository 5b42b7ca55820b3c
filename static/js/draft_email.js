// The draft email pages (partnership invitation, customer invitation): keep the personalized link in the
// body, build the "Open in email" mailto: link, and "Copy to clipboard". The server checks the link too.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var url = form.getAttribute("data-url");
  var copiedText = form.getAttribute("data-copied") || "";
  var to = form.querySelector("[data-draft=to]");
  var subject = form.querySelector("[data-draft=subject]");
  var body = form.querySelector("[data-draft=body]");
  var missing = document.getElementById("link-missing");
  var mail = document.getElementById("open-in-email");
  var copy = document.getElementById("copy-to-clipboard");
  var copyStatus = document.getElementById("copy-status");

  function linkKept() { return body.value.indexOf(url) !== -1; }
  function refresh() {
    var ok = linkKept();
    missing.hidden = ok;
    body.setAttribute("aria-invalid", ok ? "false" : "true");
    mail.setAttribute("aria-disabled", ok ? "false" : "true");
    mail.href = "mailto:" + encodeURIComponent(to.value.trim()) + "?subject=" +
      encodeURIComponent(subject.value) + "&body=" + encodeURIComponent(body.value);
  }
  function refuseWithoutLink(event) {
    if (!linkKept()) { event.preventDefault(); refresh(); body.focus(); }
  }
  function copied() { copyStatus.textContent = copiedText; }
  function copyBySelection() {
    body.select();
    try { document.execCommand("copy"); } catch (e) { return; }
    copied();
  }

  [body, subject, to].forEach(function (el) { el.addEventListener("input", refresh); });
  mail.addEventListener("click", refuseWithoutLink);
  form.addEventListener("submit", refuseWithoutLink);
  copy.hidden = false;
  copy.addEventListener("click", function () {
    if (!linkKept()) { refresh(); body.focus(); return; }
    var text = subject.value + "\n\n" + body.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(copied, copyBySelection);
    } else {
      copyBySelection();
    }
  });
  refresh();
})();
