/* Small fixes of the page frame, on every page.
   The offline copy (file://) has .html pages instead of folder addresses: a form whose action is
   a folder (the home page's search box, action="recherche/") is pointed at the .html page. */
(function () {
  "use strict";
  if (!/\.html$/.test(location.pathname)) return;
  document.querySelectorAll("form[data-kb-folder-action]").forEach(function (form) {
    var action = form.getAttribute("action") || "";
    if (/\/$/.test(action)) form.setAttribute("action", action.replace(/\/$/, ".html"));
  });
})();
