// The visual query builder: Sparnatural writes the query, YASGUI shows and runs it on /sparql.
// The built query (Sparnatural's JSON) stays in the address (?q=…): the page is its own share link.
(function () {
  "use strict";
  var sn = document.getElementById("sparnatural");
  var el = document.getElementById("yasgui");
  if (!sn || !el || typeof window.Yasgui === "undefined") { return; }
  var endpoint = new URL(el.dataset.endpoint, window.location.href).href;
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
    yasqe: { resizeable: true, editorHeight: "200px" },
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  window.cqpiBuilder = { sparnatural: sn, yasgui: yasgui };
  var editor = document.getElementById("open-editor");
  var shareLink = document.getElementById("share-link");

  function follow(query, json) {
    var url = new URL(window.location.href);
    if (json) { url.searchParams.set("q", JSON.stringify(json)); }
    window.history.replaceState(null, "", url.toString());
    shareLink.href = url.toString();
    var ed = new URL(el.dataset.editor, window.location.href);
    ed.searchParams.set("query", query);
    editor.href = ed.toString();
  }

  sn.addEventListener("init", function () {
    var saved = el.dataset.saved;
    if (saved) {
      try { sn.loadQuery(JSON.parse(saved)); } catch (e) { /* a damaged link: start empty */ }
    }
  });
  sn.addEventListener("queryUpdated", function (ev) {
    var query = sn.expandSparql(ev.detail.queryString);
    yasgui.getTab().setQuery(query);
    follow(query, ev.detail.queryJson);
  });
  sn.addEventListener("submit", function () {
    sn.disablePlayBtn();
    yasgui.getTab().query();
  });
  yasgui.on("queryResponse", function () { sn.enablePlayBtn(); });
  shareLink.href = window.location.href;
})();
