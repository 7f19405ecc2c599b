// django-celery-beat's periodic-task form: show the chosen crontab in words under the field.
// The package ships this as an inline <script>, which the Content-Security-Policy refuses;
// templates/admin/djcelery/change_periodictask_form.html loads this file instead.
"use strict";

window.addEventListener("load", function () {
  var $ = window.django && window.django.jQuery;
  var data = document.getElementById("readable-crontabs");
  if (!$ || !data) {
    return;
  }
  var readableCrontabs = JSON.parse(data.textContent);
  var help = $(".field-crontab .help");
  var originalHelp = help.html();
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var words = readableCrontabs[$("#id_crontab").val()] || "";
    help.html(originalHelp).append($("<div>").text(words));
  });
});
