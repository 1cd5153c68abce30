// YASGUI set up the one way every page that shows it needs (the query page, the query builder):
// on the app's own endpoint only (no catalogue of other servers), POST so long queries fit, and no
// saved state, so the page's own query (?query=…, ?q=…) is what opens and a stale one never does.
(function () {
  "use strict";
  // el: the element to fill, with data-endpoint; height: the editor's CSS height.
  window.cqpiYasguiSetup = function (el, height) {
    var endpoint = new URL(el.dataset.endpoint, window.location.href).href;
    try { window.localStorage.removeItem("yagui__config"); } catch (e) { /* private mode */ }
    var yasgui = new window.Yasgui(el, {
      requestConfig: { endpoint: endpoint, method: "POST" },
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
