// The bulk invitation page: poll the batch's progress (GET /v1/transition/invitations/{id}) and update the
// bar and counts; reload once the batch is finished, so the list of customers not invited is complete.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var delay = 1500;

  function set(field, value) {
    var el = box.querySelector('[data-field="' + field + '"]');
    if (el) { el.textContent = String(value); }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (b) {
        var done = b.totalCount - b.pendingCount;
        var bar = box.querySelector('[data-field="progress"]');
        if (bar) { bar.max = b.totalCount; bar.value = done; }
        set("processed", done);
        set("invited", b.invitedCount);
        set("skipped", b.skippedCount);
        set("failed", b.failedCount);
        if (b.state === "done" || b.state === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
})();
