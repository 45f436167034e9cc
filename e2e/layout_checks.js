// Layout checks run inside the page by e2e/test_tablet_layout.py (page.evaluate, which the page's CSP does not
// block). It defines window.layoutChecks: functions that each return a list of findings, empty when the page passes.
window.layoutChecks = (() => {
  const INTERACTIVE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  const MIN = 44 - 0.5; // CSS px; half a pixel for sub-pixel layout

  const hidden = (el) => el.closest(".visually-hidden, [hidden], [aria-hidden=true]") !== null;
  const visible = (el) => {
    if (hidden(el)) return false;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const r = el.getBoundingClientRect();
    // Off-screen on purpose (the skip link until it has focus) counts as not shown.
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom + window.scrollY > 0;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text}"`;
  };

  // Text outside links, buttons and form controls, i.e. the sentence a link may sit in.
  const ownText = (block) => {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let text = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent.closest("a, button, label, select, textarea, .visually-hidden")) text += node.data;
    }
    return text;
  };
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
    return node;
  };
  // WCAG 2.5.8 exempts a link inside a sentence: its height is the line's. Links in tables, menus, headers and
  // action rows are never exempt, whatever text is beside them.
  const inSentence = (el) => {
    if (el.tagName !== "A" || el.closest("td, th, nav, header, .actions, .error-summary, ul.menu")) return false;
    const block = blockOf(el);
    return block !== null && /[\p{L}\p{N}]/u.test(ownText(block));
  };

  // The box a finger can hit: a checkbox or radio also answers through its label(s).
  const hitBox = (el) => {
    let best = el.getBoundingClientRect();
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      for (const label of el.labels || []) {
        const r = label.getBoundingClientRect();
        if (r.width * r.height > best.width * best.height) best = r;
      }
    }
    return best;
  };

  const smallTargets = () => {
    const found = [];
    for (const el of document.querySelectorAll(INTERACTIVE)) {
      if (!visible(el) || inSentence(el)) continue;
      const r = hitBox(el);
      if (r.width < MIN || r.height < MIN) {
        found.push(`${describe(el)} is ${r.width.toFixed(1)}×${r.height.toFixed(1)} px`);
      }
    }
    return found;
  };

  // --- Words broken across lines inside table cells -------------------------------------------------------------
  // A line may end between words (Intl.Segmenter, ICU's Japanese dictionary), at a space or after punctuation. It
  // may not end inside a word, inside a date (令和7年4月1日〜) or number, or anywhere in a cell of a short label
  // (終了). The cell's text is taken whole (its text nodes joined), so a break between two elements counts too.
  const segmenter = new Intl.Segmenter("ja", { granularity: "word" });
  const UNBREAKABLE = /(?:明治|大正|昭和|平成|令和)(?:元|\d+)年(?:\d+月(?:\d+日)?)?[〜～]?|\d[\d,.:\-]*\d/g;
  const SHORT = 4;

  // The cell's shown text and, for each character, the top of the line box it sits on (null: no box).
  const cellText = (cell) => {
    const range = document.createRange();
    let text = "";
    const tops = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (hidden(node.parentElement)) continue;
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        tops.push(rects.length ? rects[rects.length - 1].top : null);
      }
      text += node.data;
    }
    return { text, tops, lineHeight: parseFloat(getComputedStyle(cell).fontSize) * 0.8 };
  };

  const brokenWords = (root = document) => {
    const found = [];
    for (const cell of root.querySelectorAll("td, th")) {
      if (!visible(cell)) continue;
      const { text, tops, lineHeight } = cellText(cell);
      const breaks = [];
      let last = null;
      for (let i = 0; i < text.length; i++) {
        if (tops[i] === null || /\s/.test(text[i])) continue;
        if (last !== null && tops[i] - tops[last] > lineHeight) breaks.push([last, i]);
        last = i;
      }
      if (!breaks.length) continue;
      const boundaries = new Set();
      for (const seg of segmenter.segment(text)) boundaries.add(seg.index);
      const guarded = [...text.matchAll(UNBREAKABLE)].map((m) => [m.index, m.index + m[0].length]);
      for (const [before, at] of breaks) {
        const between = text.slice(before + 1, at);
        let why = null;
        if (text.trim().length <= SHORT) why = "a short label";
        else if (guarded.some(([s, e]) => s <= before && at < e)) why = "a date or number";
        else if (!/\s/.test(between) && !/[、。，．・）」』〜～／/]/.test(text[before]) && !/[（「『]/.test(text[at])
                 && !boundaries.has(at)) why = "a word";
        if (why) found.push(`${describe(cell)}: "${text.slice(0, before + 1).trim()}|${text.slice(at).trim()}" breaks ${why}`);
      }
    }
    return found;
  };

  const horizontalScroll = () => {
    const found = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) found.push(`the page is ${doc.scrollWidth} px wide in ${doc.clientWidth}`);
    for (const el of document.querySelectorAll("body *")) {
      const style = getComputedStyle(el);
      if (!/(auto|scroll)/.test(style.overflowX) || !visible(el)) continue;
      if (el.scrollWidth > el.clientWidth + 1) found.push(`${describe(el)} scrolls: ${el.scrollWidth} px in ${el.clientWidth}`);
    }
    return found;
  };

  return { smallTargets, brokenWords, horizontalScroll };
})();
