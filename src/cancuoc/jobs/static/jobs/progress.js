// A job's page keeps itself current: its status JSON is read every 1.5 s while the job is
// queued or running; once it has ended, the page is loaded again to show the result.
(function () {
  const section = document.getElementById("job");
  if (!section || section.dataset.ended === "1") return;
  const url = section.dataset.statusUrl;
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  const bar = document.getElementById("job-bar");
  async function poll() {
    let state;
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!answer.ok) return setTimeout(poll, 5000);
      state = await answer.json();
    } catch (error) {
      return setTimeout(poll, 5000);
    }
    if (state.ended) { window.location.reload(); return; }
    set("job-status", state.status_label);
    set("job-stage", state.stage);
    set("job-figures", state.figures || "—");
    set("job-percent", state.percent === null ? "—" : state.percent + "%");
    set("job-elapsed", state.elapsed);
    set("job-left", state.left);
    if (state.percent === null) bar.removeAttribute("value"); else bar.value = state.percent;
    setTimeout(poll, 1500);
  }
  setTimeout(poll, 1500);
})();
