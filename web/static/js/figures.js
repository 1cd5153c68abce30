// Charts of /figures: Chart.js (installed from npm, served by the app) over the data in the page.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var fig = JSON.parse(canvas.dataset.chart);
    var horizontal = fig.kind === "hbar";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: fig.rows.map(function (r) { return r.label; }),
        datasets: [{ label: fig.unit, data: fig.rows.map(function (r) { return r.value; }),
                     backgroundColor: "#00639a" }],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { autoSkip: !horizontal } }, y: { ticks: { autoSkip: false } } },
      },
    });
  });
})();
