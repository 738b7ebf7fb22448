/* Search page: asks /api/search; on static hosting (no API) it says so and filters the small
   exported catalog (kb/catalog.js: titles, summaries, facets; no full text) instead.
   State lives in the URL so a search can be shared; the words go in ?query= because Material
   opens its own search overlay for ?q=. Runs only on the page that has #kb-search. */
(function () {
  "use strict";
  var ui = (document.documentElement.lang || "fr").slice(0, 2);
  var config = {};
  try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { /* no config */ }
  var base = new URL((config.base || ".") + "/", location.href);
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
  // The facets (tools/site/facets.py) come with the words in kb/search-ui.js: name, param, field, title.
  var FACETS = msg.facets || [{ name: "country", param: "country", field: "countries" }, { name: "type", param: "type",
    field: "type" }, { name: "theme", param: "theme", field: "themes" }, { name: "data_source", param: "data_source",
    field: "data_sources" }, { name: "lang", param: "lang", field: "lang" }];
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
    FACETS.forEach(function (f) { s[f.param] = p.getAll(f.param); });
    return s;
  }
  function toQuery(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("query", s.q);
    FACETS.forEach(function (f) { s[f.param].forEach(function (v) { p.append(f.param, v); }); });
    if (s.page > 1) p.set("page", String(s.page));
    return p.toString();
  }
  function apiQuery(s) { return toQuery(s).replace(/(^|&)query=/, "$1q="); }
  // A facet value's toggle_url is an API address (?q=...); the page keeps its words in ?query=.
  function pageQuery(apiUrl) {
    var p = new URLSearchParams(apiUrl.split("?")[1] || ""), out = new URLSearchParams();
    p.forEach(function (v, k) { if (k !== "ui") out.append(k === "q" ? "query" : k, v); });
    return out.toString();
  }
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
  // The API's snippet is escaped text with <mark> around matched words. It is parsed in an inert
  // document and rebuilt from its text and bare <mark> elements only, so nothing else can reach the page.
  function safeSnippet(html) {
    var doc = new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html");
    var out = document.createDocumentFragment();
    (function walk(node, into) {
      Array.prototype.forEach.call(node.childNodes, function (c) {
        if (c.nodeType === 3) into.appendChild(document.createTextNode(c.nodeValue));
        else if (c.nodeType === 1 && c.nodeName === "MARK") { var m = document.createElement("mark"); into.appendChild(m); walk(c, m); }
        else if (c.nodeType === 1) walk(c, into);
      });
    })(doc.body, out);
    return out;
  }

  function searchApi(s) {
    if (location.protocol === "file:") return Promise.reject(new Error("no api"));
    return fetch("/api/search?" + apiQuery(s) + "&ui=" + ui, { headers: { Accept: "application/json" } }).then(function (r) {
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
          return f.param === skip || !s[f.param].length ||
            values(e, f.field).some(function (v) { return s[f.param].indexOf(v) >= 0; });
        });
      };
      // The API's facet shape, built here from the catalogue (labels from kb/search-ui.js).
      var facets = {};
      FACETS.forEach(function (f) {
        var counts = {};
        matched.filter(function (e) { return passes(e, f.param); }).forEach(function (e) {
          values(e, f.field).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
        });
        var results = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); })
          .map(function (v) {
            var toggled = Object.assign({}, s, { page: 1 }), on = s[f.param].indexOf(v) >= 0;
            toggled[f.param] = on ? s[f.param].filter(function (x) { return x !== v; }) : s[f.param].concat([v]);
            return { value: v, label: (msg.labels || {})[f.name + ":" + v] || v, count: counts[v], selected: on,
              toggle_url: "/api/search?" + apiQuery(toggled) };
          });
        facets[f.name] = { name: f.name, param: f.param, label: f.title || f.name, results: results };
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
      var facet = body.facets[f.name] || {}, values = facet.results || [];
      if (!values.length) return;
      var fs = el("fieldset"), legend = el("legend", {}, facet.label || f.title || f.name);
      fs.appendChild(legend);
      values.forEach(function (v) {
        var id = "kb-f-" + f.name + "-" + v.value, label = el("label", { for: id });
        var box = el("input", { type: "checkbox", id: id, value: v.value, "data-facet": f.param,
          "data-toggle": pageQuery(v.toggle_url || "") });
        box.checked = !!v.selected;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + (v.label || v.value) + " (" + v.count + ")"));
        fs.appendChild(label);
      });
      facetsBox.appendChild(fs);
    });
  }

  // Codes (tool, MA...) shown with their labels in the interface language, from the facets.
  function labeller(body) {
    var names = {};
    Object.keys(body.facets || {}).forEach(function (key) {
      (body.facets[key].results || []).forEach(function (v) { if (v.label) names[key + ":" + v.value] = v.label; });
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
      status.appendChild(el("div", { class: "kb-expansion" }, msg.also + x.matched + " → " + x.added.slice(0, 6).join(", ")));
    });
    if (body.did_you_mean) {
      var d = el("div"), a = el("a", { href: "?" + toQuery(Object.assign({}, s, { q: body.did_you_mean, page: 1 })) }, body.did_you_mean);
      d.appendChild(document.createTextNode(msg.didyou)); d.appendChild(a); status.appendChild(d);
    }
    if (body.hint) { list.appendChild(el("p", { class: "kb-hint" }, msg.noterms || body.hint)); return; }
    if (body.strong === false && body.results.length) status.appendChild(el("div", { class: "kb-weak" }, msg.weak));
    if (!body.results.length) { list.appendChild(el("p", {}, msg.none)); return; }
    body.results.forEach(function (r) {
      var art = el("article", { class: "kb-result", lang: r.lang, dir: r.lang === "ar" ? "rtl" : "ltr" });
      var h = el("h3"), a = el("a", { href: pageUrl(r.url) }, r.title);
      h.appendChild(a); art.appendChild(h);
      var countries = (r.countries || []).map(function (c) { return name("country", c); }).join(", ");
      var meta = el("div", { class: "kb-meta", "data-countries": (r.countries || []).join(" ") },
        [name("type", r.type), countries, (r.languages || [r.lang]).join(" · ")].filter(Boolean).join(" — "));
      if (r.status === "draft") meta.appendChild(el("span", { class: "kb-badge-draft" }, " " + (msg.draft || "draft")));
      art.appendChild(meta);
      var p = el("p");
      if (r.snippet) p.appendChild(safeSnippet(r.snippet)); else p.textContent = r.summary;
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
      if (body.apiError) {
        status.textContent = msg.error + body.error; list.textContent = "";
        root.setAttribute("data-ready", "error");
        return;
      }
      renderFacets(body, s); renderResults(body, s);
      (body.notes || []).forEach(function (n) { status.appendChild(el("div", { class: "kb-note" }, n)); });
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
    var box = ev.target;
    if (!box.hasAttribute("data-toggle")) return;
    history.pushState(null, "", "?" + box.getAttribute("data-toggle")); run();
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
