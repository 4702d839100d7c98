"use strict";
// The badges' address: base_url, or without it this page's own folder.
const base = document.querySelector("main").dataset.base || new URL(".", document.baseURI).href;
const list = document.getElementById("rooms");
// The rooms come in groups (index.html.j2): the browser draws only the groups near the view.
const groups = Array.from(list.children);
const sizes = groups.map((group) => group.children.length);
const rows = groups.flatMap((group) => Array.from(group.children));
function words(row) {
  const about = row.querySelector(".d");
  return [row.querySelector("a").textContent, jid(row), about ? about.textContent : ""].join(" ").toLowerCase();
}

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
// What finding, filtering and sorting need of each row, read from the page once: with
// 10,000 rooms a keystroke touches no row it does not show or hide.
const facts = rows.map((row, index) => ({
  row, index, words: words(row), language: row.dataset.l || "",
  occupants: Number(row.dataset.o), hidden: false,
}));
let placed = facts;
// How many rooms each group shows: a group is as tall as they would be (page.css) while it
// is off screen, and hidden when it shows none.
const showing = sizes.slice();
// Off screen, a group drawn once keeps the height it was drawn at (content-visibility: auto
// remembers it). One whose rooms change there forgets it: for two frames it is
// content-visibility: hidden (page.css), which remembers nothing, and then it is sized for
// the rooms it shows until it is drawn again. A group in view is drawn as it is.
function forget(changed) {
  const offScreen = changed.filter((group) => {
    const box = group.getBoundingClientRect();
    return box.bottom < 0 || box.top > window.innerHeight;
  });
  if (offScreen.length === 0) return;
  for (const group of offScreen) group.classList.add("f");
  requestAnimationFrame(() => requestAnimationFrame(() => {
    for (const group of offScreen) group.classList.remove("f");
  }));
}
// Each group's count, size and visibility, after a find (or a sort: moved) changed its rooms.
function fitGroups(moved) {
  const changed = [];
  let at = 0;
  sizes.forEach((size, index) => {
    let count = 0;
    for (const end = at + size; at < end; at += 1) if (!placed[at].hidden) count += 1;
    if (count > 0 && (moved || count !== showing[index])) changed.push(groups[index]);
    if (count === showing[index]) return;
    showing[index] = count;
    groups[index].hidden = count === 0;
    groups[index].style.setProperty("--rows", count);
  });
  forget(changed);
}
function filter() {
  const query = find.value.trim().toLowerCase();
  const wanted = language ? language.value : "";
  let count = 0;
  for (const fact of facts) {
    const hide = (query !== "" && !fact.words.includes(query))
      || (wanted !== "" && fact.language !== wanted);
    if (hide !== fact.hidden) { fact.row.hidden = hide; fact.hidden = hide; }
    if (!hide) count += 1;
  }
  list.hidden = count === 0; // no empty list for a screen reader to announce
  fitGroups(); // (its groups measured where they now are)
  shown.textContent = query || wanted ? `Showing ${count} of ${rows.length} rooms.` : "";
}
find.addEventListener("input", filter);
if (language) language.addEventListener("change", filter);
const collator = new Intl.Collator();
const orders = {
  name: (a, b) => collator.compare(a.words, b.words) || a.index - b.index,
  occupants: (a, b) => b.occupants - a.occupants || a.index - b.index,
  page: (a, b) => a.index - b.index,
};
order.addEventListener("change", () => {
  const sorted = facts.slice().sort(orders[order.value] || orders.page);
  if (sorted.every((fact, at) => fact === placed[at])) return;
  placed = sorted;
  let at = 0;
  sizes.forEach((size, index) => {
    groups[index].append(...sorted.slice(at, at + size).map((fact) => fact.row));
    at += size;
  });
  fitGroups(true);
});
