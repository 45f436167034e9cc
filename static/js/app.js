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
  // Lists (table.cards, see app.css): a table whose columns do not fit its box becomes cards ("as-cards"), so names,
  // dates and actions are never squeezed or scrolled out of view. Measured again when the box changes width.
  const fitTable = (table) => {
    const wrap = table.parentElement;
    table.classList.remove("as-cards");
    if (getComputedStyle(table).display === "table" && wrap.scrollWidth > wrap.clientWidth + 1) {
      table.classList.add("as-cards");
    }
  };
  // Japanese writes no spaces between words. In list cells (keep-all: no break inside a run of kanji and kana) a long
  // run gets a <wbr> where each phrase ends, so it wraps between words (仙台市/青葉区/民生委員…), never inside one.
  // Phrases are the words of Intl.Segmenter with what cannot start a line joined to the word before: kana endings
  // and particles (ごとの, さん), one-kanji words (市, 会, 者), punctuation. Dates and numbers stay whole.
  // Without Intl.Segmenter such a run simply does not wrap.
  const KEEP_WHOLE = /(?:明治|大正|昭和|平成|令和)(?:元|\d+)年(?:\d+月(?:\d+日)?)?[〜～]?|\d[\d,.:\-]*\d/g;
  const LONG_RUN = /[^\s、。，．・（）「」]{8,}/;
  const JOINS_BEFORE = /^(?:[\p{Script=Hiragana}ー]+|\p{Script=Han}|[\p{P}〜～]+)$/u;
  const words = "Segmenter" in Intl ? new Intl.Segmenter("ja", { granularity: "word" }) : null;
  const markWordEnds = (cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const long = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (LONG_RUN.test(node.data) && !node.parentElement.closest(".nowrap, .visually-hidden")) long.push(node);
    }
    long.forEach((node) => {
      const text = node.data;
      const whole = [...text.matchAll(KEEP_WHOLE)].map((m) => [m.index, m.index + m[0].length]);
      const parts = [];
      let start = 0;
      let before = "";
      for (const { segment, index } of words.segment(text)) {
        // No mark at the start, before what joins the word before it, after one kanji (一丁目, 第2), after an
        // opening bracket, or at a space (a line may end there anyway).
        const joins = index === 0 || JOINS_BEFORE.test(segment) || /^\p{Script=Han}$|[（「『\s]$/u.test(before)
          || /\s/.test(segment);
        before = segment;
        if (joins || whole.some(([from, to]) => from < index && index < to)) continue;
        parts.push(text.slice(start, index), document.createElement("wbr"));
        start = index;
      }
      parts.push(text.slice(start));
      node.replaceWith(...parts);
    });
  };
  if (words) document.querySelectorAll("table.cards td, table.cards th").forEach(markWordEnds);
  const widths = new WeakMap();
  const resized = new ResizeObserver((entries) => {
    entries.forEach(({ target }) => {
      if (widths.get(target) === target.clientWidth) return; // cards change the height, not the width
      widths.set(target, target.clientWidth);
      fitTable(target.querySelector(":scope > table.cards"));
    });
  });
  document.querySelectorAll(".table-wrap > table.cards").forEach((table) => {
    fitTable(table);
    resized.observe(table.parentElement);
  });
  // After a failed submit the error summary takes focus, so keyboard and screen-reader users start at the list of
  // what went wrong. Its links point at the fields (#id_x, which without script only scrolls); here they move focus
  // to the input and keep the field's label and message in view above it.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (ev) => {
      const link = ev.target.closest("a[href^='#']");
      const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      const field = target.closest(".field") || target;
      const visible = (el) => el.getClientRects().length > 0;
      const controls = [target, ...field.querySelectorAll("input:not([type=hidden]), select, textarea, button")];
      const control = controls.find((el) => el.matches("input, select, textarea, button") && visible(el));
      if (!control) return;
      ev.preventDefault();
      field.scrollIntoView({ block: "start" });
      control.focus({ preventScroll: true });
    });
  }
  // Confirm dangerous actions (data-confirm="…").
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
    });
  });
  // Print buttons (data-print): the recovery codes, shown once, are printed to be kept.
  document.querySelectorAll("[data-print]").forEach((el) => {
    el.addEventListener("click", () => window.print());
  });
});
