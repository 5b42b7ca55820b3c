// Ops pages (Django admin) on any screen. Loaded with `defer`, after Django's nav_sidebar.js.
(function () {
  "use strict";
  // On a laptop a changelist needs the width the app list takes: unless ops chose otherwise (the « button,
  // which Django admin remembers), the app list starts collapsed on changelists 1024 to 1600 px wide.
  try {
    var toggle = document.getElementById("toggle-nav-sidebar");
    if (toggle && document.body.classList.contains("change-list") && window.innerWidth >= 1024 && window.innerWidth < 1600 &&
        window.localStorage.getItem("django.admin.navSidebarIsOpen") === null) {
      toggle.click();  // Django's own handler collapses it and remembers the choice
    }
  } catch (error) { /* no storage: Django's default */ }

  // On a phone each changelist row stacks into a card (admin-responsive.css): label every cell with its
  // column's header so that a value still says what it is. Without this file the table scrolls instead.
  document.querySelectorAll("#result_list").forEach(function (table) {
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[0] : null;
    if (!head) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < cell.colSpan; i += 1) { labels.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && labels[column]) { cell.setAttribute("data-label", labels[column]); }
          column += cell.colSpan;
        });
      });
    });
    table.classList.add("stackable");
  });
})();
