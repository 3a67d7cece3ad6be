// Small screens, without a framework: the top menu folds behind a button, and a table wider than
// the screen scrolls inside its own region (keyboard-focusable, labelled) instead of the page.
// Without JavaScript the menu simply stays open and wraps, and tables still scroll (CSS).
(function () {
  "use strict";

  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    document.documentElement.classList.add("has-menu-toggle");
    button.hidden = false;
    function setOpen(open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  function tableName(table) {
    var caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    // The nearest heading before the table names what it lists.
    for (var node = table; node && node !== document.body; node = node.parentElement) {
      for (var prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        var inner = prev.querySelector && prev.querySelector("h1, h2, h3, h4, h5, h6");
        if (inner) return inner.textContent.trim();
      }
    }
    return "Table";
  }

  var regions = [];
  var namesUsed = {};

  // Two landmarks with one name confuse a screen reader's landmark list (axe: landmark-unique).
  function uniqueName(name) {
    namesUsed[name] = (namesUsed[name] || 0) + 1;
    return namesUsed[name] === 1 ? name : name + " (" + namesUsed[name] + ")";
  }

  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-scroll")) return;
      var region = document.createElement("div");
      region.className = "table-scroll";
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", uniqueName("Table: " + tableName(table)));
      table.parentNode.insertBefore(region, table);
      region.appendChild(table);
      regions.push(region);
    });
    updateTabStops();
  }

  // Only a region that really scrolls takes a Tab stop: the keyboard can then scroll it.
  function updateTabStops() {
    regions = regions.filter(function (region) { return region.isConnected; });
    regions.forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1) region.setAttribute("tabindex", "0");
      else region.removeAttribute("tabindex");
    });
  }

  function start() {
    setUpMenu();
    wrapTables();
    window.addEventListener("resize", updateTabStops);
    // htmx swaps in new rows and tables (filters, pagination): wrap those too.
    document.body.addEventListener("htmx:afterSettle", wrapTables);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
