// Draws the dashboard's charts from the JSON the page embeds (no inline script: CSP).
// Days are labelled as the server formatted them for the page's language (data.labels) and
// numbers in that language's way (Chart.js's locale option: 16.000 or 16,000).
(function () {
  const source = document.getElementById("chart-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const lang = document.documentElement.lang || "vi";
  const locale = lang === "en" ? "en-GB" : "vi-VN";
  const series = data.series || {};
  const dayLabel = new Intl.DateTimeFormat(locale, { day: "2-digit", month: lang === "en" ? "short" : "2-digit" });
  const common = { animation: false, maintainAspectRatio: false, locale, scales: { y: { beginAtZero: true } } };
  const daily = document.getElementById("daily-chart");
  if (daily) {
    new Chart(daily, {
      type: "bar",
      data: { labels: data.labels || data.days, datasets: [{ label: series.captured || "", data: data.captured, backgroundColor: "#a8231c" }] },
      options: Object.assign({}, common, { plugins: { legend: { display: false } } }),
    });
  }
  const burndown = document.getElementById("burndown-chart");
  if (burndown && data.remaining) {
    const labels = (data.labels || data.days).slice();
    const forecast = new Array(labels.length).fill(null);
    let left = data.remaining.length ? data.remaining[data.remaining.length - 1] : data.target;
    forecast[forecast.length - 1] = left;
    const last = new Date(data.days[data.days.length - 1] + "T12:00:00");
    const deadline = new Date(data.deadline + "T12:00:00");
    for (let day = new Date(last); day < deadline && left > 0; ) {
      day.setDate(day.getDate() + 1);
      left = Math.max(left - data.pace, 0);
      labels.push(dayLabel.format(day));
      forecast.push(left);
    }
    new Chart(burndown, {
      type: "line",
      data: {
        labels,
        datasets: [
          { label: series.remaining || "", data: data.remaining, borderColor: "#1d2733", pointRadius: 0 },
          { label: series.forecast || "", data: forecast, borderColor: "#a8231c", borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: common,
    });
  }
})();
