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
  // "Select all" boxes: <input type="checkbox" data-select-all="NAME"> ticks every box named NAME in its form.
  document.querySelectorAll("input[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      box.form.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`).forEach((b) => {
        b.checked = box.checked;
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
