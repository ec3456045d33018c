// The agglomeration comparison's charts: each member's latest P0 beside its target of the
// year, and the stage funnel of its target families (Chart.js served by the app: offline).
(function () {
  const node = document.getElementById("agglomeration-chart-data");
  if (!node || !window.Chart) return;
  const d = JSON.parse(node.textContent);
  const p0 = document.getElementById("p0-chart");
  if (p0) {
    new Chart(p0, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.p0, data: d.p0, backgroundColor: "#1f4e79" },
          { label: d.names.p0_target, data: d.p0_target, backgroundColor: "#c62828" },
        ],
      },
      options: { animation: false, scales: { y: { beginAtZero: true } } },
    });
  }
  const funnel = document.getElementById("funnel-chart");
  if (funnel) {
    const colours = ["#b7791f", "#2f855a", "#1f4e79", "#6b46c1"];
    new Chart(funnel, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.stages.map((s, i) => ({ label: s.label, data: s.data,
                                            backgroundColor: colours[i % colours.length] })),
      },
      options: { animation: false, indexAxis: "y",
                 scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } },
    });
  }
})();
