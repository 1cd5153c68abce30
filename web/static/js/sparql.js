// The query page: YASGUI (installed from npm, served by the app) on the local /sparql endpoint.
// The query in the address bar (?query=…) is the shareable link; it follows the editor.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || typeof window.Yasgui === "undefined" || !window.cqpiYasguiSetup) {
    var form = document.getElementById("sparql-fallback");
    if (form) { form.hidden = false; }
    return;
  }
  var yasgui = window.cqpiYasguiSetup(el, "260px");
  yasgui.getTab().setQuery(el.dataset.query || "");
  window.cqpiYasgui = yasgui;
  function share(query) {
    var url = new URL(window.location.href);
    url.searchParams.delete("example");
    url.searchParams.set("query", query);
    window.history.replaceState(null, "", url.toString());
  }
  yasgui.on("query", function (instance, t) { share(t.getQuery()); });
  document.querySelectorAll(".examples a[data-query]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var t = yasgui.getTab();
      t.setQuery(a.dataset.query);
      share(a.dataset.query);
    });
  });
})();
