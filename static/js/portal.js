// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  var toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    var setOpen = function (open) {
      document.body.classList.toggle("nav-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", function () {
      setOpen(!document.body.classList.contains("nav-open"));
    });
    // Escape closes the phone menu and gives the focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.body.classList.contains("nav-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }
  // A choice made with the mouse applies at once; from the keyboard the arrow keys only move through the
  // options (nothing happens on input) and Enter applies the choice.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    var byKey = false;
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        el.form.submit();
        return;
      }
      byKey = event.key !== "Tab";
    });
    el.addEventListener("pointerdown", function () { byKey = false; });
    el.addEventListener("change", function () {
      if (!byKey) { el.form.submit(); }
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        var done = button.getAttribute("data-copied");
        if (done) { button.textContent = done; }
      });
    });
  });
  document.querySelectorAll("[data-select-on-focus]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });
  // Tables stack into one card per row on a phone (portal.css); each cell is labelled with its column's
  // header. A cell that already has a data-label keeps it. Without this file the table scrolls instead.
  document.querySelectorAll("table.table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    var labels = [];
    if (head) {
      Array.prototype.forEach.call(head.cells, function (cell) {
        for (var i = 0; i < cell.colSpan; i += 1) { labels.push(cell.textContent.replace(/\s+/g, " ").trim()); }
      });
    }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && labels[column]) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan;
        });
      });
    });
    table.classList.add("stackable");
  });
  // Forms that ask before a destructive action (no inline handlers: the Content-Security-Policy forbids them).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // The Customers page: an opened row reads its details (services, users, licenses) from the portal then,
  // so the page stays as light with 100,000 customers as with ten. Without this file the opened row offers
  // a link to the customer's page instead.
  var customerRows = document.querySelector("[data-testid=customer-list]");
  if (customerRows) {
    customerRows.querySelectorAll("details[data-row-src]").forEach(function (row) {
      row.addEventListener("toggle", function () {
        if (!row.open || row.hasAttribute("data-loaded")) { return; }
        row.setAttribute("data-loaded", "loading");
        var body = row.querySelector("[data-row-body]");
        var fallback = body.querySelector("[data-row-fallback]");
        var earlier = body.querySelector("[data-row-status]");
        if (earlier) { earlier.remove(); }
        var status = document.createElement("p");
        status.setAttribute("data-row-status", "");
        status.className = "muted small";
        status.textContent = customerRows.getAttribute("data-loading");
        body.insertBefore(status, fallback);
        body.setAttribute("aria-busy", "true");
        fetch(row.getAttribute("data-row-src"), {
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" }
        }).then(function (response) {
          // A signed-out session is sent to the sign-in page: that page is not the row's details.
          if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
          return response.text();
        }).then(function (html) {
          body.innerHTML = html;
          row.setAttribute("data-loaded", "true");
        }).catch(function () {
          status.textContent = customerRows.getAttribute("data-failed");
          row.removeAttribute("data-loaded");  // opening the row again tries again
        }).then(function () {
          body.removeAttribute("aria-busy");
        });
      });
    });
  }
})();
