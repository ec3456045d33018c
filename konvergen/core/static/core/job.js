// Follows a background job: polls its status and reloads the page when it has finished.
(function () {
  const box = document.getElementById("job");
  if (!box || ["done", "failed", "unchanged"].includes(box.dataset.status)) return;
  const bar = document.getElementById("progress");
  const stage = document.getElementById("stage");
  const tick = () =>
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((s) => {
        bar.value = s.progress;
        stage.textContent = s.stage;
        if (s.finished) window.location.reload();
        else setTimeout(tick, 700);
      })
      .catch(() => setTimeout(tick, 2000));
  tick();
})();
