// Accessibility for the third-party editors (YASGUI, CodeMirror, Sparnatural): adds the roles and
// names they lack, in the page's language (labels from web/i18n.py in #ui-messages), and
// re-applies them whenever the widgets re-render. Focus is never trapped: only names and roles change.
(function () {
  "use strict";
  if (!window.cqpiUI || !window.cqpiUI.widgets) return;
  var L = window.cqpiUI.widgets;

  function name(el, text) {
    if (el && !el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
      el.setAttribute("aria-label", text);
    }
  }

  // A tablist may own only tabs: YASGUI puts its "+" button inside, so it moves just after the
  // list (its empty wrapper stays, YASGUI inserts new tabs before it).
  function tabs(root) {
    root.querySelectorAll(".tabsList").forEach(function (list) {
      list.setAttribute("aria-label", L.tabs);
      var add = list.querySelector("button.addTab");
      if (add) {
        add.setAttribute("aria-label", L.addTab);
        add.title = L.addTab;
        var bar = list.parentElement;
        if (!bar.classList.contains("a11y-tabbar")) {
          // A row of its own keeps the button beside the tabs, as YASGUI draws it.
          bar = document.createElement("div");
          bar.className = "a11y-tabbar";
          list.insertAdjacentElement("beforebegin", bar);
          bar.appendChild(list);
        }
        bar.appendChild(add);
      }
      list.querySelectorAll(".closeTab").forEach(function (c) { c.title = L.closeTab; });
      list.querySelectorAll("a[role=tab] input").forEach(function (i) { name(i, L.tabName); });
    });
  }

  function fields(root) {
    root.querySelectorAll(".autocompleteWrapper input").forEach(function (i) { name(i, L.endpoint); });
    root.querySelectorAll(".CodeMirror textarea").forEach(function (t) { name(t, L.editor); });
    root.querySelectorAll("textarea:not([aria-label])").forEach(function (t) { name(t, L.editor); });
    root.querySelectorAll("label.switch input[type=checkbox]").forEach(function (c) {
      var p = c.closest("p");
      var text = p ? p.textContent.trim() : "";
      name(c, text || L.columns);
    });
    // A scrollable list must be reachable with the keyboard.
    root.querySelectorAll("#sparnatural ul.root").forEach(function (u) {
      if (!u.hasAttribute("tabindex")) u.setAttribute("tabindex", "0");
      name(u, L.classes);
    });
  }

  // YASGUI writes its interface in English: its exact words, put in the page's language (the table
  // comes from web/i18n.py; on an English page it maps each text to itself).
  var W = window.cqpiUI.yasgui || {};
  var T = window.cqpiUI.text || {};
  var STATUS = /^.+ \(#(\d+)\)$/;  // "BAD REQUEST (#400)": the HTTP reason, in English
  var INFO = /^(\d+) results? in ([\d.]+) seconds?$/;
  function words(root) {
    root.querySelectorAll(".yasgui, .yasgui *").forEach(function (el) {
      ["title", "aria-label", "placeholder"].forEach(function (a) {
        var v = el.getAttribute(a);
        if (v && W[v] && W[v] !== v) el.setAttribute(a, W[v]);
      });
      el.childNodes.forEach(function (n) {
        var t = n.nodeType === 3 ? n.nodeValue.trim() : "";
        if (t && W[t] && W[t] !== t) n.nodeValue = n.nodeValue.replace(t, W[t]);
      });
    });
    root.querySelectorAll(".yasgui .yasr_response_chip").forEach(function (chip) {
      var m = INFO.exec(chip.textContent.trim());  // "30 results in 0.021 seconds", YASGUI's English
      if (m && T.resultsIn) chip.textContent = T.resultsIn.replace("{n}", m[1]).replace("{seconds}", m[2]);
    });
    root.querySelectorAll(".yasgui .errorResult .status").forEach(function (s) {
      var m = STATUS.exec(s.textContent);
      if (m && W.Error) s.textContent = W.Error + " (#" + m[1] + ")";
    });
  }

  var pending = false;
  function apply() {
    pending = false;
    tabs(document);
    fields(document);
    words(document);
  }
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(apply);
    }
  }
  apply();
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
})();
