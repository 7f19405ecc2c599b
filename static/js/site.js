// Behaviour of the portal's pages, kept out of the HTML: the Content-Security-Policy allows
// scripts from this site only, never inline ones.
"use strict";

document.addEventListener("change", function (event) {
  // <select data-autosubmit>: choosing an option submits its form (the registry's region filter).
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
