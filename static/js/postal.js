// Fills 都道府県 / 市区町村 / 町域 from the postal code when the code field loses focus.
// Progressive enhancement: without it the fields are typed by hand. Fields the user typed are not overwritten.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-postal-url]").forEach((form) => {
    const input = form.querySelector("[data-postal]");
    if (!input) return;
    const targets = form.querySelectorAll("[data-postal-fill]");
    const toDigits = (text) => text
      .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/\D/g, "");
    input.addEventListener("blur", () => {
      const code = toDigits(input.value);
      if (code.length !== 7) return;
      const url = form.dataset.postalUrl.replace("0000000", code);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : null))
        .then((found) => {
          if (!found) return;
          targets.forEach((field) => {
            const value = found[field.dataset.postalFill] || "";
            if (field.value === "" || field.value === field.dataset.postalFilled) {
              field.value = value;
              field.dataset.postalFilled = value;
            }
          });
        })
        .catch(() => {});
    });
  });
});
