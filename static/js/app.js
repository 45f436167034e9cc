// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Prevent double submission: a double click must create one record.
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => {
        setTimeout(() => { b.disabled = true; }, 0);
      });
    });
  });
  // Confirm dangerous actions (data-confirm="…").
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
    });
  });
});
