// Shared form helpers, loaded on every page. Each part is an enhancement: without it the form is a
// plain HTML form that works the same.
(function () {
  "use strict";

  // The error summary takes the focus on load, so it is read first; its links focus their field.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  let counter = 0;

  function norm(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // A long <select multiple> becomes a filter box over a list of checkboxes: no Ctrl-click, and
  // typing "data" narrows 100 skills to the few that match. The select stays in the form, hidden,
  // and the checkboxes set its options, so what is submitted is exactly what it was before.
  function enhanceMultiple(select) {
    const id = select.id || "select-" + ++counter;
    const label = document.querySelector("label[for='" + id + "']");
    const name = label ? label.textContent.replace(/:\s*$/, "").trim() : "options";
    const box = document.createElement("div");
    box.className = "multi-select";
    const filter = document.createElement("input");
    filter.type = "search";
    filter.autocomplete = "off";
    filter.className = "multi-select-filter";
    filter.placeholder = "Type to filter the " + (select.dataset.searchable || "list");
    const described = select.getAttribute("aria-describedby");
    const count = document.createElement("p");
    count.className = "multi-select-count";
    count.id = id + "-count";
    count.setAttribute("aria-live", "polite");
    filter.setAttribute("aria-describedby", [count.id, described].filter(Boolean).join(" "));
    const list = document.createElement("div");
    list.className = "multi-select-options";
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", name);
    list.id = id + "-options";
    filter.setAttribute("aria-controls", list.id);

    const rows = Array.from(select.options).map(function (option, index) {
      const row = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = id + "-option-" + index;
      box.checked = option.selected;
      box.addEventListener("change", function () {
        option.selected = box.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        update();
      });
      row.append(box, " " + option.textContent);
      list.append(row);
      return { row: row, box: box, text: norm(option.textContent) };
    });

    function update() {
      const words = norm(filter.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      rows.forEach(function (item) {
        const match = words.every(function (word) { return item.text.includes(word); });
        item.row.hidden = !match;
        if (match) shown += 1;
      });
      const chosen = rows.filter(function (item) { return item.box.checked; }).length;
      count.textContent =
        chosen + " chosen" + (words.length ? " · " + shown + " of " + rows.length + " match" : " · " + rows.length + " in the list");
    }

    // The label, and links to the field (the error summary's), now lead to the filter box.
    select.id = id + "-select";
    filter.id = id;
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    filter.addEventListener("input", update);
    // Enter in the filter must not submit the form; Down moves into the list.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
      if (event.key === "ArrowDown") {
        const first = rows.find(function (item) { return !item.row.hidden; });
        if (first) { event.preventDefault(); first.box.focus(); }
      }
    });
    box.append(filter, count, list);
    select.after(box);
    update();
  }

  // A long single <select> (600 time zones) gets a filter box above it that narrows its options.
  // The value changes only when the person picks one, or when the current one is filtered out.
  function enhanceSingle(select) {
    const id = select.id || "select-" + ++counter;
    select.id = id;
    const all = Array.from(select.options);
    const filter = document.createElement("input");
    filter.type = "search";
    filter.autocomplete = "off";
    filter.className = "select-filter";
    filter.id = id + "-filter";
    filter.setAttribute("aria-controls", id);
    const label = document.createElement("label");
    label.htmlFor = filter.id;
    label.className = "select-filter-label";
    label.textContent = "Filter the " + (select.dataset.searchable || "list");
    const count = document.createElement("p");
    count.className = "multi-select-count";
    count.id = id + "-count";
    count.setAttribute("aria-live", "polite");
    filter.setAttribute("aria-describedby", count.id);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    filter.addEventListener("input", function () {
      const words = norm(filter.value).split(/[\s/_]+/).filter(Boolean);
      const current = select.value;
      const matches = all.filter(function (option) {
        const text = norm(option.textContent + " " + option.value);
        return words.every(function (word) { return text.includes(word); });
      });
      select.replaceChildren.apply(select, matches.length ? matches : all);
      if (matches.length && !matches.some(function (option) { return option.value === current; })) {
        select.value = matches[0].value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        select.value = current;
      }
      count.textContent = words.length
        ? (matches.length ? matches.length + " match; chosen: " + select.options[select.selectedIndex].textContent : "No match; the full list is shown")
        : "";
    });
    select.before(label, filter, count);
  }

  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.multiple) enhanceMultiple(select);
    else enhanceSingle(select);
  });

  // Fields for one role only (a mentor's capacity) show once that role is chosen, and hide for the others.
  document.querySelectorAll("form").forEach(function (form) {
    const parts = form.querySelectorAll("[data-shown-for-role]");
    if (!parts.length) return;
    function follow() {
      const chosen = form.querySelector("input[name=role]:checked");
      parts.forEach(function (part) {
        part.hidden = Boolean(chosen) && !part.dataset.shownForRole.split(" ").includes(chosen.value);
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "role") follow();
    });
    follow();
  });

  // A new profile's time zone starts as the browser's own, when the list has it.
  document.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
    let guess = "";
    try {
      guess = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return;
    }
    const option = Array.from(select.options).find(function (o) { return o.value === guess; });
    if (!option || select.value === guess) return;
    select.value = guess;
    const note = document.createElement("p");
    note.className = "helptext";
    note.textContent = "Set from your browser: " + option.textContent + ". Change it if that is wrong.";
    select.after(note);
  });
})();
