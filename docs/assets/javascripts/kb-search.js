/* This project's search in the browser: the header box on every page and the search page.
   Both ask the search API (/api/search, /api/suggest) when the site is served with it, and
   otherwise the static index (kb/search/*.js through kb-engine.js): static hosting, the offline
   zip opened from file://, or an API that does not answer. Both use the same analysis.
   Words of the interface come from tools/data/ui.yml, generated as kb/search-ui.js per language.
   Search page state lives in the URL (?query=, or q= as the API names it; facets, page) so a search can be shared.
   Repeated query=/q= are joined by a space, in order, as the API and the command line join them. */
(function () {
  "use strict";
  var ui = (document.documentElement.lang || "fr").slice(0, 2);
  var config = {};
  try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { /* no config */ }
  // The 404 page's base is absolute ("/"): adding a second slash would make "//", an invalid URL.
  var base = new URL((config.base || ".").replace(/\/?$/, "/"), location.href);
  // One static index for the site, at the French root; the other interfaces live in <root>/<lang>/.
  var indexBase = new URL((ui === "fr" ? "" : "../") + "kb/search/", base);
  var header = document.querySelector("form.kb-hsearch");
  var apiExpected = location.protocol !== "file:" && !(header && header.getAttribute("data-kb-api") === "no");
  // The offline copy (file://) has .html pages instead of folder addresses.
  var htmlPages = /\.html$/.test(location.pathname) || location.protocol === "file:";
  function pageUrl(url) { return new URL(htmlPages ? url.replace(/\/$/, ".html") : url, base).href; }
  var FACETS = [["country", "countries"], ["type", "type"], ["theme", "themes"], ["data_source", "data_sources"],
    ["lang", "lang"]];

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = function () { resolve(); script.remove(); };
      script.onerror = function () { reject(new Error("cannot load " + url)); script.remove(); };
      document.head.appendChild(script);
    });
  }

  // Static index chunks call KBSearchChunk(name, data); each load waits for its own name.
  var waiting = {};
  window.KBSearchChunk = function (name, data) { if (waiting[name]) { waiting[name](data); delete waiting[name]; } };
  var version = "";
  function loadChunk(name) {
    return new Promise(function (resolve, reject) {
      waiting[name] = resolve;
      var url = new URL(name + ".js" + (version && name !== "meta" ? "?v=" + version : ""), indexBase).href;
      loadScript(url).then(function () {
        if (waiting[name]) { delete waiting[name]; reject(new Error("no data in " + url)); }
      }, function (e) { delete waiting[name]; reject(e); });
    }).then(function (data) { if (name === "meta") version = data.version || ""; return data; });
  }
  var engine = window.KBEngine ? window.KBEngine.create(loadChunk) : null;

  // The API is asked first when the page is served over http(s) and the build expects one;
  // after one failure this page, and the next pages of the visit (sessionStorage), use the static
  // index only: a statically hosted site logs one failed request per visit, not one per search.
  var API_DOWN_KEY = "kb-api-down";
  function rememberedDown() {
    try { return window.sessionStorage.getItem(API_DOWN_KEY) === "1"; } catch (e) { return false; }
  }
  function rememberDown() {
    try { window.sessionStorage.setItem(API_DOWN_KEY, "1"); } catch (e) { /* storage refused: this page only */ }
  }
  var apiDown = !apiExpected || rememberedDown();
  // Only an outage (no answer, an answer that is not the API's JSON; for the header box also a 5xx
  // JSON error) switches to the static index; a refusal (a 4xx JSON error: too many words, ...) is
  // about this query alone. The search page words the API's 5xx errors (ui.yml err_busy, ...).
  function outage(e) { e = e instanceof Error ? e : new Error(String(e)); e.outage = true; return e; }
  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      var type = r.headers.get("content-type") || "";
      if (type.indexOf("application/json") < 0) throw outage(new Error("no api"));
      return r.json().catch(function (e) { throw outage(e); });
    }, function (e) { throw outage(e); });
  }
  function apiOrStatic(apiCall, staticCall) {
    if (apiDown || !window.fetch) return staticCall();
    return apiCall().catch(function (e) {
      if (!e || !e.outage) throw e;
      apiDown = true; rememberDown(); return staticCall();
    });
  }
  // The words of the interface for an API refusal (ui.yml err_<code>; a too-long query: too_long).
  function refusalText(msg, code, q) {
    var key = { page_size_out_of_range: "page_out_of_range" }[code] || code;
    var own = function (o, k) { return Object.prototype.hasOwnProperty.call(o || {}, k) ? o[k] : undefined; };
    // An address over the server's byte limit holding a query within the limit is another refusal.
    if (key === "query_too_long" || (key === "query_string_too_long" && tooLong(q))) return tooLongText(msg);
    return String(own(msg, "err_" + key) || msg.err_other || "").replace("{max}", String(own(msg.limits, key) || ""));
  }

  // The query length limit of the API (tools.search.engine.MAX_QUERY_CHARS, in kb/search-ui.js):
  // the inputs stop there, and a longer query (a shared link) gets a message instead of results.
  var maxChars = 0;
  function setMaxLength(input, msg) {
    maxChars = msg.max_query_chars || 0;
    if (maxChars && input) input.setAttribute("maxlength", String(maxChars));
  }
  function tooLong(q) { return maxChars > 0 && Array.from(String(q || "")).length > maxChars; }
  function tooLongText(msg) { return (msg.too_long || "Query too long: at most {max} characters.").replace("{max}", String(maxChars)); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
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
  // A static answer's summary with its matched words in bare <mark> elements, as the API's snippets
  // are drawn (safeSnippet): text nodes and marks only, the entry's text never parsed as markup.
  function markedSummary(text, highlight) {
    var out = document.createDocumentFragment(), at = 0;
    text = String(text || "");
    var spans = window.KBEngine && highlight ? window.KBEngine.highlightSpans(text, highlight) : [];
    spans.forEach(function (sp) {
      if (sp[0] > at) out.appendChild(document.createTextNode(text.slice(at, sp[0])));
      out.appendChild(el("mark", {}, text.slice(sp[0], sp[1])));
      at = sp[1];
    });
    if (at < text.length) out.appendChild(document.createTextNode(text.slice(at)));
    return out;
  }
  // The API's facets ({name: {label, results: [{value, label, count, selected, toggle_url}]}}, keyed by
  // facet name) in the shape the page draws: {field: [values]}, as the static engine returns them.
  var FIELD_OF = { country: "countries", type: "type", theme: "themes", data_source: "data_sources", lang: "lang" };
  function fieldFacets(body) {
    if (!body || !body.facets) return body;
    var out = {};
    Object.keys(body.facets).forEach(function (k) {
      var f = body.facets[k];
      out[FIELD_OF[k] || k] = Array.isArray(f) ? f : (f && f.results) || [];
    });
    body.facets = out;
    return body;
  }
  function facetLabel(msg, key, v) {
    if (v && typeof v.label === "string" && v.label) return v.label;
    if (v && v.label && v.label[ui]) return v.label[ui];
    return (msg.labels || {})[key + ":" + (v && v.value !== undefined ? v.value : v)] || (v && v.value) || v;
  }
  function labeller(msg, body) {
    var names = {};
    Object.keys((body && body.facets) || {}).forEach(function (key) {
      (body.facets[key] || []).forEach(function (v) { names[key + ":" + v.value] = facetLabel(msg, key, v); });
    });
    return function (key, value) { return names[key + ":" + value] || (msg.labels || {})[key + ":" + value] || value; };
  }

  // "1 entry", "3 entries", "بطاقتان": the interface's plural form of the count (KB_UI.n_entries,
  // CLDR categories as in ui.yml); without it or without Intl, the number and the plain word.
  function countText(msg, n) {
    var forms = msg.n_entries;
    if (!forms || typeof Intl === "undefined" || !Intl.PluralRules) return n + (msg.results || "");
    var form = forms[new Intl.PluralRules(ui).select(n)] || forms.other;
    return form.replace("{n}", String(n));
  }

  loadScript(new URL("kb/search-ui.js", base).href).catch(function () { /* words fall back to keys */ }).then(function () {
    var msg = window.KB_UI || {};
    // The home page's box sends its query to the search page: the same limit as the other boxes.
    var home = document.getElementById("kb-home-q");
    if (home) setMaxLength(home, msg);
    if (header) headerBox(header, msg);
    var root = document.getElementById("kb-search");
    if (root) searchPage(root, msg);
  });

  // ---- the header box ---------------------------------------------------------------------
  function headerBox(form, msg) {
    var input = form.querySelector(".kb-hsearch__input"), panel = form.querySelector(".kb-hsearch__results");
    var list = form.querySelector(".kb-hsearch__list"), status = form.querySelector(".kb-hsearch__status");
    var suggest = form.querySelector(".kb-hsearch__suggest"), all = form.querySelector(".kb-hsearch__all");
    var open = form.querySelector(".kb-hsearch__open");
    var searchPageUrl = form.getAttribute("action");
    setMaxLength(input, msg);
    if (msg.box_label) { input.setAttribute("aria-label", msg.box_label); input.setAttribute("placeholder", msg.box_placeholder || msg.box_label); }
    if (msg.box_open) { open.setAttribute("aria-label", msg.box_open); open.setAttribute("title", msg.box_open); }
    var timer = null, generation = 0;

    function toggle(show) {
      form.classList.toggle("kb-hsearch--open", show);
      open.setAttribute("aria-expanded", show ? "true" : "false");
      if (show) input.focus(); else panel.hidden = true;
    }
    open.addEventListener("click", function () { toggle(!form.classList.contains("kb-hsearch--open")); });
    function target(q) { return searchPageUrl + (searchPageUrl.indexOf("?") < 0 ? "?" : "&") + "query=" + encodeURIComponent(q); }

    function render(body, q, mine) {
      if (mine !== generation) return;
      var name = labeller(msg, body);
      list.textContent = "";
      status.textContent = "";
      panel.hidden = false;
      var total = body.total || 0;
      // Nothing to search (hint_code no_terms) replaces the count; search syntax taken out
      // (syntax_ignored) is said beside the results.
      var noTerms = body.hint && body.hint_code !== "syntax_ignored";
      status.textContent = noTerms ? (msg.noterms || body.hint) : total ? countText(msg, total) : (msg.none || "");
      if (body.static) status.appendChild(el("span", { class: "kb-hsearch__mode" }, " · " + (msg.static_mode || "")));
      if (body.hint_code === "syntax_ignored") status.appendChild(el("span", { class: "kb-hsearch__syntax" }, " " + (msg.syntax_ignored || body.hint)));
      // As on the search page: results that do not answer the whole query are said to be the closest.
      if (body.strong === false && (body.results || []).length) status.appendChild(el("span", { class: "kb-hsearch__weak" }, msg.weak || ""));
      if (body.did_you_mean) {
        var fix = body.did_you_mean, again = el("button", { type: "button", class: "kb-hsearch__didyou", dir: "auto" }, fix);
        again.addEventListener("click", function () { input.value = fix; input.focus(); run(); });
        var line = el("span", { class: "kb-hsearch__didyou-line" }, msg.didyou || "");
        line.appendChild(again);
        status.appendChild(line);
      }
      (body.results || []).forEach(function (r, i) {
        var li = el("li", { class: "kb-hsearch__item" });
        // The version's language sets the direction, as on the search page: dir=auto laid out an
        // Arabic title starting with Latin letters ("MED-HIMS: ...") left to right.
        var a = el("a", { href: pageUrl(r.url), lang: r.lang, dir: r.lang === "ar" ? "rtl" : "ltr" });
        a.appendChild(el("span", { class: "kb-hsearch__title" }, r.title));
        var meta = [name("type", r.type), (r.countries || []).map(function (c) { return name("countries", c); }).join(msg.list_sep || ", ")]
          .filter(Boolean).join(" — ");
        a.appendChild(el("span", { class: "kb-hsearch__meta", lang: ui, dir: "auto", "data-countries": (r.countries || []).join(" ") }, meta));
        // The words matching the query marked as on the search page (issue #12): the API's snippet,
        // or the static answer's summary; text nodes and bare <mark> elements only.
        // Beside the link, not in it: inside, its 250 characters were read as the link's name. It
        // describes the link (aria-describedby), and the link's ::after covers the whole result
        // (extra.css), so a click on the excerpt still opens the entry.
        var excerpt = el("span", { class: "kb-hsearch__excerpt", id: "kb-hsearch-excerpt-" + mine + "-" + i });
        excerpt.appendChild(r.snippet ? safeSnippet(r.snippet) : markedSummary(r.summary, body.highlight));
        li.appendChild(a);
        if (excerpt.textContent.trim()) {
          a.setAttribute("aria-describedby", excerpt.id);
          li.appendChild(excerpt);
        }
        list.appendChild(li);
      });
      all.textContent = (msg.see_all || "") + " (" + total + ")";
      all.href = target(q);
      all.hidden = !total;
      form.setAttribute("data-generation", String(mine));
      form.setAttribute("data-query", q);  // what the panel answers (lets tests wait for the last keystroke)
      form.setAttribute("data-mode", body.static ? "static" : "api");
      form.removeAttribute("data-refused");
    }
    function renderSuggestions(terms, q, mine) {
      if (mine !== generation) return;
      suggest.textContent = "";
      var words = q.split(/\s+/);
      terms.slice(0, 4).forEach(function (t) {
        var b = el("button", { type: "button", class: "kb-hsearch__term" }, t);
        b.addEventListener("click", function () { words[words.length - 1] = t; input.value = words.join(" ") + " "; input.focus(); run(); });
        suggest.appendChild(b);
      });
    }
    function run() {
      var q = input.value.trim(), mine = ++generation;
      if (q.length < 2) { panel.hidden = true; list.textContent = ""; return; }
      if (tooLong(q)) { panel.hidden = false; list.textContent = ""; status.textContent = tooLongText(msg); all.hidden = true; return; }
      apiOrStatic(function () {
        return getJson("/api/search?page_size=8&ui=" + ui + "&q=" + encodeURIComponent(q)).then(function (body) {
          if (!body.ok) {
            var refused = new Error(body.code || "api");
            refused.code = body.code || "other";
            refused.outage = (body.status || 0) >= 500;
            throw refused;
          }
          fieldFacets(body);
          getJson("/api/suggest?ui=" + ui + "&q=" + encodeURIComponent(q)).then(function (s) {
            if (s.ok) renderSuggestions(s.terms || [], q, mine);
          }).catch(function () { /* completion is optional */ });
          return body;
        });
      }, function () {
        return engine.search(q, { pageSize: 8, prefer: ui }).then(function (body) {
          if (!body.ok && body.code) { var refused = new Error(body.code); refused.code = body.code; throw refused; }  // the API's refusals
          engine.suggest(q, { prefer: ui, limit: 4 }).then(function (s) { renderSuggestions(s.terms, q, mine); })
            .catch(function () { /* completion is optional */ });
          return body;
        });
      }).then(function (body) { render(body, q, mine); })
        .catch(function (e) {
          if (mine !== generation) return;
          panel.hidden = false; list.textContent = ""; all.hidden = true;
          status.textContent = e && e.code ? refusalText(msg, e.code, q) : msg.none || "";
          form.setAttribute("data-generation", String(mine));
          form.setAttribute("data-query", q);
          if (e && e.code) form.setAttribute("data-refused", String(e.code).slice(0, 40));
        });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 180); });
    input.addEventListener("focus", function () { if (list.children.length) panel.hidden = false; });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = input.value.trim();
      location.href = q ? target(q) : searchPageUrl;
    });
    form.addEventListener("keydown", function (ev) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a")).concat(all.hidden ? [] : [all]);
      var i = links.indexOf(document.activeElement);
      // On a phone Escape closes the box, whose input is then hidden: focus goes back to the button
      // that opened it (focusing the hidden input left it on the page's body). Elsewhere the input
      // is focused before the results are hidden: its focus handler showed them again when Escape
      // was pressed on a result (found by breaker9).
      if (ev.key === "Escape") {
        if (form.classList.contains("kb-hsearch--open")) { toggle(false); open.focus(); } else { input.focus(); panel.hidden = true; }
      }
      else if (ev.key === "ArrowDown" && links.length) { ev.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus(); }
      else if (ev.key === "ArrowUp" && i >= 0) { ev.preventDefault(); if (i === 0) input.focus(); else links[i - 1].focus(); }
    });
    document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) panel.hidden = true; });
  }

  // ---- the search page --------------------------------------------------------------------
  function searchPage(root, msg) {
    if (ui === "ar") root.setAttribute("dir", "rtl");
    var form = root.querySelector("form"), input = root.querySelector("#kb-q");
    var status = root.querySelector("#kb-status"), facetsBox = root.querySelector("#kb-facets");
    var list = root.querySelector("#kb-results"), datalist = root.querySelector("#kb-suggest");
    var generation = 0;
    setMaxLength(input, msg);

    // Phones: the filters fold behind a button, after the results (CSS puts results first).
    var toggle = el("button", { type: "button", class: "kb-filters-toggle", "aria-expanded": "false", "aria-controls": "kb-facets" },
      msg.filters || "Filtres");
    facetsBox.parentNode.insertBefore(toggle, facetsBox);
    toggle.addEventListener("click", function () {
      var show = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", show ? "true" : "false");
      root.classList.toggle("kb-filters-open", show);
    });

    // Filter values as the API reads them (tools.site.facets.Facet.clean): '?country=ma,TN' is
    // MA and TN, so the boxes show them ticked and a tick toggles them, in either mode.
    function filterValues(p, name) {
      var out = [];
      p.getAll(name).forEach(function (raw) {
        raw.split(",").forEach(function (v) {
          v = v.trim();
          v = name === "country" ? v.toUpperCase() : v.toLowerCase();
          if (v && out.indexOf(v) < 0) out.push(v);
        });
      });
      return out;
    }
    function state() {
      var p = new URLSearchParams(location.search), s = { q: p.getAll("query").concat(p.getAll("q")).filter(Boolean).join(" "), page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1) };
      FACETS.forEach(function (f) { s[f[0]] = filterValues(p, f[0]); });
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
    function searchApi(s) {
      return getJson("/api/search?" + apiQuery(s) + "&ui=" + ui).then(function (body) {
        if (!body.ok) body.apiError = true; return fieldFacets(body);
      });
    }
    function searchStatic(s) {
      var filters = {};
      FACETS.forEach(function (f) { if (s[f[0]].length) filters[f[0]] = s[f[0]]; });
      return engine.search(s.q, { filters: filters, page: s.page, pageSize: 10, facets: true, full: true, prefer: ui }).then(function (body) {
        if (!body.ok && body.code) { body.apiError = true; return body; }  // refused as the API refuses (its codes)
        FACETS.forEach(function (f) {
          (body.facets[f[1]] || []).forEach(function (v) { v.selected = s[f[0]].indexOf(v.value) >= 0; });
        });
        return body;
      });
    }

    function renderFacets(body, s) {
      facetsBox.textContent = "";
      var selected = 0;
      FACETS.forEach(function (f) {
        var values = body.facets[f[1]] || [];
        if (!values.length) return;
        var fs = el("fieldset"), legend = el("legend", {}, msg["facet_" + f[0]] || f[0]);
        fs.appendChild(legend);
        values.forEach(function (v) {
          var id = "kb-f-" + f[0] + "-" + v.value, label = el("label", { for: id });
          var box = el("input", { type: "checkbox", id: id, value: v.value, "data-facet": f[0] });
          box.checked = s[f[0]].indexOf(v.value) >= 0;
          if (box.checked) selected++;
          label.appendChild(box);
          label.appendChild(el("bdi", {}, " " + facetLabel(msg, f[1], v)));
          label.appendChild(document.createTextNode(" (" + v.count + ")"));
          fs.appendChild(label);
        });
        facetsBox.appendChild(fs);
      });
      toggle.textContent = (msg.filters || "Filtres") + (selected ? " (" + selected + ")" : "");
    }

    function renderResults(body, s) {
      var name = labeller(msg, body);
      list.textContent = "";
      status.textContent = "";
      status.appendChild(document.createTextNode(countText(msg, body.total)));
      if (body.static) status.appendChild(el("span", { class: "kb-mode" }, " · " + (msg.static_mode || "")));
      // Nothing found: what was searched besides the words typed is not said ("0 fiche" followed by
      // "Recherche étendue : ..." read as if the widened search had found something; breaker12).
      (body.total ? body.expansions || [] : []).forEach(function (x) {
        if (x.kind === "country") return;
        // Each term in its own isolate (dir=auto): an Arabic term next to Latin ones keeps its order.
        // The separator (ui.yml expansion_sep) is symmetric: "→" would point backwards in a right-to-left line.
        var line = el("div", { class: "kb-expansion" }, msg.also || "");
        line.appendChild(el("bdi", { dir: "auto", class: "kb-term" }, x.matched));
        line.appendChild(document.createTextNode(msg.expansion_sep || " ≈ "));
        x.added.slice(0, 6).forEach(function (word, i) {
          if (i) line.appendChild(document.createTextNode(msg.list_sep || (ui === "ar" ? "، " : ", ")));
          line.appendChild(el("bdi", { dir: "auto", class: "kb-term" }, word));
        });
        status.appendChild(line);
      });
      if (body.did_you_mean) {
        var d = el("div"), a = el("a", { href: "?" + toQuery(Object.assign({}, s, { q: body.did_you_mean, page: 1 })) }, body.did_you_mean);
        d.appendChild(document.createTextNode(msg.didyou || "")); d.appendChild(a); status.appendChild(d);
      }
      if (body.hint_code === "syntax_ignored") status.appendChild(el("div", { class: "kb-hint kb-syntax" }, msg.syntax_ignored || body.hint));
      else if (body.hint) { list.appendChild(el("p", { class: "kb-hint" }, msg.noterms || body.hint)); return; }
      if (body.strong === false && body.results.length) status.appendChild(el("div", { class: "kb-weak" }, msg.weak));
      if (!body.results.length && body.total > 0) {
        // A page past the last one (an edited or shared address): said, with a link to the last page.
        var last = Math.ceil(body.total / body.page_size), gone = el("p", { class: "kb-hint" }, (msg.err_page_out_of_range || "") + " ");
        gone.appendChild(el("a", { href: "?" + toQuery(Object.assign({}, s, { page: last })) }, last + " / " + last));
        list.appendChild(gone);
        return;
      }
      if (!body.results.length) { list.appendChild(el("p", {}, msg.none)); return; }
      body.results.forEach(function (r) {
        var art = el("article", { class: "kb-result", lang: r.lang, dir: r.lang === "ar" ? "rtl" : "ltr" });
        var h = el("h3"), a = el("a", { href: pageUrl(r.url) }, r.title);
        h.appendChild(a); art.appendChild(h);
        var countries = (r.countries || []).map(function (c) { return name("countries", c); }).join(msg.list_sep || ", ");
        var meta = el("div", { class: "kb-meta", lang: ui, dir: "auto", "data-countries": (r.countries || []).join(" ") },
          [name("type", r.type), countries, (r.languages || [r.lang]).join(" · ")].filter(Boolean).join(" — "));
        if (r.status === "draft") meta.appendChild(el("span", { class: "kb-badge-draft" }, " " + (msg.draft || "draft")));
        art.appendChild(meta);
        var p = el("p");
        if (r.snippet) p.appendChild(safeSnippet(r.snippet)); else p.appendChild(markedSummary(r.summary, body.highlight));
        art.appendChild(p);
        list.appendChild(art);
      });
      var pages = Math.ceil(body.total / body.page_size);
      if (pages > 1) {
        var nav = el("nav", { class: "kb-pager", "aria-label": msg.pages || "pages" });
        if (s.page > 1) nav.appendChild(el("a", { href: "?" + toQuery(Object.assign({}, s, { page: s.page - 1 })) }, msg.prev));
        nav.appendChild(el("span", {}, s.page + " / " + pages));
        if (s.page < pages) nav.appendChild(el("a", { href: "?" + toQuery(Object.assign({}, s, { page: s.page + 1 })) }, msg.next));
        list.appendChild(nav);
      }
    }

    // An error in the interface's words only (ui.yml err_<code>, {max} the API's limit from
    // kb/search-ui.js): the API's English `error` is for people reading the API, never shown here.
    // `code` may come from the address (?refused=, tools/web/middleware.py): only looked up, never shown.
    // Announced once: #kb-status is already a live region (a role=alert inside it was read twice).
    function showError(code) {
      status.textContent = ""; list.textContent = "";
      // A too-long query gets the same words whether the page or the API refuses it (ui.yml too_long).
      var page = refusalText(msg, code, state().q);
      status.appendChild(el("p", { class: "kb-error", "data-code": String(code || "").slice(0, 40) }, (msg.error || "") + page));
      root.setAttribute("data-ready", "error");
    }

    function run() {
      var s = state();
      input.value = s.q;
      // The server sent a page address it refused here (303, ?refused=<code>): say why, search nothing.
      var refused = new URLSearchParams(location.search).get("refused");
      if (refused && !s.q) {
        facetsBox.textContent = "";
        showError(refused);
        root.setAttribute("data-generation", String(++generation));
        return Promise.resolve();
      }
      if (tooLong(s.q)) {
        // Refused before asking (the API answers 400, the static engine too_long): one message.
        status.textContent = ""; list.textContent = ""; facetsBox.textContent = "";
        list.appendChild(el("p", { class: "kb-hint kb-too-long" }, tooLongText(msg)));
        root.setAttribute("data-ready", "too-long");
        root.setAttribute("data-generation", String(++generation));
        return Promise.resolve();
      }
      return apiOrStatic(function () { return searchApi(s); }, function () { return searchStatic(s); }).then(function (body) {
        if (body.apiError) { showError(body.code); return; }
        renderFacets(body, s); renderResults(body, s);
        (body.notes || []).forEach(function (n) { status.appendChild(el("div", { class: "kb-note" }, n)); });
        root.setAttribute("data-ready", body.static ? "static" : "api");
        root.setAttribute("data-generation", String(++generation));  // lets tests wait for a re-render
      }).catch(function (e) { showError(e.code || "other"); });
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
    function fillDatalist(titles, terms) {
      datalist.textContent = "";
      titles.concat(terms.map(function (t) { return { title: t }; })).slice(0, 10).forEach(function (x) {
        datalist.appendChild(el("option", { value: x.title }));
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (input.value.length < 2) return;
      timer = setTimeout(function () {
        // Without the API, the static index completes the words (kb-engine.js suggest).
        var asked = apiDown || !window.fetch ? engine.suggest(input.value, { prefer: ui, limit: 10 }).then(function (b) { fillDatalist([], b.terms); })
          : getJson("/api/suggest?ui=" + ui + "&q=" + encodeURIComponent(input.value)).then(function (b) {
            if (b.ok) fillDatalist(b.titles, b.terms);
          });
        asked.catch(function () { /* completion is optional */ });
      }, 150);
    });
    window.addEventListener("popstate", run);
    run();
  }
})();
