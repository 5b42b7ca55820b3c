// "Enroll now": one click, one request (the server refuses a second enrollment anyway).
(function () {
  "use strict";
  var form = document.getElementById("enroll-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = document.getElementById("enroll-now");
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
