// Keyboard shortcuts for staff working a queue all day. No inline scripts anywhere:
// pages mark what the keys act on with data attributes.
//   j / k      next / previous row in a queue (rows carry data-queue-row)
//   Enter / o  open the current row's case
//   n / p      next / previous case on a case page (links carry data-shortcut="next"/"prev")
//   /          focus the search box (data-shortcut="search")
"use strict";

(function () {
  function typing(event) {
    const el = event.target;
    return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-queue-row]"));
  }

  function moveRow(step) {
    const all = rows();
    if (!all.length) return;
    const current = all.findIndex((row) => row.classList.contains("is-current"));
    const next = Math.min(Math.max(current + step, 0), all.length - 1);
    all.forEach((row) => row.classList.remove("is-current"));
    all[next].classList.add("is-current");
    const link = all[next].querySelector("a[data-case-link]");
    if (link) link.focus();
  }

  function openRow() {
    const current = document.querySelector("[data-queue-row].is-current a[data-case-link]");
    if (current) window.location.assign(current.href);
  }

  function follow(name) {
    const link = document.querySelector(`[data-shortcut="${name}"]`);
    if (link && link.href) window.location.assign(link.href);
    else if (link) link.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    const actions = {
      j: () => moveRow(1),
      k: () => moveRow(-1),
      o: () => openRow(),
      n: () => follow("next"),
      p: () => follow("prev"),
      "/": () => follow("search"),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // Select-all checkbox for bulk actions (data-select-all="name of the row checkboxes").
  document.addEventListener("change", function (event) {
    const name = event.target.dataset && event.target.dataset.selectAll;
    if (!name) return;
    document.querySelectorAll(`input[name="${name}"]`).forEach((box) => {
      box.checked = event.target.checked;
    });
  });
})();
