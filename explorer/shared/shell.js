// Page shell, loaded into <head> by app.py before any component renders: presenter mode, the UI
// language, the PNG/SVG download buttons on every plotly figure, and jumps to any element (the reading
// tab's buttons). Exposed as window.paperlab.
(() => {
  const STORE = { presenter: "paperlab-presenter", language: "paperlab-lang" };
  const PROJECTOR_FONT = 22;  // px: plotly text readable from the back of a lecture hall
  const FORMATS = ["png", "svg"];
  let plotly;

  // Gradio's I18n tables, as app.py passed them (every strings.py under explorer/, merged by explorer/shared/i18n.py).
  const strings = (lang) => window.gradio_config?.i18n_translations?.[lang] || {};
  const tip = (format, lang) => strings(lang)[`app.download_${format}`] || `${format.toUpperCase()}`;

  // The language Gradio shows: a hidden Markdown whose I18n text is "en" or "zh" (key app.lang_code).
  const shownLanguage = () => document.querySelector("#lang-marker")?.textContent.trim() || "en";
  const presenting = () => document.body.classList.contains("presenter");

  function filename(gd) {
    const title = gd.layout?.title?.text || gd.closest("[id]")?.id || "figure";
    return title.replace(/<[^>]*>/g, "").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 80) || "figure";
  }

  const download = (format) => (gd) => plotly.downloadImage(gd, { format, filename: filename(gd), scale: format === "png" ? 2 : 1 });

  const ICONS = { png: "camera", svg: "disk" };
  const exportButtons = () => FORMATS.map((format) => (
    { name: `paperlab-${format}`, title: tip(format, shownLanguage()), icon: plotly.Icons[ICONS[format]], click: download(format) }));

  // How this screen shows a figure (issue 31): projector-sized text in presenter mode, where a lab's main figure (class
  // FIGURE, explorer/shared/layout.py) also fills what is left of the first screen, at least MIN_FIGURE_PX high; small
  // text on a phone. Subplot titles (annotations placed on the paper) follow the figure's text size.
  const FIGURE = ".paperlab-figure";
  const MIN_FIGURE_PX = 300, PHONE_PX = 640, PHONE_FONT = 11, FIT_MARGIN_PX = 16;
  const phone = () => window.innerWidth <= PHONE_PX;

  function fitted(gd) {
    if (!presenting() || phone() || !gd.closest(FIGURE) || !gd.offsetParent) return null;
    const top = gd.getBoundingClientRect().top + window.scrollY;
    return top < window.innerHeight ? Math.max(MIN_FIGURE_PX, Math.floor(window.innerHeight - top - FIT_MARGIN_PX)) : null;
  }

  function adapted(gd, layout) {
    const own = layout.font?.size || 12;
    const size = phone() ? PHONE_FONT : presenting() ? Math.max(own, PROJECTOR_FONT) : own;
    const shown = { font: { ...layout.font, size } };
    const height = fitted(gd) ?? layout.height;
    if (height) shown.height = height;
    if (layout.annotations && size !== own) {
      shown.annotations = layout.annotations.map((a) => (a.xref === "paper" && a.yref === "paper"
        ? { ...a, font: { ...a.font, size } } : a));
    }
    return shown;
  }

  function projectorLayout(gd, layout) {
    if (!layout) return layout;
    gd.paperlabLayout = layout;
    return { ...layout, ...adapted(gd, layout) };
  }

  // The user's zoom, kept across redraws of a figure with a layout.uirevision: Gradio draws each update into a new
  // element, so plotly's own uirevision (which lives on the element) would forget it. Key: the nearest id and the
  // uirevision; value: {axis: range} of the axes the user zoomed or panned.
  const zooms = new Map();
  const zoomKey = (gd, layout) => layout?.uirevision == null ? null : `${gd.closest("[id]")?.id}|${layout.uirevision}`;

  function keepZoom(gd, layout) {
    const saved = zooms.get(zoomKey(gd, layout));
    if (!saved) return layout;
    const kept = { ...layout };
    for (const [axis, range] of Object.entries(saved)) kept[axis] = { ...layout[axis], range, autorange: false };
    return kept;
  }

  function watchZoom(gd, key) {
    gd.paperlabZoomKey = key;  // the figure now drawn in this element
    if (gd.paperlabZoomWatched) return;
    gd.paperlabZoomWatched = true;
    gd.on("plotly_relayout", (event) => {
      if (!gd.paperlabZoomKey) return;
      const saved = zooms.get(gd.paperlabZoomKey) || {};
      for (const name of Object.keys(event)) {
        const axis = name.match(/^([xy]axis\d*)\.(range|autorange)/)?.[1];
        if (!axis) continue;
        if (event[`${axis}.autorange`]) delete saved[axis];
        else saved[axis] = gd._fullLayout[axis].range.slice();
      }
      zooms.set(gd.paperlabZoomKey, saved);
    });
  }

  // Gradio draws every gr.Plot with Plotly.react(gd, data, layout, config); wrap it once the library loads.
  function install(lib) {
    plotly = lib;
    const react = lib.react;
    lib.react = (gd, data, layout, config) => {
      const key = zoomKey(gd, layout);
      const drawn = react(gd, data, projectorLayout(gd, keepZoom(gd, layout)),
        { ...config, displaylogo: false, modeBarButtonsToRemove: ["toImage"], modeBarButtonsToAdd: exportButtons() });
      Promise.resolve(drawn).then(() => watchZoom(gd, key));
      return drawn;
    };
  }

  function restyleFigures() {
    for (const gd of document.querySelectorAll(".js-plotly-plot")) {
      const layout = gd.paperlabLayout;
      if (!layout || !gd.offsetParent) continue;
      // the element's width too: a figure drawn while its tab was hidden took plotly's default width
      plotly?.relayout(gd, { ...(layout.annotations && { annotations: layout.annotations }), ...adapted(gd, layout),
        width: gd.clientWidth });
    }
  }
  const REFIT_MS = [100, 800];  // after a tab opens: once drawn, and once what is above it has loaded
  window.addEventListener("resize", restyleFigures);

  function setPresenter(on) {
    document.body.classList.toggle("presenter", Boolean(on));
    localStorage.setItem(STORE.presenter, on ? "1" : "0");
    restyleFigures();
  }

  // Gradio's own language switch (Settings, in the footer) is svelte-i18n's changeLocale, exported by
  // the frontend's core module; import the already-loaded module by its URL to call the same function.
  async function changeLocale(lang) {
    const url = performance.getEntriesByType("resource").map((e) => e.name).find((n) => /\/assets\/core-[\w-]+\.js$/.test(n));
    if (url) (await import(url)).changeLocale(lang);
  }

  // The server reads this cookie (explorer.shared.i18n.language) to translate messages and plot titles.
  function remember(lang) {
    document.cookie = `${STORE.language}=${lang}; path=/; max-age=31536000; SameSite=Lax`;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }

  // A new choice reloads the page: tables, plots and notes the server drew in the old language are drawn again in
  // the new one (runs go on training; the page restores the choice). Restoring a kept choice only relabels.
  async function setLanguage(lang) {
    watchLanguage();
    if (!lang || lang === shownLanguage()) return;
    const before = localStorage.getItem(STORE.language) || shownLanguage();
    localStorage.setItem(STORE.language, lang);  // a choice, unlike the browser's default, is kept
    remember(lang);
    if (lang !== before) {
      location.reload();
      return;
    }
    await changeLocale(lang);
  }

  // Gradio 6.31 re-translates a tab's button only when that tab is next selected; name them all now.
  // A button's data-tab-id is its tab's `id`, else the component's number; its label is an I18n key.
  function translateTabButtons(lang) {
    for (const tab of (window.gradio_config?.components || []).filter((c) => c.type === "tabitem")) {
      const key = String(tab.props.label || "").match(/^__i18n__(.*)$/s)?.[1];
      const button = document.querySelector(`button[data-tab-id="${tab.props.id ?? tab.id}"]`);
      const label = key && strings(lang)[JSON.parse(key).key];
      const node = button && [...button.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.nodeValue.trim());
      if (label && node) node.nodeValue = label;
    }
  }

  // Follow every change of language, also those made in Gradio's Settings panel: keep the cookie, the
  // header switch, the tab buttons and the figure download tips in step.
  let watching = false;
  function watchLanguage() {
    const marker = document.querySelector("#lang-marker");
    if (!marker || watching) return;
    watching = true;
    new MutationObserver(() => {
      const lang = shownLanguage();
      remember(lang);
      localStorage.setItem(STORE.language, lang);
      translateTabButtons(lang);
      document.querySelector(`#lang-switch input[value="${lang}"]:not(:checked)`)?.click();
      for (const format of FORMATS) {
        const shown = Object.keys(window.gradio_config?.i18n_translations || {}).map((l) => `.modebar-btn[data-title="${tip(format, l)}"]`);
        document.querySelectorAll(shown.join(", ")).forEach((b) => b.setAttribute("data-title", tip(format, lang)));
      }
    }).observe(marker, { subtree: true, childList: true, characterData: true });
  }

  // On page load: the presenter switch and language as last chosen in this browser, else the browser's language.
  function restore() {
    watchLanguage();
    const lang = localStorage.getItem(STORE.language) || shownLanguage();
    remember(lang);  // before the page's first views are asked for, so the server answers in this language
    restored = true;
    setTimeout(wakeShown);
    return [localStorage.getItem(STORE.presenter) === "1", lang];
  }

  // Open the element with this elem_id wherever it is: select every tab around it, outermost first (Gradio
  // renders a tab's children only once it is selected), then scroll it (a tab: its button) into view and flash it.
  const TABS_WAIT_MS = 5000;
  const SETTLE_TRIES = 12, SETTLE_MS = 150;
  function tabsAround(target) {
    const config = window.gradio_config || { components: [], layout: {} };
    const byId = new Map(config.components.map((c) => [c.id, c]));
    const walk = (node, outer) => {
      const component = byId.get(node.id);
      const tabs = component?.type === "tabitem" ? [...outer, component] : outer;
      if (component?.props.elem_id === target) return tabs;
      for (const child of node.children || []) {
        const found = walk(child, tabs);
        if (found) return found;
      }
      return null;
    };
    return walk(config.layout, []) || [];
  }

  const appear = (find) => new Promise((resolve) => {
    const started = performance.now();
    const look = () => {
      const found = find();
      if (found || performance.now() - started > TABS_WAIT_MS) resolve(found);
      else setTimeout(look, 50);
    };
    look();
  });

  async function reveal(target) {
    for (const tab of tabsAround(target)) {
      const button = await appear(() => document.querySelector(`button[data-tab-id="${tab.props.id ?? tab.id}"]`));
      if (button?.getAttribute("aria-selected") !== "true") button?.click();
    }
    const shown = await appear(() => {
      const element = document.getElementById(target);
      return element?.offsetParent ? element : null;
    });
    // land on the figure itself: the element's main figure where it has one (a tab's), else the element
    const figure = shown?.matches(FIGURE) ? shown : shown?.querySelector(FIGURE);
    const anchor = figure?.offsetParent ? figure : shown;
    // Plots and images above it may still be drawing and push it down: scroll again until it stays put.
    for (let tries = 0; anchor && tries < SETTLE_TRIES; tries += 1) {
      const top = anchor.getBoundingClientRect().top;
      if (tries > 0 && Math.abs(top) < 2) break;
      anchor.scrollIntoView({ block: "start" });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
    shown?.animate([{ boxShadow: "0 0 0 4px var(--color-accent)" }, { boxShadow: "none" }], { duration: 1600 });
  }

  // The server draws a view when it comes on screen, not on page load (explorer/shared/layout.py, on_screen): beside
  // it sits a hidden button, pressed here once it is on screen and the page's language is restored. A view drawn once
  // (paperlab-shown) is asked for once; a live view (paperlab-wake: explorer/shared/experiment_panel.py, poll) again
  // each time its tab is opened or the page comes back to the foreground: it looks once, and ticks while a run trains
  // (started here or by anyone). Gradio's timers send nothing while the page is hidden.
  const WAKE_AFTER_MS = 100;  // a tab's views are drawn by then (those drawn later are pressed as they appear)
  const WAKERS = "button.paperlab-shown:not([data-woken]), button.paperlab-wake:not([data-woken])";
  let restored = false;
  function wakeShown() {
    if (!restored) return;
    for (const button of document.querySelectorAll(WAKERS)) {
      if (!button.parentElement?.offsetParent) continue;  // not on screen: its tab is not the one shown
      button.dataset.woken = "1";
      button.click();
    }
  }
  function wake() {  // the live views look again as they come on screen
    for (const button of document.querySelectorAll("button.paperlab-wake")) delete button.dataset.woken;
    wakeShown();
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });

  // A lab's sub-tab buttons are drawn when the lab is first opened: name them in the shown language then.
  document.addEventListener("click", (event) => {
    if (!event.target.closest?.('[role="tab"]')) return;
    for (const button of document.querySelectorAll("button.paperlab-wake")) delete button.dataset.woken;
    setTimeout(() => { translateTabButtons(shownLanguage()); wakeShown(); }, WAKE_AFTER_MS);
    for (const ms of REFIT_MS) setTimeout(restyleFigures, ms);
  });

  // Toast titles: Gradio's page titles an error toast "Error" whatever title the server sent (it reads a field the
  // server does not fill), a warning "Warning" and a note "Info": name them in the shown language (toast.* keys).
  const TOASTS = { Error: "toast.error", Warning: "toast.warning", Info: "toast.info" };
  function translateToasts() {
    const names = strings(shownLanguage());
    for (const title of document.querySelectorAll(".toast-title")) {
      const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const label = names[TOASTS[node.nodeValue.trim()]];
        if (label) node.nodeValue = label;
      }
    }
  }
  // Text in another language by nature (a translator's example sentences, in its source language) says so, as a
  // citation does: elements with the class text-en get lang="en" (screen readers read them as English).
  function markEnglish() {
    for (const element of document.querySelectorAll(".text-en:not([lang])")) element.lang = "en";
  }
  new MutationObserver(() => { translateToasts(); markEnglish(); wakeShown(); })
    .observe(document.documentElement, { subtree: true, childList: true });

  Object.defineProperty(window, "Plotly", { configurable: true, get: () => plotly, set: install });
  window.paperlab = { setPresenter, setLanguage, restore, shownLanguage, reveal, wake };
})();
