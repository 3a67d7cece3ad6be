// The inventory editor's keyboard help. The page works without it; htmx does the saving.
(function () {
  "use strict";
  const search = document.getElementById("skill-search");
  const results = document.getElementById("search-results");
  const rows = document.getElementById("inventory-rows");
  if (!search || !results || !rows) return;

  function resultButtons() {
    return Array.from(results.querySelectorAll("button.skill-add"));
  }

  // Arrow keys move between the search box and its results, like a list box.
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && resultButtons().length) {
      event.preventDefault();
      resultButtons()[0].focus();
    }
  });
  results.addEventListener("keydown", function (event) {
    const buttons = resultButtons();
    const index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    if (event.key === "ArrowDown" && index < buttons.length - 1) {
      event.preventDefault();
      buttons[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index === 0 ? search : buttons[index - 1]).focus();
    } else if (event.key === "Escape") {
      search.focus();
    }
  });

  function focusLevel(li) {
    const select = li && li.querySelector("select");
    if (select) select.focus();
  }

  // A new row arrived: mark its search result as added and put the cursor on its level.
  // afterSettle, not afterSwap: by then htmx has wired up the new row, so keys pressed at once save.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target !== rows) return;
    const button = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (button && button.classList.contains("skill-add")) {
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = button.textContent.replace(/^Add /, "") + " (added below)";
      button.replaceWith(note);
    }
    focusLevel(rows.firstElementChild);
  });

  // The chosen skill is already listed: go to its row instead of adding a second one.
  document.body.addEventListener("skill-already-listed", function (event) {
    const li = document.getElementById("entry-" + event.detail.skill);
    if (li) {
      li.scrollIntoView({ block: "center" });
      focusLevel(li);
    }
  });

  // The description under a level select follows the choice at once, before the row saves.
  const descriptionData = document.getElementById("level-descriptions");
  const descriptions = descriptionData ? JSON.parse(descriptionData.textContent) : {};
  rows.addEventListener("change", function (event) {
    const form = event.target.closest && event.target.closest(".entry-form");
    const status = form && form.querySelector(".entry-status");
    if (status && !form.closest(".is-new")) status.textContent = "Saving…";
    // Empty the live region now, so that a second "Saved SQL." is a change and is announced again.
    const live = document.getElementById("inventory-status");
    if (form && live) live.textContent = "";
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || select.name !== "level") return;
    const help = document.getElementById(select.getAttribute("aria-describedby") || "");
    if (help && descriptions[select.value]) help.textContent = descriptions[select.value];
  });

  // A saved row comes back from the server and replaces the old one. Whatever had the focus in it
  // (a select, the checkbox) gets it back in the new row, so the keyboard user carries on in place
  // instead of starting again from the top of the page.
  let refocus = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    const row = event.detail.target;
    refocus = null;
    if (!elt || !elt.classList.contains("entry-form") || !row.contains(document.activeElement)) return;
    refocus = { row: row.id, name: document.activeElement.getAttribute("name") };
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    if (!refocus) return;
    const row = document.getElementById(refocus.row);
    const again = row && refocus.name && row.querySelector('[name="' + refocus.name + '"]');
    refocus = null;
    if (again && document.activeElement !== again) again.focus({ preventScroll: true });
  });

  // A removed row takes the focus with it; hand it to the next row, or else to the search box.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!event.detail.shouldSwap || !elt || !elt.classList.contains("entry-remove")) return;
    const row = event.detail.target;
    const next = row.nextElementSibling || row.previousElementSibling;
    setTimeout(function () {
      if (next && next.isConnected) focusLevel(next);
      else search.focus();
    }, 0);
  });
})();
