// The picker (liaison/lib/picker.py): turns its text box into an ARIA combobox that searches as you type.
// Without this script the box and its 検索 button submit the form and the results come back as radio buttons.
// Keys (WAI-ARIA combobox with list autocomplete): ↓/↑ move through the options, Enter picks the active one,
// Escape closes the list (or clears the box when it is closed). The chosen row's id goes to the hidden input, whose
// "change" event bubbles to the form (the appointment form previews its findings on change).
(() => {
  if (window.liaisonPicker) return; // the script is included once per picker on the page
  window.liaisonPicker = true;

  const DELAY_MS = 250;

  function enhance(root) {
    if (root.dataset.pickerReady) return;
    root.dataset.pickerReady = "1";
    const input = root.querySelector("[data-picker-input]");
    const value = root.querySelector("[data-picker-value]");
    const listbox = root.querySelector("[data-picker-listbox]");
    const status = root.querySelector("[data-picker-status]");
    const chosen = root.querySelector("[data-picker-chosen]");
    const chosenText = root.querySelector("[data-picker-chosen-text]");
    const change = root.querySelector("[data-picker-change]");
    // The no-JS parts go: the 検索 button (Enter in the box must not submit the form), its hint and its results.
    root.querySelectorAll("[data-picker-search], [data-picker-no-script-hint], [data-picker-results]").forEach((el) =>
      el.remove(),
    );
    root.querySelector("[data-picker-keys-hint]").hidden = false;
    input.removeAttribute("name");
    input.value = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    change.hidden = false;

    let timer = null;
    let request = null;
    let active = -1;
    let lastQuery = "";

    const options = () => Array.from(listbox.querySelectorAll("[role=option]"));
    const say = (text) => {
      status.textContent = text;
    };

    function open() {
      if (!options().length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }

    function setActive(index) {
      const all = options();
      all.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function move(step) {
      const all = options();
      if (!all.length) return;
      if (listbox.hidden) open();
      const next = active < 0 ? (step > 0 ? 0 : all.length - 1) : (active + step + all.length) % all.length;
      setActive(next);
    }

    function show(html, query) {
      const template = document.createElement("template");
      template.innerHTML = html;
      const found = template.content.querySelector("[data-picker-found]");
      const items = found ? Array.from(found.querySelectorAll("[role=option]")) : [];
      items.forEach((option, i) => {
        option.id = `${listbox.id}-${i}`;
        option.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
        option.addEventListener("click", () => pick(option));
      });
      listbox.replaceChildren(...items);
      active = -1;
      lastQuery = query;
      say(found ? found.dataset.message : root.dataset.failedText);
      if (items.length) open();
      else close();
    }

    function search(query) {
      if (request) request.abort();
      if (!query) {
        listbox.replaceChildren();
        lastQuery = "";
        close();
        say("");
        return;
      }
      request = new AbortController();
      const url = `${root.dataset.searchUrl}?q=${encodeURIComponent(query)}`;
      fetch(url, { credentials: "same-origin", signal: request.signal, headers: { Accept: "text/html" } })
        .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.status))))
        .then((html) => show(html, query))
        .catch((error) => {
          if (error.name !== "AbortError") say(root.dataset.failedText);
        });
    }

    function pick(option) {
      value.value = option.dataset.value;
      chosenText.replaceChildren(...Array.from(option.childNodes, (node) => node.cloneNode(true)));
      chosen.hidden = false;
      input.value = "";
      lastQuery = "";
      close();
      listbox.replaceChildren();
      const name = option.querySelector(".picker-name");
      say(root.dataset.pickedText.replace("{label}", name ? name.textContent : option.textContent));
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      timer = setTimeout(() => search(query), DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return; // an IME is converting kana: its keys are not ours
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (event.altKey) open();
          else move(1);
          break;
        case "ArrowUp":
          event.preventDefault();
          move(-1);
          break;
        case "Enter": {
          // Never submits the form from the box: a half-typed search must not save the previous choice.
          event.preventDefault();
          const all = options();
          if (!listbox.hidden && active >= 0 && all[active]) {
            pick(all[active]);
          } else {
            clearTimeout(timer);
            const query = input.value.trim();
            if (query !== lastQuery || !all.length) search(query);
            else open();
          }
          break;
        }
        case "Escape":
          if (!listbox.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            search("");
          }
          break;
        default:
      }
    });

    input.addEventListener("blur", () => close());
    input.addEventListener("focus", () => {
      if (input.value.trim() && input.value.trim() === lastQuery) open();
    });

    change.addEventListener("click", () => {
      value.value = "";
      chosen.hidden = true;
      chosenText.replaceChildren();
      say(root.dataset.clearedText);
      input.focus();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function enhanceAll(scope) {
    (scope || document).querySelectorAll("[data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => enhanceAll());
  else enhanceAll();
  // Forms swapped in by htmx get their pickers too.
  document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
})();
