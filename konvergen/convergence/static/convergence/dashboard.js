// Convergence dashboard charts (Chart.js served by the app itself: offline).
(function () {
  const node = document.getElementById("convergence-chart-data");
  if (!node || !window.Chart) return;
  const data = JSON.parse(node.textContent);
  const zero = (xs) => xs.map((x) => (x === null ? 0 : x));
  const bar = (id, labels, datasets, stacked) => {
    const el = document.getElementById(id);
    if (!el) return;
    new Chart(el, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        indexAxis: "y",
        scales: { x: { stacked: stacked }, y: { stacked: stacked } },
      },
    });
  };
  bar("needs-chart", data.needs, [
    { label: "+", data: zero(data.covered), backgroundColor: "#4f9bd9" },
    { label: "-", data: zero(data.uncovered), backgroundColor: "#f16913" },
  ], true);
  bar("stage-chart", data.stages, [
    { label: "", data: zero(data.stage_counts), backgroundColor: "#8c2d04" },
  ], false);
  bar("sector-chart", data.sector, [
    { label: "Rp", data: zero(data.sector_value), backgroundColor: "#4f9bd9" },
  ], false);
})();
