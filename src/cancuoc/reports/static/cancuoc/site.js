// Small helpers of every page (no inline scripts: the CSP forbids them).
// Tables of class "sortable": a click on a column's header sorts by it (numbers by the
// cell's data-sort or its digits, text by the page's language), and says so (aria-sort).
(function () {
  const lang = document.documentElement.lang || "vi";
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  function key(cell) {
    if (!cell) return "";
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    if (cell.dataset.sort !== undefined) {
      const number = parseFloat(raw);  // a machine value: 1234.5
      if (!Number.isNaN(number)) return number;
    } else if (cell.classList.contains("n")) {
      // A figure as the page shows it: 1.234,5 in Vietnamese, 1,234.5 in English.
      const [group, decimal] = lang === "en" ? [",", "."] : [".", ","];
      const plain = String(raw).split(group).join("").replace(decimal, ".").replace(/[^\d\-.]/g, "");
      const number = parseFloat(plain);
      if (!Number.isNaN(number)) return number;
    }
    return raw;
  }
  function sortBy(table, index, th) {
    const body = table.tBodies[0];
    const descending = th.getAttribute("aria-sort") === "ascending";
    const rows = Array.from(body.rows).filter((r) => !r.querySelector(".empty"));
    rows.sort((a, b) => {
      const x = key(a.cells[index]), y = key(b.cells[index]);
      const order = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
      return descending ? -order : order;
    });
    rows.forEach((r) => body.appendChild(r));
    table.querySelectorAll("th[aria-sort]").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  document.querySelectorAll("table.sortable").forEach((table) => {
    const headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.from(headers).forEach((th, index) => {
      if (th.classList.contains("nosort") || !th.textContent.trim()) return;
      const button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", () => sortBy(table, index, th));
    });
  });
})();
// Tables of class "cards" become one card per row on phones (site.css); each cell is
// labelled with its column's header unless it has a data-label of its own.
(function () {
  document.querySelectorAll("table.cards").forEach((table) => {
    if (!table.tHead) return;
    const labels = Array.from(table.tHead.rows[0].cells).map((th) => th.textContent.trim());
    Array.from(table.tBodies).forEach((body) => {
      Array.from(body.rows).forEach((row) => {
        let column = 0;
        Array.from(row.cells).forEach((cell) => {
          if (cell.dataset.label === undefined && labels[column] && cell.colSpan === 1) {
            cell.dataset.label = labels[column];
          }
          column += cell.colSpan;
        });
      });
    });
  });
})();
