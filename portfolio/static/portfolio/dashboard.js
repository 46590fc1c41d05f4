// Copy a chart's data table as tab-separated text (pastes into a spreadsheet).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const table = document.getElementById(button.dataset.copy);
  if (!table) return;
  const text = Array.from(table.rows)
    .map((row) => Array.from(row.cells).map((cell) => cell.innerText.trim()).join("\t"))
    .join("\n");
  const done = () => { button.dataset.done = "1"; button.textContent = "✓"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => {});
  } else {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    done();
  }
});

// The statement's print button (no inline handlers: the page's own script only).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
