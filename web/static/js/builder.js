// The visual query builder: Sparnatural writes the query, YASGUI shows and runs it on /sparql.
// The built query (Sparnatural's JSON) stays in the address (?q=…): the page is its own share link.
(function () {
  "use strict";
  var sn = document.getElementById("sparnatural");
  var el = document.getElementById("yasgui");
  if (!sn || !el || typeof window.Yasgui === "undefined" || !window.cqpiYasguiSetup) { return; }
  var yasgui = window.cqpiYasguiSetup(el, "200px");
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
