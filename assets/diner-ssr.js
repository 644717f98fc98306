// QRPOS: the table page before its app has started.
//
// The server renders a table link's page with the menu in it
// (server/httpapi/ssr.go, app/diner/prerender.go) and this script makes it
// usable at once, while diner.wasm downloads and starts: it adds dishes
// without options to the cart (kept where the app keeps it: go-app state in
// localStorage, per table session), switches categories, joins the table,
// and remembers the rest (the cart or order tab, a dish whose options are
// to be chosen) for the app, which carries on from there. When the app
// starts it replaces the page's root element: from then on this script
// does nothing.
"use strict";
(() => {
  performance.mark("qrpos-ssr-start");
  const dataEl = document.getElementById("qrpos-ssr");
  const root = document.body && document.body.firstElementChild;
  if (!dataEl || !root) {
    return;
  }
  let data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (err) {
    console.error("qrpos: table page data:", err);
    return;
  }
  const link = data.link;
  const menu = data.menu;
  const items = new Map((menu.items || []).map((it) => [it.id, it]));
  const live = () => root.isConnected; // false once the app has the page
  const maxQty = 99; // app/diner MaxQty, the server's limit

  // ---- storage shared with the app ----

  const readJSON = (store, key) => {
    try {
      return JSON.parse(store.getItem(key));
    } catch {
      return null;
    }
  };
  // go-app keeps a persisted state as {"Value": ...}.
  const getState = (key) => {
    const s = readJSON(localStorage, key);
    return s && s.Value !== undefined ? s.Value : null;
  };
  const setState = (key, value) => localStorage.setItem(key, JSON.stringify({ Value: value }));
  const stateKey = "qrpos.diner.table." + link;
  const cartKey = (session) => "qrpos.diner.cart." + session;
  const handoffKey = "qrpos.diner.handoff." + link;
  const handoff = () => readJSON(sessionStorage, handoffKey) || {};
  const setHandoff = (change) => {
    const h = handoff();
    change(h);
    sessionStorage.setItem(handoffKey, JSON.stringify(h));
  };

  // newID makes a version 4 UUID, as the app's client does (crypto.randomUUID
  // needs a secure context; a restaurant's network may serve plain HTTP).
  const newID = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  };

  // ---- the cart (app/diner Cart.Add for a dish without options) ----

  let session = ((getState(stateKey) || {}).table || {}).table_session_id || "";
  const cart = () => (session && getState(cartKey(session))) || { submission_id: "", lines: [] };

  const addLine = (c, it) => {
    c.lines = c.lines || [];
    if (!c.submission_id) {
      c.submission_id = newID();
    }
    const unit = { minor: it.price.minor, currency: it.price.currency };
    const version = menu.version || 0;
    const same = c.lines.find((l) => l.item_id === it.id && !(l.modifier_ids && l.modifier_ids.length) && !l.note &&
      l.unit.minor === unit.minor && l.unit.currency === unit.currency && (l.menu_version || 0) === version);
    if (same) {
      same.qty = Math.min(same.qty + 1, maxQty);
    } else {
      const line = { item_id: it.id, name: it.name, qty: 1, unit: unit };
      if (version) {
        line.menu_version = version;
      }
      c.lines.push(line);
    }
    return c;
  };

  // withAdds puts the dishes added before the join (kept in the handoff)
  // in cart c.
  const withAdds = (c) => {
    for (const a of handoff().adds || []) {
      const it = items.get(a.item_id);
      if (it) {
        addLine(c, it);
      }
    }
    return c;
  };

  const money = (minor) => {
    const digits = data.digits;
    let s = String(Math.abs(minor));
    if (digits > 0) {
      s = s.padStart(digits + 1, "0");
      s = s.slice(0, s.length - digits) + "." + s.slice(s.length - digits);
    }
    return (minor < 0 ? "-" : "") + data.symbol + s;
  };

  const q = (testid) => root.querySelector('[data-testid="' + testid + '"]');

  // render updates what the cart changes on the page, as the app renders it.
  const render = () => {
    const c = withAdds(cart()); // the cart as the diner sees it
    let n = 0;
    let total = 0;
    for (const l of c.lines || []) {
      n += l.qty;
      total += l.unit.minor * l.qty;
    }
    const tab = q("diner-tab-cart");
    if (tab) {
      const label = data.texts.cart + " (" + n + ")" + (n > 0 ? " · " + money(total) : "");
      tab.textContent = label;
      tab.setAttribute("aria-label", label);
    }
    const bar = q("diner-cart-open");
    if (bar) {
      bar.hidden = n === 0;
      bar.textContent = data.texts.viewCart + " · " + n + " · " + money(total);
    }
  };

  const add = (it) => {
    if (session) {
      setState(cartKey(session), addLine(cart(), it));
    } else {
      setHandoff((h) => (h.adds = (h.adds || []).concat([{ item_id: it.id }])));
    }
    render();
  };

  // ---- joining the table (the app joins again: the same session) ----

  const join = async () => {
    let res;
    try {
      res = await fetch("/api/t/" + encodeURIComponent(link) + "/join?with=menu", {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-QRPOS": "1" },
      });
    } catch (err) {
      return; // offline: the app tries again
    }
    if (!res.ok || !live()) {
      return; // refused (the app shows why) or the app has the page
    }
    const t = await res.json();
    if (!live()) {
      return;
    }
    const m = t.menu;
    delete t.menu;
    if (m) {
      setState(stateKey, { table: t, menu: m });
    }
    session = t.table_session_id;
    // The dishes added meanwhile go in the session's cart.
    if ((handoff().adds || []).length > 0 && !cart().queued) {
      setState(cartKey(session), withAdds(cart()));
      setHandoff((h) => delete h.adds);
    }
    render();
  };

  // ---- the controls ----

  const showCategory = (id) => {
    for (const b of root.querySelectorAll('[data-testid="diner-category"]')) {
      b.setAttribute("aria-selected", String(b.dataset.categoryId === id));
    }
    for (const ul of root.querySelectorAll("ul.dishes[data-category-id]")) {
      ul.hidden = ul.dataset.categoryId !== id;
    }
    setHandoff((h) => (h.category = id));
  };

  // waitForApp marks a control whose action the app will carry out when it
  // starts (it reads the handoff).
  const waitForApp = (el) => {
    el.setAttribute("aria-busy", "true");
    root.setAttribute("aria-busy", "true");
  };

  root.addEventListener("click", (e) => {
    const el = e.target.closest("[data-testid]");
    if (!el || !live() || el.disabled) {
      return;
    }
    switch (el.dataset.testid) {
      case "diner-add": {
        const it = items.get(el.dataset.itemId);
        if (!it || !it.available || it.sold_out) {
          return;
        }
        if (it.modifier_groups && it.modifier_groups.length > 0) {
          setHandoff((h) => (h.pick = it.id));
          waitForApp(el);
          return;
        }
        add(it);
        return;
      }
      case "diner-category":
        showCategory(el.dataset.categoryId);
        return;
      case "diner-tab-menu":
        setHandoff((h) => delete h.view);
        return;
      case "diner-tab-cart":
      case "diner-cart-open":
        setHandoff((h) => (h.view = "cart"));
        waitForApp(el);
        return;
      case "diner-tab-status":
        setHandoff((h) => (h.view = "status"));
        waitForApp(el);
        return;
      case "diner-lang": {
        // The server renders the page in the chosen language.
        const l = el.dataset.lang;
        localStorage.setItem("qrpos.lang", JSON.stringify(l));
        document.cookie = "qrpos_lang=" + l + "; Path=/; Max-Age=31536000; SameSite=Lax"; // as i18n.Choose
        location.reload();
        return;
      }
    }
  });

  const locked = !!cart().queued; // a cart being sent takes no more dishes
  render();
  for (const b of root.querySelectorAll('[data-testid="diner-add"]')) {
    const it = items.get(b.dataset.itemId);
    if (it && it.available && !it.sold_out && !locked) {
      b.disabled = false;
    }
  }
  root.dataset.ready = "true";
  performance.mark("qrpos-ssr-ready");
  join();
})();
