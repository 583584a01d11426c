// "Find by name" above a long list of checkboxes (a group's members, a session's attendance):
// typing hides the names that do not contain the text, so a list of hundreds stays usable by
// keyboard. Ticked boxes always stay in view. Without JavaScript the whole list shows.
// The form gives the texts: data-choice-filter (the label) and data-choice-filter-count
// ("%(shown)s of %(total)s shown", read out after each change).
const LONG_LIST = 10;

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-choice-filter]")) {
    for (const fieldset of form.querySelectorAll("fieldset")) {
      const choices = [...fieldset.querySelectorAll(".form-check")];
      if (choices.length > LONG_LIST) addFilter(fieldset, choices, form.dataset);
    }
  }
});

// Lower case without accents: "makela" finds "Mäkelä".
function plain(text) {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLocaleLowerCase();
}

function addFilter(fieldset, choices, texts) {
  const legend = fieldset.querySelector("legend");
  const input = document.createElement("input");
  input.type = "search";
  input.className = "form-control form-control-sm mb-1";
  input.id = `${fieldset.querySelector("input").name}-filter`;
  input.autocomplete = "off";
  const label = document.createElement("label");
  label.className = "form-label small";
  label.htmlFor = input.id;
  label.textContent = legend ? `${texts.choiceFilter}: ${legend.textContent.trim()}` : texts.choiceFilter;
  const status = document.createElement("p");
  status.className = "small text-body-secondary mb-2";
  status.setAttribute("aria-live", "polite");
  const box = document.createElement("div");
  box.append(label, input, status);
  if (legend) legend.after(box);
  else fieldset.prepend(box);

  const names = choices.map((choice) => plain(choice.querySelector("label").textContent));
  input.addEventListener("input", () => {
    const wanted = plain(input.value.trim());
    let shown = 0;
    choices.forEach((choice, index) => {
      choice.hidden = !choice.querySelector("input").checked && !names[index].includes(wanted);
      if (!choice.hidden) shown += 1;
    });
    status.textContent = wanted
      ? texts.choiceFilterCount.replace("%(shown)s", shown).replace("%(total)s", choices.length)
      : "";
  });
  // Enter in the search box would submit the whole form: here it only filters.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}
