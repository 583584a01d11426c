// "Add an expert": a copy of the formset's last row, numbered next, so an assignment can get
// more experts than the empty rows offered. Django reads the number of rows from TOTAL_FORMS.
// Without JavaScript the button stays hidden and the empty rows are what there is.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-add-row]")) {
    const prefix = button.dataset.addRow;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const numbered = new RegExp(`${prefix}-\\d+-`, "g");
    button.hidden = false;
    button.addEventListener("click", () => {
      const rows = document.querySelectorAll(`#${prefix}-rows .formset-row`);
      const last = rows[rows.length - 1];
      const row = last.cloneNode(true);
      const index = Number(total.value);
      for (const element of row.querySelectorAll("[id], [name], [for], [aria-describedby]")) {
        for (const name of ["id", "name", "for", "aria-describedby"]) {
          const value = element.getAttribute(name);
          if (value) element.setAttribute(name, value.replace(numbered, `${prefix}-${index}-`));
        }
      }
      // Empty, also for a form reset: the copied row's saved values and errors go.
      for (const option of row.querySelectorAll("option")) option.defaultSelected = false;
      for (const field of row.querySelectorAll("input, select")) {
        if (field.tagName === "INPUT") field.defaultValue = "";
        field.value = "";
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
      }
      for (const error of row.querySelectorAll(".invalid-feedback")) error.remove();
      for (const element of row.querySelectorAll("[aria-describedby]")) {
        const kept = element.getAttribute("aria-describedby").split(" ")
          .filter((id) => row.querySelector(`#${CSS.escape(id)}`));
        if (kept.length) element.setAttribute("aria-describedby", kept.join(" "));
        else element.removeAttribute("aria-describedby");
      }
      last.after(row);
      total.value = index + 1;
      row.querySelector("select").focus();
    });
  }
});
