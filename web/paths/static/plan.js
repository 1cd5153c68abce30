// The printable « plan de parcours »: the button prints the page (no inline script: CSP).
(function () {
  var button = document.getElementById("print-plan");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
