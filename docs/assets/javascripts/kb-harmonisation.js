// Filters of the harmonisation page's instrument table. Without script the form stays hidden and
// the full table shows; with it, rows not matching every chosen value are hidden.
(function () {
  function setup() {
    var form = document.querySelector("form.kb-filters");
    var table = document.getElementById("kb-instruments");
    if (!form || !table || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var out = form.querySelector("output");
    var shownWord = form.dataset.shown || "";
    function apply() {
      var want = {};
      form.querySelectorAll("select").forEach(function (s) { if (s.value) want[s.dataset.filter] = s.value; });
      var shown = 0;
      table.querySelectorAll("tbody").forEach(function (group) {
        var visible = 0;
        group.querySelectorAll("tr[data-country]").forEach(function (row) {
          var ok = (!want.country || row.dataset.country === want.country) &&
            (!want.sources || (" " + row.dataset.sources + " ").indexOf(" " + want.sources + " ") >= 0);
          if (ok && want["icls-concepts"]) {
            var cell = row.querySelector("[data-icls-concepts]");
            ok = !!cell && (" " + cell.dataset.iclsConcepts + " ").indexOf(" " + want["icls-concepts"] + " ") >= 0;
          }
          row.hidden = !ok;
          if (ok) visible++;
        });
        group.hidden = visible === 0 && Object.keys(want).length > 0;
        shown += visible;
      });
      out.textContent = shown + " " + shownWord;
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
