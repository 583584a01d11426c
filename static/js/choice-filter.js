// "Find by name" above a long list of checkboxes (a group's members, a session's attendance):
// typing hides the names that do not contain the text, so a list of hundreds stays usable by
// keyboard. Ticked boxes always stay in view. Without JavaScript the whole list shows.
const LONG_LIST = 10;

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-choice-filter]")) {
    for (const fieldset of form.querySelectorAll("fieldset")) {
      const choices = [...fieldset.querySelectorAll(".form-check")];
      if (choices.length > LONG_LIST) addFilter(fieldset, choices, form.dataset.choiceFilter);
    }
  }
});

function addFilter(fieldset, choices, labelText) {
  const input = document.createElement("input");
  input.type = "search";
  input.className = "form-control form-control-sm mb-2";
  input.id = `${fieldset.querySelector("input").name}-filter`;
  input.autocomplete = "off";
  const label = document.createElement("label");
  label.className = "form-label small";
  label.htmlFor = input.id;
  label.textContent = labelText;
  const box = document.createElement("div");
  box.append(label, input);
  fieldset.querySelector("legend").after(box);
  input.addEventListener("input", () => {
    const wanted = input.value.trim().toLocaleLowerCase();
    for (const choice of choices) {
      const name = choice.querySelector("label").textContent.toLocaleLowerCase();
      choice.hidden = !choice.querySelector("input").checked && !name.includes(wanted);
    }
  });
  // Enter in the search box would submit the whole form: here it only filters.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}
