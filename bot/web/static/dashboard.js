// Draws the dashboard's charts from the JSON the server put in the page (no inline script: CSP).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var colors = ["#1f77b4", "#ff9f40", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];
  var common = { animation: false, responsive: true, maintainAspectRatio: false,
                 plugins: { legend: { display: false } } };
  function chart(id, type, series, extra) {
    var options = Object.assign({}, common, extra || {});
    new Chart(document.getElementById(id), {
      type: type,
      data: { labels: series.labels,
              datasets: [{ data: series.values, backgroundColor: type === "line" ? colors[0] : colors,
                           borderColor: colors[0], fill: false, tension: 0.2 }] },
      options: options
    });
  }
  chart("chart-per-day", "line", data.per_day, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
  chart("chart-outcomes", "doughnut", data.outcomes, { plugins: { legend: { display: true, position: "bottom" } } });
  chart("chart-topics", "bar", data.topics, { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } });
  chart("chart-deliveries", "bar", data.deliveries, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
  document.body.setAttribute("data-charts", "drawn");
})();
