// A status that changes without the user doing anything (an enrollment waiting for approval) updates itself:
// the element with data-live-status="<url>" asks that URL every data-interval ms and, when the state
// changed, swaps in the card the server rendered again. Without this file the page shows the state and a
// "Check again" link.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-live-status");
  var interval = Math.max(1000, parseInt(box.getAttribute("data-interval"), 10) || 5000);
  var state = box.getAttribute("data-state");
  var announce = document.querySelector("[data-live-announce]");
  var failures = 0;

  function later(delay) { window.setTimeout(check, delay); }

  function check() {
    if (document.hidden) { later(interval); return; }
    window.fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (data.state !== state) {
          if (data.reload) { window.location.reload(); return; }
          box.innerHTML = data.html;
          state = data.state;
          box.setAttribute("data-state", state);
          if (announce) { announce.textContent = data.announcement || ""; }
        }
        if (data.poll) { later(interval); }
      })
      .catch(function () {
        // Signed out, offline or a server error: back off, then give up (the "Check again" link stays).
        failures += 1;
        if (failures < 6) { later(interval * Math.pow(2, failures)); }
      });
  }

  later(interval);
})();
