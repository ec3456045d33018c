// Region dashboard charts (Chart.js served by the app itself: offline).
(function () {
  const node = document.getElementById("welfare-chart-data");
  if (!node || !window.Chart) return;
  const data = JSON.parse(node.textContent);
  const colours = ["#8c2d04", "#f16913", "#fdae6b", "#4f9bd9"];
  const status = document.getElementById("status-chart");
  if (status) {
    new Chart(status, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: data.families.map((x) => (x === null ? 0 : x)), backgroundColor: colours }],
      },
      options: { animation: false, plugins: { legend: { display: false } } },
    });
  }
  const trend = document.getElementById("trend-chart");
  if (trend) {
    const keys = Object.keys(data.trend);
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend_labels,
        datasets: keys.map((k, i) => ({
          label: data.labels[i],
          data: data.trend[k].map((x) => (x === null ? null : x * 100)),
          borderColor: colours[i],
          backgroundColor: colours[i],
        })),
      },
      options: { animation: false, scales: { y: { beginAtZero: true, title: { display: true, text: "%" } } } },
    });
  }
  document.body.dataset.chartsReady = "1";
})();
