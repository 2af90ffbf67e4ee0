// Fills fixed-size page divs with the chapter's blocks and puts each footnote at the foot of
// the frame (a page, or a column of a page) where its marker lands. A block that does not fit
// is split between two characters (a binary search on how much fits, its notes included); the
// rest continues in the next frame. Chromium runs this once with --dump-dom; the laid-out DOM
// (this script removed) is what it then prints, so the HTML kept beside the PDF is static.
(function () {
  const data = JSON.parse(document.getElementById("chapter").textContent);
  const cfg = data.layout;
  const book = document.getElementById("book");
  let pageNo = 0;
  let frames = [];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function newPage() {
    pageNo += 1;
    const page = el("div", "page " + (pageNo % 2 ? "odd" : "even"));
    if (cfg.running) page.appendChild(el("div", "head", cfg.job));
    const cols = el("div", cfg.multicol ? "frames multicol" : "frames");
    page.appendChild(cols);
    const made = [];
    const n = cfg.multicol ? 1 : cfg.columns;
    for (let i = 0; i < n; i++) {
      const frame = el("div", "frame");
      const body = el("div", "body");
      const notes = el("div", "notes");
      frame.appendChild(body);
      frame.appendChild(notes);
      cols.appendChild(frame);
      made.push({ body, notes });
    }
    if (cfg.running) page.appendChild(el("div", "foot", String(pageNo)));
    book.appendChild(page);
    frames = frames.concat(made);
  }

  function fits(frame) {
    const b = frame.body;
    if (cfg.multicol) return b.scrollWidth <= b.clientWidth + 1 && b.scrollHeight <= b.clientHeight + 1;
    return b.scrollHeight <= b.clientHeight + 1;
  }

  function atomsOf(block) {
    const atoms = [];
    for (const run of block.runs) {
      if (typeof run === "number") atoms.push({ m: run });
      else for (const ch of run) atoms.push(ch);
    }
    return atoms;
  }

  function marker(n) {
    let e;
    if (cfg.marker === "sup") e = el("sup", "mk", String(n));
    else e = el("span", "mk " + cfg.marker, String(n));
    return e;
  }

  // A Chinese character and a Latin letter or digit that touch with no space between them
  // ("第24页", "8日") stay on one line: at a line break no reader could tell that no space
  // stood there (the source's convention is a space: "2004 年").
  const HAN = /[\u3400-\u9fff]/, LATIN = /[0-9A-Za-z]/;
  function junction(a, b) {
    return typeof a === "string" && typeof b === "string" && a.length === 1 && b.length === 1 &&
      ((HAN.test(a) && LATIN.test(b)) || (LATIN.test(a) && HAN.test(b)));
  }

  function appendText(p, text) {
    const chars = Array.from(text);
    let i = 0;
    while (i < chars.length) {
      let j = i + 1;
      while (j < chars.length && junction(chars[j - 1], chars[j])) j += 1;
      const piece = chars.slice(i, j).join("");
      if (j - i > 1) p.appendChild(el("span", "nw", piece));
      else if (p.lastChild && p.lastChild.nodeType === Node.TEXT_NODE) p.lastChild.appendData(piece);
      else p.appendChild(document.createTextNode(piece));
      i = j;
    }
  }

  function blockElement(block, atoms, cont, split) {
    const p = el("p", block.kind + (cont ? " cont" : "") + (split ? " split" : ""));
    let text = "";
    for (const a of atoms) {
      if (typeof a === "string") { text += a; continue; }
      if (text) { appendText(p, text); text = ""; }
      p.appendChild(marker(a.m));
    }
    if (text) appendText(p, text);
    return p;
  }

  function noteElement(item, n) {
    const p = el("p", "note");
    p.appendChild(el("span", "num", String(n)));
    appendText(p, data.notes[item + ":" + n]);
    return p;
  }

  // Try atoms[0:k] of the block in the frame with its notes; leave it there when it fits.
  function tryPlace(frame, block, atoms, k, cont, split) {
    const p = blockElement(block, atoms.slice(0, k), cont, split);
    frame.body.appendChild(p);
    const added = [];
    for (const a of atoms.slice(0, k)) {
      if (typeof a !== "string") {
        const n = noteElement(block.item, a.m);
        frame.notes.appendChild(n);
        added.push(n);
      }
    }
    if (fits(frame)) return true;
    p.remove();
    for (const n of added) n.remove();
    return false;
  }

  // Keep a heading with the start of what follows it.
  function headingFits(frame, block, next) {
    const p = blockElement(block, atomsOf(block), false, false);
    frame.body.appendChild(p);
    let ok = fits(frame);
    if (ok && next) {
      const q = blockElement(next, atomsOf(next).slice(0, 12), false, true);
      frame.body.appendChild(q);
      ok = fits(frame);
      q.remove();
    }
    p.remove();
    return ok;
  }

  newPage();
  let f = 0;
  const blocks = data.blocks;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    let atoms = atomsOf(block);
    let cont = false;
    const heading = !["paragraph", "clause"].includes(block.kind);
    if (heading && frames[f].body.childNodes.length && !headingFits(frames[f], block, blocks[i + 1])) {
      f += 1;
      if (f >= frames.length) newPage();
    }
    while (atoms.length) {
      const frame = frames[f];
      if (tryPlace(frame, block, atoms, atoms.length, cont, false)) break;
      // The most that fits: at least two characters, never a line opened by closing punctuation.
      let lo = 0, hi = atoms.length - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (tryPlace(frame, block, atoms, mid, cont, true)) {
          frame.body.lastChild.remove();
          for (const a of atoms.slice(0, mid)) if (typeof a !== "string") frame.notes.lastChild.remove();
          lo = mid;
        } else hi = mid - 1;
      }
      while (lo > 0 && (/^[，。；：、）)”！？]/.test(typeof atoms[lo] === "string" ? atoms[lo] : "") ||
                        junction(atoms[lo - 1], atoms[lo]))) lo -= 1;
      if (heading || lo < 2) lo = 0;
      if (lo === 0 && !frame.body.childNodes.length) throw new Error("a block does not fit an empty frame");
      if (lo > 0) {
        tryPlace(frame, block, atoms, lo, cont, true);
        atoms = atoms.slice(lo);
        cont = true;
      }
      f += 1;
      if (f >= frames.length) newPage();
    }
  }
  document.getElementById("chapter").remove();
  document.body.dataset.pages = String(pageNo);
  for (const s of document.querySelectorAll("script")) s.remove();
})();
