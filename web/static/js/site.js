// Autocomplete for every <input class="autocomplete" data-suggest="URL">.
// With data-fill="code", choosing a suggestion puts its code in the field itself (forms that take
// what a person types, such as the path explorer); with data-target="ID" it fills the element ID
// with the resource's IRI; otherwise it opens the resource page.
// Text is inserted with textContent only, never as HTML.
// Every script takes its words from the page (#ui-messages, rendered from web/i18n.py in the page's
// language): window.cqpiUI = { lang, widgets, text }. No script holds a word of either language.
(function () {
  "use strict";
  var block = document.getElementById("ui-messages");
  window.cqpiUI = block ? JSON.parse(block.textContent) : { lang: document.documentElement.lang || "fr", widgets: {}, text: {} };
})();
(function () {
  "use strict";
  var UI = window.cqpiUI;
  function setup(input) {
    var wrap = document.createElement("span");
    wrap.className = "ac-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.className = "ac-list";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", UI.text.suggestions);
    wrap.appendChild(list);
    var items = [], active = -1, timer = null, seq = 0;
    var target = input.dataset.target ? document.getElementById(input.dataset.target) : null;

    function close() { list.hidden = true; active = -1; }
    function choose(item) {
      if (input.dataset.fill) {
        input.value = item[input.dataset.fill] || item.iri;
        close();
      } else if (target) {
        target.value = item.iri;
        input.value = item.label;
        close();
        input.dispatchEvent(new Event("change"));
      } else {
        window.location.href = item.url;
      }
    }
    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = item.label;
        var small = document.createElement("small");
        small.textContent = [item.code, item.type].filter(Boolean).join(" · ");
        li.appendChild(small);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    input.addEventListener("input", function () {
      if (target) { target.value = ""; }
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { items = []; render(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        // the page's language, said in the request: the kinds (item.type) come back in it
        var url = input.dataset.suggest + "?q=" + encodeURIComponent(q) + "&lang=" + encodeURIComponent(UI.lang);
        if (input.dataset.types) { url += "&type=" + encodeURIComponent(input.dataset.types); }
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === seq) { items = data.results || []; active = -1; render(); } })
          .catch(function () { items = []; render(); });
      }, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) { return; }
      if (ev.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active >= 0) { choose(items[active]); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.querySelectorAll("input.autocomplete[data-suggest]").forEach(setup);
})();
