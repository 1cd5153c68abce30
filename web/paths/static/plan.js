// Print buttons (the plan, a path or a socle page): no inline script (CSP).
(function () {
  document.querySelectorAll("#print-plan, [data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
