/* Search page: asks /api/search; on static hosting (no API) it says so and filters the small
   exported catalog (kb/catalog.js: titles, summaries, facets; no full text) instead.
   State lives in the URL so a search can be shared; the words go in ?query= because Material
   opens its own search overlay for ?q=. Runs only on the page that has #kb-search. */
(function () {
  "use strict";
  var ui = (document.documentElement.lang || "fr").slice(0, 2);
  var config = {};
  try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { /* no config */ }
  // The 404 page's base is absolute ("/"): adding a second slash would make "//", an invalid URL.
  var base = new URL((config.base || ".").replace(/\/?$/, "/"), location.href);
  // Words of the interface come from tools/data/ui.yml, generated as kb/search-ui.js per language.
  function loadScript(path) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = new URL(path, base).href;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  loadScript("kb/search-ui.js").catch(function () { /* words fall back to their keys */ }).then(function () {
    var msg = window.KB_UI || {};
    // Material's search dialog has no accessible name; screen readers announce it with this one.
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label") && msg.dialog) dialog.setAttribute("aria-label", msg.dialog);
    var root = document.getElementById("kb-search");
    if (root) start(root, msg);
  });

  function start(root, msg) {
  var FACETS = [["country", "countries"], ["type", "type"], ["theme", "themes"], ["data_source", "data_sources"],
    ["lang", "lang"]];
  if (ui === "ar") root.setAttribute("dir", "rtl");
  // The offline copy (file://) has .html pages instead of folder addresses.
  var htmlPages = /\.html$/.test(location.pathname);
  function pageUrl(url) { return new URL(htmlPages ? url.replace(/\/$/, ".html") : url, base).href; }
  var form = root.querySelector("form"), input = root.querySelector("#kb-q");
  var status = root.querySelector("#kb-status"), facetsBox = root.querySelector("#kb-facets");
  var list = root.querySelector("#kb-results"), datalist = root.querySelector("#kb-suggest");
  var catalog = null, apiDown = false, generation = 0;

  function state() {
    var p = new URLSearchParams(location.search), s = { q: p.get("query") || "", page: parseInt(p.get("page") || "1", 10) || 1 };
    FACETS.forEach(function (f) { s[f[0]] = p.getAll(f[0]); });
    return s;
  }
  function toQuery(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("query", s.q);
    FACETS.forEach(function (f) { s[f[0]].forEach(function (v) { p.append(f[0], v); }); });
    if (s.page > 1) p.set("page", String(s.page));
    return p.toString();
  }
  function apiQuery(s) { return toQuery(s).replace(/(^|&)query=/, "$1q="); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fold(s) {
    return (s || "").normalize("NFC").replace(/[\u0610-\u061a\u064b-\u065f\u0670\u0640]/g, "")
      .replace(/[أإآٱ]/g, "ا").replace(/ى/g, "ي").replace(/ة/g, "ه").toLowerCase()
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  // Only <mark> may come through from a snippet; the API escapes everything else already.
  function safeSnippet(html) { return html.replace(/<(?!\/?mark[\s>])[^>]*>/gi, ""); }

  function searchApi(s) {
    if (location.protocol === "file:") return Promise.reject(new Error("no api"));
    return fetch("/api/search?" + apiQuery(s), { headers: { Accept: "application/json" } }).then(function (r) {
      var type = r.headers.get("content-type") || "";
      if (type.indexOf("application/json") < 0) throw new Error("no api");
      return r.json().then(function (body) { if (!body.ok) { body.apiError = true; } return body; });
    });
  }
  function loadCatalog() {
    if (catalog) return Promise.resolve(catalog);
    return new Promise(function (resolve, reject) {
      var script = el("script", { src: new URL("kb/catalog.js", base).href });
      script.onload = function () { catalog = window.KB_CATALOG || []; resolve(catalog); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  function searchCatalog(s) {
    return loadCatalog().then(function (items) {
      var words = fold(s.q).split(/[^\w\u0600-\u06ff]+/).filter(Boolean);
      var matched = items.filter(function (e) {
        var text = fold([e.title, e.summary, (e.tags || []).join(" "), e.id].join(" "));
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      var values = function (e, key) { var v = e[key]; return Array.isArray(v) ? v : [v]; };
      var passes = function (e, skip) {
        return FACETS.every(function (f) {
          return f[0] === skip || !s[f[0]].length || values(e, f[1]).some(function (v) { return s[f[0]].indexOf(v) >= 0; });
        });
      };
      var facets = {};
      FACETS.forEach(function (f) {
        var counts = {};
        matched.filter(function (e) { return passes(e, f[0]); }).forEach(function (e) {
          values(e, f[1]).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        facets[f[1]] = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); })
          .map(function (v) { return { value: v, count: counts[v], selected: s[f[0]].indexOf(v) >= 0, label: {} }; });
      });
      var hits = matched.filter(function (e) { return passes(e, null); });
      return { ok: true, fallback: true, total: hits.length, page: s.page, page_size: 10, facets: facets, expansions: [],
        results: hits.slice((s.page - 1) * 10, s.page * 10).map(function (e) {
          return { id: e.id, lang: e.lang, title: e.title, url: e.url, summary: e.summary, snippet: null,
            type: e.type, countries: e.countries, status: e.status, languages: [e.lang] };
        }) };
    });
  }

  function renderFacets(body, s) {
    facetsBox.textContent = "";
    FACETS.forEach(function (f) {
      var values = body.facets[f[1]] || [];
      if (!values.length) return;
      var fs = el("fieldset"), legend = el("legend", {}, msg["facet_" + f[0]] || f[0]);
      fs.appendChild(legend);
      values.forEach(function (v) {
        var id = "kb-f-" + f[0] + "-" + v.value, label = el("label", { for: id });
        var box = el("input", { type: "checkbox", id: id, value: v.value, "data-facet": f[0] });
        box.checked = s[f[0]].indexOf(v.value) >= 0;
        label.appendChild(box);
        var text = (v.label && v.label[ui]) || (msg.labels || {})[f[1] + ":" + v.value] || v.value;
        label.appendChild(document.createTextNode(" " + text + " (" + v.count + ")"));
        fs.appendChild(label);
      });
      facetsBox.appendChild(fs);
    });
  }

  // Codes (tool, MA...) shown with their labels in the interface language, from the facets.
  function labeller(body) {
    var names = {};
    Object.keys(body.facets || {}).forEach(function (key) {
      (body.facets[key] || []).forEach(function (v) { if (v.label && v.label[ui]) names[key + ":" + v.value] = v.label[ui]; });
    });
    var fixed = msg.labels || {};
    return function (key, value) { return names[key + ":" + value] || fixed[key + ":" + value] || value; };
  }

  function renderResults(body, s) {
    var name = labeller(body);
    list.textContent = "";
    status.textContent = "";
    if (body.fallback) status.appendChild(el("span", { class: "kb-notice" }, msg.offline + " "));
    status.appendChild(document.createTextNode(body.total + msg.results));
    (body.expansions || []).forEach(function (x) {
      // Each term in its own isolate (dir=auto): an Arabic term next to Latin ones keeps its order.
      var line = el("div", { class: "kb-expansion" }, msg.also);
      line.appendChild(el("bdi", { dir: "auto" }, x.matched));
      line.appendChild(document.createTextNode(" → "));
      x.added.slice(0, 6).forEach(function (word, i) {
        if (i) line.appendChild(document.createTextNode(ui === "ar" ? "، " : ", "));
        line.appendChild(el("bdi", { dir: "auto" }, word));
      });
      status.appendChild(line);
    });
    if (body.did_you_mean) {
      var d = el("div"), a = el("a", { href: "?" + toQuery(Object.assign({}, s, { q: body.did_you_mean, page: 1 })) }, body.did_you_mean);
      d.appendChild(document.createTextNode(msg.didyou)); d.appendChild(a); status.appendChild(d);
    }
    if (!body.results.length) { list.appendChild(el("p", {}, msg.none)); return; }
    body.results.forEach(function (r) {
      var art = el("article", { class: "kb-result", lang: r.lang, dir: r.lang === "ar" ? "rtl" : "ltr" });
      var h = el("h3"), a = el("a", { href: pageUrl(r.url) }, r.title);
      h.appendChild(a); art.appendChild(h);
      var countries = (r.countries || []).map(function (c) { return name("countries", c); }).join(", ");
      var meta = el("div", { class: "kb-meta", "data-countries": (r.countries || []).join(" ") },
        [name("type", r.type), countries, (r.languages || [r.lang]).join(" · ")].filter(Boolean).join(" — "));
      if (r.status === "draft") meta.appendChild(el("span", { class: "kb-badge-draft" }, " " + (msg.draft || "draft")));
      art.appendChild(meta);
      var p = el("p");
      if (r.snippet) p.innerHTML = safeSnippet(r.snippet); else p.textContent = r.summary;
      art.appendChild(p);
      list.appendChild(art);
    });
    var pages = Math.ceil(body.total / body.page_size);
    if (pages > 1) {
      var nav = el("nav", { class: "kb-pager", "aria-label": "pages" });
      if (s.page > 1) nav.appendChild(el("a", { href: "?" + toQuery(Object.assign({}, s, { page: s.page - 1 })) }, msg.prev));
      nav.appendChild(el("span", {}, s.page + " / " + pages));
      if (s.page < pages) nav.appendChild(el("a", { href: "?" + toQuery(Object.assign({}, s, { page: s.page + 1 })) }, msg.next));
      list.appendChild(nav);
    }
  }

  function run() {
    var s = state();
    input.value = s.q;
    var go = apiDown ? searchCatalog(s) : searchApi(s).catch(function () { apiDown = true; return searchCatalog(s); });
    return go.then(function (body) {
      if (body.apiError) { status.textContent = msg.error + body.error; list.textContent = ""; return; }
      renderFacets(body, s); renderResults(body, s);
      root.setAttribute("data-ready", body.fallback ? "fallback" : "api");
      root.setAttribute("data-generation", String(++generation));  // lets tests wait for a re-render
    }).catch(function (e) { status.textContent = msg.error + e.message; });
  }
  function navigate(s) { history.pushState(null, "", "?" + toQuery(s)); run(); }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var s = state(); s.q = input.value; s.page = 1; navigate(s);
  });
  facetsBox.addEventListener("change", function (ev) {
    var box = ev.target, s = state(), key = box.getAttribute("data-facet");
    if (!key) return;
    s[key] = s[key].filter(function (v) { return v !== box.value; });
    if (box.checked) s[key].push(box.value);
    s.page = 1; navigate(s);
  });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (apiDown || input.value.length < 2) return;
    timer = setTimeout(function () {
      fetch("/api/suggest?q=" + encodeURIComponent(input.value)).then(function (r) { return r.json(); }).then(function (b) {
        if (!b.ok) return;
        datalist.textContent = "";
        b.titles.concat(b.terms.map(function (t) { return { title: t }; })).slice(0, 10).forEach(function (x) {
          datalist.appendChild(el("option", { value: x.title }));
        });
      }).catch(function () { /* completion is optional */ });
    }, 150);
  });
  window.addEventListener("popstate", run);
  run();
  }
})();
