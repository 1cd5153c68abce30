// The query page: YASGUI (installed from npm, served by the app) on the local /sparql endpoint.
// The query in the address bar (?query=…) is the shareable link; it follows the editor.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || typeof window.Yasgui === "undefined") {
    var form = document.getElementById("sparql-fallback");
    if (form) { form.hidden = false; }
    return;
  }
  var endpoint = new URL(el.dataset.endpoint, window.location.href).href;
  var initial = el.dataset.query || "";
  try { window.localStorage.removeItem("yagui__config"); } catch (e) { /* private mode */ }
  var UI = window.cqpiUI || { lang: "fr", yasgui: {}, table: {} };
  // the results table's words (DataTables, inside YASGUI) in the page's language
  var table = window.Yasgui.Yasr && window.Yasgui.Yasr.plugins.table;
  if (table && UI.table) { Object.assign(table.defaults.tableConfig.language, UI.table); }
  var yasgui = new window.Yasgui(el, {
    // lang: the endpoint's error messages come back in the page's language
    requestConfig: { endpoint: endpoint, method: "POST", args: [{ name: "lang", value: UI.lang }] },
    tabName: (UI.yasgui || {}).Query || "Query",
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { resizeable: true, editorHeight: "260px" },
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  tab.setQuery(initial);
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
