"use strict";
// The badges' address: base_url, or without it this page's own folder.
const base = document.querySelector("main").dataset.base || new URL(".", document.baseURI).href;
const list = document.getElementById("rooms");
const rows = Array.from(list.children);
const names = new Map(rows.map((row, index) => {
  row.dataset.index = index;
  const about = row.querySelector(".d");
  return [row, [row.querySelector("a").textContent, jid(row), about ? about.textContent : ""].join(" ").toLowerCase()];
}));

function markdownText(text) { return text.replace(/[\\`*_\[\]<>|]/g, "\\$&"); }
function htmlText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}
// As badgegen.snippets.snippet() builds them (a test compares the two).
function jid(row) {
  const shown = row.querySelector(".j") || row.querySelector("a");
  return shown.textContent;
}
function snippet(row, format, badge) {
  const trend = badge === "trend";
  const image = base + row.querySelector(trend ? "img.t" : "img.b").getAttribute("src");
  const link = row.querySelector("a").getAttribute("href");
  const alt = (trend ? row.dataset.ta : "XMPP chat " + jid(row)).split(/\s+/).join(" ");
  if (format === "html") {
    return `<a href="${htmlText(link)}"><img src="${htmlText(image)}" alt="${htmlText(alt)}"></a>`;
  }
  return `[![${markdownText(alt)}](${image})](${link})`;
}

list.addEventListener("click", async (event) => {
  const button = event.target.closest("button[value]");
  if (!button) return;
  const row = button.closest("li");
  const text = snippet(row, button.value, button.dataset.b);
  let shown = row.querySelector("pre");
  if (!shown) { shown = document.createElement("pre"); row.append(shown); }
  shown.textContent = text;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy";
  }
  setTimeout(() => { button.textContent = label; }, 2000);
});

const find = document.getElementById("find");
const order = document.getElementById("order");
const shown = document.getElementById("shown");
const language = document.getElementById("lang");
function filter() {
  const query = find.value.trim().toLowerCase();
  const wanted = language ? language.value : "";
  let count = 0;
  for (const row of rows) {
    row.hidden = (query !== "" && !names.get(row).includes(query))
      || (wanted !== "" && row.dataset.l !== wanted);
    if (!row.hidden) count += 1;
  }
  shown.textContent = query || wanted ? `Showing ${count} of ${rows.length} rooms.` : "";
}
find.addEventListener("input", filter);
if (language) language.addEventListener("change", filter);
order.addEventListener("change", () => {
  const by = order.value;
  const sorted = rows.slice().sort((a, b) => {
    if (by === "name") return names.get(a).localeCompare(names.get(b));
    if (by === "occupants") return b.dataset.o - a.dataset.o || a.dataset.index - b.dataset.index;
    return a.dataset.index - b.dataset.index;
  });
  list.append(...sorted);
});
