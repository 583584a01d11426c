// The import page while the background worker checks or imports the files: ask its status
// view every second, show the progress, and load the page again once the work has finished.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-import-status]");
  if (!section) {
    return;
  }
  const bar = section.querySelector("progress");
  const text = section.querySelector("[aria-live]");
  const poll = async () => {
    try {
      const response = await fetch(section.dataset.importStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        if (status.percent === null) {
          bar.removeAttribute("value"); // the browser shows it as under way, amount unknown
        } else {
          bar.value = status.percent;
        }
        if (text.textContent !== status.text) {
          text.textContent = status.text;
        }
      }
    } catch (error) {
      // the network or the server hiccuped: ask again at the next tick
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
