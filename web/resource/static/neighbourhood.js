// A certification's neighbourhood drawn with cytoscape (served from web/node_modules, never a CDN).
// Data: the JSON endpoint named by data-src (cqpi_graph.neighbourhood). Declared links are solid,
// computed ones dashed, history dotted, identifier correspondences double; a click opens the node.
(function () {
  "use strict";
  var box = document.getElementById("neighbourhood-graph");
  if (!box || typeof cytoscape === "undefined") { return; }
  var COLORS = { subject: "#0b3a5b", certification: "#00639a", bloc: "#2e7d32", job: "#8a4b00",
                 branch: "#6a1b9a", recognition: "#455a64" };
  var RINGS = { subject: 3, bloc: 2, branch: 2, recognition: 2 };
  var STYLES = { declared: "solid", computed: "dashed", history: "dotted", identifier: "double" };
  // The same neighbourhood as a list of links (keyboard and screen readers; text only, never HTML).
  function listNodes(data) {
    var list = document.getElementById("neighbourhood-list");
    if (!list) { return; }
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    data.edges.forEach(function (e) {
      var other = byId[e.source === data.subject ? e.target : e.source];
      if (!other) { return; }
      var li = document.createElement("li");
      li.className = "basis-" + e.basis;
      var a = document.createElement("a");
      a.href = other.href;
      a.textContent = (other.code ? other.code + " " : "") + other.label;
      a.className = "data-value";  // a title from the sources, in its own language (as on the page)
      var small = document.createElement("small");
      small.textContent = " — " + e.words + (e.detail ? " (" + e.detail + ")" : "");
      li.appendChild(a);
      li.appendChild(small);
      list.appendChild(li);
    });
  }
  var UI = window.cqpiUI || { lang: "fr", text: {} };
  var src = new URL(box.dataset.src, window.location.href);
  src.searchParams.set("lang", UI.lang);  // the relations' words come back in the page's language
  fetch(src.toString(), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var elements = data.nodes.map(function (n) {
        var text = (n.code ? n.code + " " : "") + n.label;
        return { data: { id: n.id, label: text.length > 34 ? text.slice(0, 32) + "…" : text,
                         full: text, href: n.href, kind: n.kind } };
      });
      data.edges.forEach(function (e, i) {
        elements.push({ data: { id: "e" + i, source: e.source, target: e.target, basis: e.basis,
                                words: e.words + (e.detail ? " — " + e.detail : "") } });
      });
      var cy = cytoscape({
        container: box,
        elements: elements,
        wheelSensitivity: 0.3,
        layout: { name: "concentric", animate: false, minNodeSpacing: 55, padding: 10,
                  concentric: function (n) { return RINGS[n.data("kind")] || 1; },
                  levelWidth: function () { return 1; } },
        style: [
          { selector: "node", style: {
              "label": "data(label)", "font-size": 10, "text-wrap": "wrap", "text-max-width": 120,
              "text-valign": "bottom", "text-margin-y": 4, "width": 18, "height": 18,
              "background-color": function (n) { return COLORS[n.data("kind")] || "#00639a"; } } },
          { selector: "node[kind = 'subject']", style: { "width": 30, "height": 30, "font-weight": "bold" } },
          { selector: "edge", style: {
              "width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#8d99ab",
              "target-arrow-color": "#8d99ab",
              "line-style": function (e) { return STYLES[e.data("basis")] === "double" ? "solid" : STYLES[e.data("basis")]; } } },
          { selector: "edge[basis = 'computed']", style: { "line-color": "#b26a00", "target-arrow-color": "#b26a00" } },
          { selector: "edge[basis = 'history']", style: { "line-color": "#6d6d6d", "target-arrow-color": "#6d6d6d" } },
          { selector: "edge[basis = 'identifier']", style: { "width": 4, "line-color": "#7b5ea7", "target-arrow-shape": "none" } },
          { selector: "node.hover", style: { "label": "data(full)", "z-index": 10, "text-background-color": "#fff",
              "text-background-opacity": 1, "font-size": 11 } },
          { selector: "edge:selected, edge.hover", style: { "label": "data(words)", "font-size": 9, "text-background-color": "#fff",
              "text-background-opacity": 1 } }
        ]
      });
      cy.on("tap", "node", function (ev) {
        var href = ev.target.data("href");
        if (href && ev.target.data("kind") !== "subject") { window.location.href = href; }
      });
      cy.on("mouseover", "node", function (ev) { ev.target.addClass("hover"); });
      cy.on("mouseout", "node", function (ev) { ev.target.removeClass("hover"); });
      cy.on("mouseover", "edge", function (ev) { ev.target.addClass("hover"); });
      cy.on("mouseout", "edge", function (ev) { ev.target.removeClass("hover"); });
      listNodes(data);
      box.dataset.nodes = String(cy.nodes().length);
      window.cqpiNeighbourhood = cy;
    })
    .catch(function () { box.dataset.nodes = "0"; box.textContent = UI.text.graphFailed || box.dataset.failed || ""; });
})();
