// A "tick all" box: <input type="checkbox" data-select-all="NAME"> ticks or clears every
// enabled checkbox named NAME in the same form.
document.querySelectorAll("input[data-select-all]").forEach((master) => {
  master.addEventListener("change", () => {
    master.form
      ? master.form.querySelectorAll(`input[type=checkbox][name="${master.dataset.selectAll}"]`)
          .forEach((box) => { if (!box.disabled) box.checked = master.checked; })
      : null;
  });
});
