// One indicator's chart: realised values, targets, trajectory, province and national lines
// (Chart.js served by the app itself: offline).
(function () {
  const node = document.getElementById("indicator-chart-data");
  const el = document.getElementById("indicator-chart");
  if (!node || !el || !window.Chart) return;
  const d = JSON.parse(node.textContent);
  const line = (key, colour, extra) => Object.assign({
    label: d.labels[key], data: d[key], borderColor: colour, backgroundColor: colour,
    spanGaps: true, tension: 0, pointRadius: 3,
  }, extra || {});
  new Chart(el, {
    type: "line",
    data: {
      labels: d.years,
      datasets: [
        line("realised", "#1f4e79", { borderWidth: 3 }),
        line("target", "#c62828", { showLine: false, pointRadius: 6, pointStyle: "rectRot" }),
        line("trajectory", "#c62828", { borderDash: [6, 4], pointRadius: 0 }),
        line("province", "#7f7f7f", { borderWidth: 1 }),
        line("national", "#b7791f", { borderWidth: 1 }),
      ],
    },
    options: { animation: false, scales: { y: { beginAtZero: false } } },
  });
})();
