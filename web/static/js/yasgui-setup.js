// YASGUI set up the one way every page that shows it needs (the query page, the query builder):
// on the app's own endpoint only (no catalogue of other servers), POST so long queries fit, no
// saved state, so the page's own query (?query=…, ?q=…) is what opens and a stale one never does,
// and its words (tab name, results table) in the page's language (window.cqpiUI, #ui-messages).
(function () {
  "use strict";
  // el: the element to fill, with data-endpoint; height: the editor's CSS height.
  window.cqpiYasguiSetup = function (el, height) {
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
      yasqe: { resizeable: true, editorHeight: height },
    });
    yasgui.getTab().setEndpoint(endpoint);
    return yasgui;
  };
})();
