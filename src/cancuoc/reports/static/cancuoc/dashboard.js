// Draws the dashboard's charts from the JSON the page embeds (no inline script: CSP).
(function () {
  const source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const daily = document.getElementById("daily-chart");
  if (daily) {
    new Chart(daily, {
      type: "bar",
      data: { labels: data.days, datasets: [{ label: "Hồ sơ thu nhận", data: data.captured, backgroundColor: "#b3261e" }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }
  const burndown = document.getElementById("burndown-chart");
  if (burndown && data.remaining) {
    const labels = data.days.slice();
    const forecast = new Array(labels.length).fill(null);
    let left = data.remaining.length ? data.remaining[data.remaining.length - 1] : data.target;
    forecast[forecast.length - 1] = left;
    const last = new Date(labels[labels.length - 1]);
    const deadline = new Date(data.deadline);
    for (let day = new Date(last); day < deadline && left > 0; ) {
      day.setDate(day.getDate() + 1);
      left = Math.max(left - data.pace, 0);
      labels.push(day.toISOString().slice(0, 10));
      forecast.push(left);
    }
    new Chart(burndown, {
      type: "line",
      data: {
        labels,
        datasets: [
          { label: "Còn lại", data: data.remaining, borderColor: "#1d2733", pointRadius: 0 },
          { label: "Dự báo", data: forecast, borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
  }
})();
