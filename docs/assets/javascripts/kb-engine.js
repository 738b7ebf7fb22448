/* The static search engine: this project's analysis (tools/search/analysis.py) in the browser,
   over the index that tools/search/static_index.py exports to kb/search/. Used when no search API
   answers (static hosting, the offline zip from file://); runs in node too, for the benchmark and
   the folding tests (tests/search/fold_cases.json is checked against normalize() and fold()).

   KBEngine.create(load) -> engine; load(name) returns a Promise of a chunk's data ("meta", "t3",
   "d0", "facets"). engine.suggest(query, {prefer, limit}) -> Promise of {query, terms[]} (completions).
   engine.search(query, {filters ({facet: [values]}, as the API's parameters: checked and cleaned as it does), page, pageSize, facets, full, prefer}) -> Promise
   of {total, results[], expansions[], strong, facets?, hint?, too_long?}: `strong` false when no entry
   covers enough of the query (the API's floor), `hint` when the query has nothing
   to search, `too_long` (with ok false and error) past meta.max_query_chars; `full` reads whole posting lists (exact totals),
   otherwise only each word's best documents; `prefer` (a language) shows that version of an
   entry when it has one (not for a query in Arabic letters on another interface: engine.shown_language). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.KBEngine = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // ---- folding: mirrors tools/search/analysis.py normalize(), strip_elision(), TOKEN_RE
  var TATWEEL = /\u0640/g;
  var TASHKEEL = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g;
  var CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
  // Format characters that may sit inside a word (soft hyphen, zero-width, bidi marks, variation
  // selectors, BOM): removed so the word is whole again.
  var INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200c-\u200f\u202a-\u202e" +
    "\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff";
  var INVISIBLE_RE = new RegExp("[" + INVISIBLE + "]", "g");
  // A zero-width space is a word-break opportunity: it separates words (analysis.ZERO_WIDTH_SPACE).
  var ZERO_WIDTH_SPACE = /\u200b/g;
  var ARABIC_FOLD = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
    // Persian and Urdu keyboards type these for the Arabic letters (same sound, other shape).
    "\u06cc": "ي", "\u06d0": "ي", "\u06a9": "ك", "\u06aa": "ك",
    "\u06c1": "ه", "\u06c0": "ه", "\u06d5": "ه", "\u06be": "ه", "\u06c3": "ه",
    "\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'", "\u066b": "." };
  for (var d = 0; d < 10; d++) { ARABIC_FOLD[String.fromCharCode(0x660 + d)] = String(d); ARABIC_FOLD[String.fromCharCode(0x6f0 + d)] = String(d); }
  var ARABIC_FOLD_RE = /[أإآٱىة\u06cc\u06d0\u06a9\u06aa\u06c1\u06c0\u06d5\u06be\u06c3\u2019\u02bc\u2018`\u066b\u0660-\u0669\u06f0-\u06f9]/g;
  // Where Python's str.casefold() differs from toLowerCase() (full case folding).
  var CASEFOLD = { "ß": "ss", "ẞ": "ss", "ς": "σ", "ϐ": "β", "ϑ": "θ", "ϕ": "φ", "ϖ": "π", "ϰ": "κ", "ϱ": "ρ",
    "ϵ": "ε", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "ŉ": "ʼn", "ǰ": "ǰ" };
  var SPECIAL = { "œ": "oe", "æ": "ae", "ø": "o", "ð": "d", "þ": "th", "ł": "l" };
  var COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  // Every table keyed by words holds no inherited names: a query word such as 'constructor' or
  // '__proto__' read Object.prototype's (the search failed, or called the word a stop word).
  // The data files' tables get the same treatment when loaded (bare()).
  function dict() { return Object.create(null); }
  function bare(o) {
    if (o && typeof o === "object" && !Array.isArray(o) && Object.getPrototypeOf(o) !== null) {
      Object.setPrototypeOf(o, null);
      for (var k in o) bare(o[k]);
    }
    return o;
  }
  var latinCache = dict();

  function foldLatin(ch) {
    if (ch.codePointAt(0) >= 0x250) return ch;
    if (SPECIAL[ch]) return SPECIAL[ch];
    var out = latinCache[ch];
    if (out === undefined) out = latinCache[ch] = ch.normalize("NFKD").replace(COMBINING, "");
    return out;
  }
  function casefold(text) {
    var out = "";
    for (var ch of text) out += CASEFOLD[ch] || ch.toLowerCase();
    return out;
  }
  function normalize(text) {
    text = String(text || "").replace(ZERO_WIDTH_SPACE, " ").replace(INVISIBLE_RE, "").normalize("NFKC").replace(CONTROL, " ")
      .replace(TATWEEL, "").replace(TASHKEEL, "");
    text = casefold(text.replace(ARABIC_FOLD_RE, function (c) { return ARABIC_FOLD[c]; }));
    var out = "";
    for (var ch of text) out += foldLatin(ch);
    return out;
  }
  var ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=[\p{L}\p{N}_])/u;
  function stripElision(token) { return token.replace(ELISION, ""); }
  var MARKS = "\\u0300-\\u036f\\u0610-\\u061a\\u064b-\\u065f\\u0670\\u06d6-\\u06ed\\u0640" + INVISIBLE;
  var WORD = "[\\p{L}\\p{N}_" + MARKS + "]";
  var TOKEN = new RegExp("\\p{Nd}+(?:[.\u066b]\\p{Nd}+)+|" + WORD + "+(?:['\u2019]" + WORD + "+)*", "gu");
  function tokens(text) { return String(text || "").match(TOKEN) || []; }
  function folded(raw) { return stripElision(normalize(raw)); }
  // The index tokenizer's tokens (analysis.TOKEN_PATTERN): a hyphenated compound is one token.
  var HYPHENS = "\\-\u2010\u2011";
  var WORDS = WORD + "+(?:['\u2019]" + WORD + "+)*";
  var COMPOUND = new RegExp("\\p{Nd}+(?:[.\u066b]\\p{Nd}+)+|" + WORDS + "(?:[" + HYPHENS + "]" + WORDS + ")*", "gu");
  var HYPHEN_RE = new RegExp("[" + HYPHENS + "]", "u");
  function compoundTokens(text) { return String(text || "").match(COMPOUND) || []; }
  function compoundParts(token) { return token.split(HYPHEN_RE).filter(Boolean); }
  // Mirrors static_index.compound_key(): the folded parts' keys joined by a hyphen, not the joined
  // word's prefix key ('tunisiahims' cut to 'tunisi' is also the key of 'Tunisia'); a compound
  // with a stop word or a single letter among its parts is one word ('sous-emploi' -> 'sousem').
  function compoundKey(pieces, k, stop) {
    pieces = pieces.filter(Boolean);
    if (!pieces.every(function (p) { return meaningful(p, stop); })) return keyOf(pieces.join(""), k);
    return pieces.map(function (p) { return keyOf(p, k); }).join("-");
  }

  // Mirrors analysis.meaningful(): a number of two characters or more, or a word of two letters or
  // more that is a stop word in no analysed language; never a single character ('1', 'x').
  // `stop`: {word: 1} (meta.stop, analysis.all_stopwords()).
  function meaningful(word, stop) {
    if (!word || Array.from(word).length < 2) return false;
    if (/^\p{Nd}+$/u.test(word.replace(/\./g, ""))) return true;
    return !stop[word] && /[\p{L}\p{N}]/u.test(word);
  }
  // Mirrors static_index.phrase_key(): the key under which the index lists the entries holding a
  // name of several words as a phrase.
  function phraseKey(nameKeys) { return '"' + nameKeys.join(" ") + '"'; }
  // Mirrors static_index.pair_key(): the key of two keys in a row, '+' and a hash of both.
  function pairKey(first, second) { return "+" + fnv1a(first + " " + second, 0x811c9dc5).toString(36); }
  // Mirrors static_index.placed_term(): a phrase key lies in its first word's shard, a stem key
  // ('~fr:informel') in its stem's prefix key's.
  function placedTerm(key) {
    if (key.charAt(0) === "~") return Array.from(key.slice(key.indexOf(":") + 1)).slice(0, PREFIX_KEY_LEN).join("");
    return key.charAt(0) === '"' ? key.slice(1).split(" ")[0] : key;
  }
  var PREFIX_KEY_LEN = 6;  // static_index.PREFIX_LEN (meta.k), set again when an engine reads its meta
  // Mirrors query.typed_acronym(): a word typed in capitals, of at most 6 letters ('CATI'), is
  // never repaired into another word ('CAPI').
  function typedAcronym(raw) {
    return raw === raw.toUpperCase() && raw !== raw.toLowerCase() && Array.from(raw).length <= 6;
  }
  // Mirrors static_index.query_plan() (the API's query.has_meaningful_words and query.build):
  // {meaningful, keys: [one key per meaningful token, a compound as its joined key],
  //  parts: [[part keys] of each compound whose parts are all meaningful]}.
  // opts: {stop: {word: 1}, operators: [..], k: prefix length, maxTerms}.
  function queryPlan(text, opts) {
    var ops = dict(), stop = opts.stop, max = opts.maxTerms || 32;
    (opts.operators || []).forEach(function (o) { ops[o] = 1; });
    var plan = { meaningful: false, keys: [], parts: [] };
    plan.meaningful = tokens(text).slice(0, max).some(function (raw) { return !ops[raw] && meaningful(folded(raw), stop); });
    if (!plan.meaningful) return plan;
    compoundTokens(text).slice(0, max).forEach(function (raw) {
      if (ops[raw]) return;
      var pieces = compoundParts(raw).map(folded);
      if (!pieces.some(function (p) { return meaningful(p, stop); })) return;
      var k = pieces.length > 1 ? compoundKey(pieces, opts.k, stop) : keyOf(folded(raw), opts.k);
      if (plan.keys.indexOf(k) < 0) plan.keys.push(k);
      if (pieces.length > 1 && pieces.every(function (p) { return meaningful(p, stop); })) {
        plan.parts.push(pieces.map(function (p) { return keyOf(p, opts.k); }));
      }
    });
    return plan;
  }

  // ---- keys: mirrors static_index.key() (Light10 for Arabic, prefixes otherwise)
  var AR_PREFIXES = ["وال", "بال", "كال", "فال", "لل", "ال"];
  var AR_SUFFIXES = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];
  function arabicLightStem(word) {
    var w = Array.from(word);
    if (w.length > 4 && w[0] === "و") w = w.slice(1);
    var s = w.join("");
    for (var i = 0; i < AR_PREFIXES.length; i++) {
      var p = AR_PREFIXES[i];
      if (s.indexOf(p) === 0 && Array.from(s).length - p.length >= 2) { s = s.slice(p.length); break; }
    }
    var changed = true;
    while (changed) {
      changed = false;
      for (var j = 0; j < AR_SUFFIXES.length; j++) {
        var x = AR_SUFFIXES[j];
        var n = Array.from(s).length;
        if (s.length >= x.length && s.slice(s.length - x.length) === x && n - x.length >= 3) { s = s.slice(0, s.length - x.length); changed = true; }
      }
    }
    return s;
  }
  var ARABIC = /[\u0600-\u06ff]/;
  // Arabic country names and demonyms without their article (meta.proper, index.arabic_proper_nouns),
  // set when an engine reads its meta: their key is the word without its article or preposition,
  // as the API's analyser keeps them (البحرين is not بحر, the key of البحري 'maritime').
  var PROPER = dict();
  function arabicPrefixStrip(word) {
    var w = Array.from(word);
    if (w.length > 4 && w[0] === "و") w = w.slice(1);
    var s = w.join("");
    for (var i = 0; i < AR_PREFIXES.length; i++) {
      var p = AR_PREFIXES[i];
      if (s.indexOf(p) === 0 && Array.from(s).length - p.length >= 2) return s.slice(p.length);
    }
    return s;
  }
  function keyOf(token, k) {
    if (/^\p{Nd}+$/u.test(token) || token.indexOf(".") >= 0) return token;
    if (ARABIC.test(token)) { var base = arabicPrefixStrip(token); return PROPER[base] ? base : arabicLightStem(token); }
    return Array.from(token).slice(0, k).join("");
  }
  // Mirrors static_index.agent_key(): an English agent noun's own key ('employers' -> 'employer'),
  // which English texts hold besides the prefix key ('employ', also 'employment'); "" otherwise.
  var AGENT = /^[a-z]+(?:er|ee|or)s?$/;
  function agentKey(token, k) {
    if (!AGENT.test(token)) return "";
    var single = /(?:ers|ees|ors)$/.test(token) ? token.slice(0, -1) : token;
    return /(?:er|ee|or)$/.test(single) && single.length > k + 1 ? single : "";
  }
  function fnv1a(term, basis) {
    var h = basis >>> 0;
    for (var ch of term) { h ^= ch.codePointAt(0); h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }
  function shardOf(term, shards) { return fnv1a(term, 0x811c9dc5) % shards; }
  // The real-word filter's block and bits of a word (static_index.bloom_bits).
  function bloomBits(word, spell) {
    var h1 = fnv1a(word, spell.bases[0]), h2 = fnv1a(word, spell.bases[1]), step = ((h1 >>> 7) | 1) >>> 0, bits = [];
    for (var i = 0; i < spell.hashes; i++) bits.push(((h2 + Math.imul(i, step)) >>> 0) & (spell.block_bits - 1));
    return { block: h1 % spell.blocks, bits: bits };
  }
  function decodeBase64(text) {
    var bin = typeof atob === "function" ? atob(text) : Buffer.from(text, "base64").toString("binary");
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // Damerau-Levenshtein distance (adjacent transposition counts 1), as query.edit_distance: any
  // value above `limit` is returned as limit + 1.
  // With `plain` true: Levenshtein's distance (no transposition), as the API's spelling repair
  // measures it (rapidfuzz, engine.SearchIndex._near).
  function editDistance(a, b, limit, plain) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null, prev = [], j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        if (!plain && prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      }
      if (Math.min.apply(null, cur) > limit) return limit + 1;
      prev2 = prev; prev = cur;
    }
    return Math.min(prev[b.length], limit + 1);
  }

  // engine.SearchIndex.check's control characters, Python's str.strip() (its whitespace, with
  // \x1c-\x1f and \x85; not U+FEFF) and engine.BLANK_RE (a query of only these browses).
  var CONTROL_ALL = /[\x00-\x1f\x7f]/g;
  var PY_STRIP = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
  var BLANK_QUERY = /^[ \t\n\r\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$/;
  var NO_TERMS_HINT = "nothing to search: the query holds only symbols, single letters or stop words";

  // Mirrors query.off_syntax(): the query without the search syntax neither engine takes (field
  // names, ranges, boosts, a quote left open, wildcards): {text, prefixes: [[word as typed, folded
  // prefix]] of each word ending in '*' after minPrefix letters or more, ignored, fragments: {folded
  // piece: 1} of the other words cut by a '*' ('ploi' of '*ploi'), never offered a "did you mean"}.
  var FIELD_RE = /(?<![\p{L}\p{N}_.:\/])\p{L}+:(?=[^\s:\/])/gu;
  var RANGE_RE = /[\[\]{}]|(?<=\s)TO(?=\s)/gu;
  var BOOST_RE = /(?<=[\p{L}\p{N}_"])\^\p{Nd}+(?:\.\p{Nd}+)?/gu;
  var WILDCARD_RE = /[^\s*"]*\*[^\s"]*/gu;
  function offSyntax(text, minPrefix) {
    var out = text, ignored = false, prefixes = [], fragments = dict();
    [FIELD_RE, RANGE_RE, BOOST_RE].forEach(function (re) {
      out = out.replace(re, function () { ignored = true; return " "; });
    });
    if ((out.match(/"/g) || []).length % 2) {
      var i = out.lastIndexOf('"');
      out = out.slice(0, i) + " " + out.slice(i + 1);
      ignored = true;
    }
    var whole = new RegExp("^(?:" + TOKEN.source + ")$", "u");
    out = out.replace(WILDCARD_RE, function (typed) {
      ignored = true;
      var head = typed.slice(-1) === "*" && typed.slice(0, -1).indexOf("*") < 0 ? typed.slice(0, -1) : "";
      var f = folded(head);
      if (Array.from(f).length >= minPrefix && whole.test(f)) { prefixes.push([typed, f]); return " "; }
      var kept = typed.replace(/\*/g, " ");
      tokens(kept).forEach(function (w) { fragments[folded(w)] = 1; });
      return kept;
    });
    return { text: ignored ? out.replace(/\s+/g, " ").trim() : text, prefixes: prefixes, ignored: ignored, fragments: fragments };
  }

  // Mirrors query._arabic_variants(): the word, then without a leading conjunction or
  // preposition (وال، بال، لل → ال).
  var AR_CLITICS = "وفبلك";
  function arabicVariants(word) {
    var chars = Array.from(word), out = [word];
    if (chars.length > 3 && AR_CLITICS.indexOf(chars[0]) >= 0) {
      out.push(chars.slice(1).join(""));
      if (chars.length > 4 && AR_CLITICS.indexOf(chars[1]) >= 0) out.push(chars.slice(2).join(""));
    }
    if (word.indexOf("لل") === 0 && chars.length > 4) out.push("ال" + chars.slice(2).join(""));
    return out;
  }

  // Mirrors query.minus_exclusions(): a word written with a leading '-' (at the start or after a
  // space, before a letter; outside quotes) is excluded as after NOT ('emploi -migrants' ->
  // 'emploi NOT migrants'), unless it has no meaningful word ('-de'), the query also searches it
  // ('-emploi emploi'), or no word would be left to search ('-emploi'); in a text of several
  // lines a '-' starting a line is a list's bullet, taken out. The spaces and letters are
  // query.MINUS_SPACES and \p{L} (str.isalpha), not \s, which differs between the two languages.
  var MINUS_SPACES = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
  var MINUS_WORD_RE = new RegExp("(?<![^" + MINUS_SPACES + "])-([^" + MINUS_SPACES + "]*)", "gu");
  var BULLET_RE = /(^|[\n\r])([ \t]*)-/g, LETTER_RE = /^\p{L}/u;
  function minusExclusions(text, planOpts) {
    if (text.indexOf("-") < 0) return text;
    if (/[\n\r]/.test(text)) text = text.replace(BULLET_RE, function (m, start, indent) { return start + indent + " "; });
    var parts = text.split('"'), outside = parts.filter(function (p, i) { return i % 2 === 0; });
    var minus = outside.some(function (p) {
      return Array.from(p.matchAll(MINUS_WORD_RE)).some(function (m) { return LETTER_RE.test(m[1]); });
    });
    if (!minus) return text;
    var kept = outside.map(function (p) {
      return p.replace(MINUS_WORD_RE, function (m, word) { return LETTER_RE.test(word) ? " " : m; });
    }).join(" ") + " " + parts.filter(function (p, i) { return i % 2 === 1; }).join(" ");
    if (!queryPlan(kept, planOpts).meaningful) return text;
    var ops = dict();
    (planOpts.operators || []).forEach(function (o) { ops[o] = 1; });
    function words(text) {
      return tokens(text).slice(0, planOpts.maxTerms || 32).filter(function (raw) { return !ops[raw]; }).map(folded);
    }
    // The words searched, in order: a word excluded is searched when its words are among them, in a row.
    var searched = " " + words(kept).join(" ") + " ";
    function written(m, word) {
      var own = words(word);
      var excluded = LETTER_RE.test(word) && own.some(function (w) { return meaningful(w, planOpts.stop); }) &&
        searched.indexOf(" " + own.join(" ") + " ") < 0;
      return excluded ? "NOT " + word : m;
    }
    return parts.map(function (p, i) { return i % 2 === 0 ? p.replace(MINUS_WORD_RE, written) : p; }).join('"');
  }

  // Mirrors query.without_question_words(): the text without its question words outside quotes
  // (`asked`: {folded word: 1}, meta.question_words), which no entry is found by.
  function withoutQuestionWords(text, asked) {
    var found = false, parts = String(text).split('"');
    for (var i = 0; i < parts.length; i += 2) {
      parts[i] = parts[i].replace(TOKEN, function (w) { if (asked[folded(w)]) { found = true; return " "; } return w; });
    }
    return found ? parts.join('"').replace(/\s+/g, " ").trim() : text;
  }

  // Mirrors query.drop_loose_operators() at the query's ends (parseSyntax drops the others): an operator with nothing to act on (at the end:
  // 'emploi NOT' while the next word is typed; AND, OR, ANDNOT, ANDMAYBE at the start) is dropped.
  var DANGLING_END = /(?:^|\s+)(?:AND|OR|NOT|ANDNOT|ANDMAYBE)$/, DANGLING_START = /^(?:AND|OR|ANDNOT|ANDMAYBE)(?:\s+|$)/;
  function withoutDanglingOperators(text) {
    text = String(text || "").trim();
    for (;;) {
      var out = text.replace(DANGLING_END, "").replace(DANGLING_START, "").trim();
      if (out === text) return out;
      text = out;
    }
  }
  // Mirrors query.completed_word(): {raw, word (folded, a compound's parts joined)} of the query's
  // last token when the query ends with it and it may be a word being typed (minPrefix letters or
  // more, meaningful, no digit, not an acronym typed in capitals), else null.
  function completedWord(text, stop, operators, minPrefix) {
    var ops = dict();
    (operators || []).forEach(function (o) { ops[o] = 1; });
    var toks = compoundTokens(text).filter(function (t) { return !ops[t]; });
    if (!toks.length) return null;
    var raw = toks[toks.length - 1], trimmed = String(text).replace(/\s+$/, "");
    if (trimmed.slice(trimmed.length - raw.length) !== raw) return null;
    var pieces = compoundParts(raw).map(folded), word = pieces.join("");
    if (Array.from(word).length < minPrefix || !meaningful(word, stop) || !pieces.some(function (p) { return meaningful(p, stop); }) ||
        !new RegExp("^(?:" + TOKEN.source + ")$", "u").test(word) || /\p{Nd}/u.test(word) || typedAcronym(raw)) return null;
    return { raw: raw, word: word };
  }

  // ---- query syntax: mirrors the API's parser (query.make_parser: Whoosh's operators, phrases and
  // groups, words OR-ed) and query.exclusions(). Operators are the capital words of meta.operators:
  // AND, OR, ANDNOT, ANDMAYBE between spaces, NOT at the start or after a space or '(' and before a
  // space; Whoosh applies NOT, then AND, OR, ANDNOT, ANDMAYBE, each left to right, then ORs what
  // is left. A tree: {op: "word"|"phrase"|"or"|"and"|"andnot"|"andmaybe"|"not", raw, raws, subs}.
  function parseSyntax(text, operators) {
    var ops = dict(), pos = 0, n = text.length;
    (operators || []).forEach(function (o) { ops[o] = 1; });
    function space(c) { return c === undefined || /\s/.test(c); }
    function items(depth) {
      var out = [];
      while (pos < n) {
        var c = text.charAt(pos);
        if (/\s/.test(c)) { pos++; continue; }
        if (c === "(") { pos++; out.push(group(items(depth + 1))); continue; }
        if (c === ")") { pos++; if (depth) return out; continue; }
        if (c === '"') {
          var end = text.indexOf('"', pos + 1);
          if (end < 0) end = n;
          out.push({ op: "phrase", raws: tokens(text.slice(pos + 1, end)) });
          pos = end + 1;
          continue;
        }
        var start = pos;
        while (pos < n && !/[\s()"]/.test(text.charAt(pos))) pos++;
        var w = text.slice(start, pos), before = text.charAt(start - 1), after = text.charAt(pos);
        if (ops[w] && w !== "NOT" && start > 0 && /\s/.test(before) && pos < n && /\s/.test(after)) out.push({ infix: w });
        else if (w === "NOT" && ops[w] && (start === 0 || /[\s(]/.test(before)) && pos < n && /\s/.test(after)) out.push({ prefix: w });
        else out.push({ op: "word", raw: w });
      }
      return out;
    }
    var KINDS = { AND: "and", OR: "or", ANDNOT: "andnot", ANDMAYBE: "andmaybe" };
    function group(list) {
      for (var i = list.length - 1; i >= 0; i--) {
        if (list[i].prefix) {
          if (i + 1 < list.length && !list[i + 1].infix && !list[i + 1].prefix) list.splice(i, 2, { op: "not", subs: [list[i + 1]] });
          else list.splice(i, 1);
        }
      }
      ["AND", "OR", "ANDNOT", "ANDMAYBE"].forEach(function (o) {
        var i = 0;
        while (i < list.length) {
          if (list[i].infix !== o) { i++; continue; }
          if (i === 0 || i === list.length - 1 || list[i - 1].infix || list[i + 1].infix) { list.splice(i, 1); continue; }
          var left = list[i - 1], right = list[i + 1], kind = KINDS[o], node;
          if ((kind === "and" || kind === "or") && left.op === kind && left.joined) { left.subs.push(right); node = left; }
          else node = { op: kind, subs: [left, right], joined: true };
          list.splice(i - 1, 3, node);
        }
      });
      list = list.filter(function (x) { return !x.infix && !x.prefix; });
      return list.length === 1 ? list[0] : { op: "or", subs: list };
    }
    return group(items(0));
  }
  // The folded words of the leaves under each NOT and on the right of each ANDNOT
  // (query.excluded_queries), and the excluded subtrees themselves.
  function excludedOf(tree) {
    var out = [];
    (function walk(t) {
      if (t.op === "andnot") { out.push(t.subs[1]); walk(t.subs[0]); } else if (t.op === "not") out.push(t.subs[0]);
      else if (t.subs) t.subs.forEach(walk);
    })(tree);
    return out;
  }
  function leafWords(t, into) {
    into = into || [];
    if (t.op === "word") into.push(t.raw);
    else if (t.op === "phrase") t.raws.forEach(function (r) { into.push(r); });
    else (t.subs || []).forEach(function (s) { leafWords(s, into); });
    return into;
  }

  function create(load) {
    var meta = null, metaPromise = null, stop = null, pairWords = dict(), cache = dict(), countryWords = null;
    function chunk(name) {
      if (!cache[name]) cache[name] = load(name).then(bare).catch(function (e) { delete cache[name]; throw e; });
      return cache[name];
    }
    function ready() {
      if (!metaPromise) metaPromise = chunk("meta").then(function (m) { meta = m; PREFIX_KEY_LEN = m.k; stop = dict(); m.stop.forEach(function (w) { stop[w] = 1; }); (m.proper || []).forEach(function (w) { PROPER[w] = 1; }); (m.pair_words || []).forEach(function (w) { pairWords[w] = 1; }); return m; });
      return metaPromise;
    }
    function keysOf(text, keepStop) {
      var out = [];
      tokens(text).forEach(function (raw) { var t = folded(raw); if (t && (keepStop || !stop[t])) out.push(keyOf(t, meta.k)); });
      return out;
    }
    // Each key's best documents (t<n>), and with `full` the rest of long lists too (x<n>); lists
    // come as [gap, weight, ...] and are returned as [doc, weight, ...].
    function postings(terms, full) {
      terms = terms.filter(function (t, i) { return terms.indexOf(t) === i; });
      var names = dict();
      terms.forEach(function (t) { names["t" + shardOf(placedTerm(t), meta.shards)] = 1; });
      return Promise.all(Object.keys(names).map(chunk)).then(function (parts) {
        var out = dict(), tails = dict(), counts = dict();
        parts.forEach(function (p, i) {
          var n = Object.keys(names)[i].slice(1);
          terms.forEach(function (t) {
            if (!p[t]) return;
            out[t] = undecode(p[t]);
            // A long list's document count is listed under "" (its tail is in x<n>).
            counts[t] = p[""] && p[""][t] ? p[""][t] : p[t].length / 2;
            if (full && p[""] && p[""][t]) tails["x" + n] = 1;
          });
        });
        return Promise.all(Object.keys(tails).map(chunk)).then(function (more) {
          more.forEach(function (p) { terms.forEach(function (t) { if (p[t]) out[t] = undecode(p[t], out[t]); }); });
          Object.keys(out).forEach(function (t) { weigh(t, out[t], counts[t]); });
          return out;
        });
      });
    }
    // A stored weight is a key's length-normalised weight in a document (static_index._postings),
    // without its idf, which is computed here from the key's document count: the BM25F score x 100.
    // Facet keys ("@...") keep their weights.
    function weigh(t, list, df) {
      if (t.charAt(0) === "@") return;
      var idf = idfOf(df);
      for (var i = 1; i < list.length; i += 2) list[i] = Math.max(1, Math.round(list[i] * idf));
      list.idf = idf;  // for a prefix's words, weighed as one term (rank)
    }
    function idfOf(df) { return Math.log(1 + (meta.n - df + 0.5) / (df + 0.5)) * 100 / meta.weight_scale; }
    function undecode(gaps, into) {
      var list = into ? into.slice() : [], doc = 0;
      for (var i = 0; i < gaps.length; i += 2) { doc += gaps[i]; list.push(doc, gaps[i + 1]); }
      return list;
    }
    // Long words' own keys (static_index.stem_key, lexicon_value): the lexicon of a word's prefix
    // key's terms file ("=") gives its French and English stems; the word is then searched by the
    // stem keys of each language ('~fr:informel', '~en:informel', '~ar:' the word itself, as the
    // API's analyser of each language stems it), a language whose stem is a short one by the
    // prefix key in that language's versions. Adds to `p` (postings) a list "=" + word for each
    // word the lexicon holds (their stem keys' postings read with `full`) -> Promise of {word: 1}.
    // `typed` ({word: 1}): the query's own words, which may also be found by their plural or singular.
    var STEM_LANGS = ["fr", "en"];
    function ownKeys(words, p, full, typed) {
      words = words.filter(function (w, i) { return words.indexOf(w) === i && !p["=" + w] && Array.from(w).length > meta.k && /^[a-z]+$/.test(w); });
      var names = dict();
      words.forEach(function (w) { names["t" + shardOf(keyOf(w, meta.k), meta.shards)] = 1; });
      return Promise.all(Object.keys(names).map(chunk)).then(function (parts) {
        var files = dict(), found = dict(), terms = [];
        Object.keys(names).forEach(function (n, i) { files[n] = parts[i]; });
        words.forEach(function (w) {
          var lex = files["t" + shardOf(keyOf(w, meta.k), meta.shards)]["="], v = lex ? lex[w] : undefined;
          // A word the collection holds only in its plural or singular ('entrepreneur' beside
          // 'entrepreneurs'): by that form's stems, which Snowball makes the same, not by the prefix
          // key ('entrep', also 'entreprises': 'auto entrepreneur' found 2 entries in the API, 14 offline).
          if (v === undefined && lex && typed && typed[w]) v = [w + "s", w + "es", /s$/.test(w) ? w.slice(0, -1) : ""].map(function (f) { return lex[f]; }).filter(function (x) { return x !== undefined; })[0];
          if (v === undefined) return;
          var by = dict();
          var short = dict();
          STEM_LANGS.forEach(function (lang, i) {
            var item = Array.isArray(v) ? v[i] : v, s = typeof item === "number" ? w.slice(0, item) : item, n = Array.from(s).length;
            by[lang] = "~" + lang + ":" + s;
            // A short stem: the words of that language's versions by a prefix key, the stem's
            // when it is one ('employer' -> 'emploi' in French), else the word's.
            if (n <= meta.k) short[lang] = n === meta.k ? s : keyOf(w, meta.k);
          });
          by.ar = "~ar:" + w;
          found[w] = { by: by, short: short };
          var wanted = Object.keys(by).map(function (l) { return by[l]; }).concat(Object.keys(short).map(function (l) { return short[l]; }));
          wanted.concat([keyOf(w, meta.k)]).forEach(function (k) {
            if (terms.indexOf(k) < 0 && !p[k]) terms.push(k);
          });
        });
        return postings(terms, full).then(function (lists) {
          Object.keys(found).forEach(function (w) {
            var by = found[w].by, short = found[w].short, held = dict(), prefix = p[keyOf(w, meta.k)] || lists[keyOf(w, meta.k)] || [];
            function listOf(k) { return p[k] || lists[k] || []; }
            function put(list, slot) {
              for (var i = 0; i < list.length; i += 2) {
                if (slot === undefined || list[i] % meta.slots === slot) held[list[i]] = held[list[i]] || list[i + 1];
              }
            }
            // A stem key holds the words stemmed in its language: a version's own text and the
            // labels of every version. A short stem's key holds only labels' words: the prefix
            // key stands for the words of that language's versions.
            meta.langs.forEach(function (lang) { put(lists[by[lang]] || []); });
            var byStems = Object.keys(held);  // without the prefix keys of short stems (a country word's, search)
            meta.langs.forEach(function (lang, slot) { if (short[lang]) put(listOf(short[lang]), slot); });
            // The stem keys say which versions hold the word; the prefix key's weights rank them,
            // as before (measured: the stem keys' own weights lost 'stats Morocco' 0.813 -> 0.505
            // and 'return migrants survey' 0.829 -> 0.715 in nDCG@10), a version without it by
            // its stem key's weight.
            var weight = dict(), out = [];
            for (var i = 0; i < prefix.length; i += 2) weight[prefix[i]] = prefix[i + 1];
            Object.keys(held).map(Number).sort(function (a, b) { return a - b; }).forEach(function (d) { out.push(d, weight[d] || held[d]); });
            p["=" + w] = out;
            p["~=" + w] = byStems.map(Number).sort(function (a, b) { return a - b; }).reduce(function (l, d) { l.push(d, weight[d] || held[d]); return l; }, []);
          });
          return found;
        });
      });
    }
    // Glossary concepts and acronyms named in the query: mirrors tools/search/glossary.expand().
    function expand(words) {
      var keys = words.map(folded), found = [], i = 0;
      while (i < keys.length) {
        for (var n = Math.min(8, keys.length - i); n > 0; n--) {
          var typed = words.slice(i, i + n).join(" "), k = keys.slice(i, i + n).join(" ");
          var hit = meta.phrases[k];
          if (!hit && !stop[keys[i]] && !stop[keys[i + n - 1]]) {
            var st = keysOf(typed);
            if (st.length > 1) hit = meta.phrases["~" + st.join(" ")];
          }
          if (!hit) continue;
          var concept = meta.concepts[hit[0]], acronym = hit[1] === 1;
          if (acronym && n === 1 && typed.length <= 3 && typed !== typed.toUpperCase()) continue;
          // A name that is the typed one inflected ('return migrant' for 'return migrants') has
          // the typed words' keys: not searched again (query._same_name).
          var typedKeys = keysOf(typed).join(" ");
          var added = concept.names.filter(function (nm) {
            return !(acronym && concept.acronyms.indexOf(nm[0]) >= 0) && tokens(nm[0]).map(folded).join(" ") !== k &&
              nm[1].join(" ") !== typedKeys;
          });
          // A name typed again is found once (glossary.expand).
          if (!found.some(function (f) { return f.concept === concept.id && f.k === k; }))
            found.push({ kind: "glossary", concept: concept.id, matched: typed, added: added, typed: Math.max(1, keysOf(typed).length), k: k });
          i += n - 1;
          break;
        }
        i++;
      }
      return found;
    }
    // Countries named in the query: [{code, words: [folded words]}], mirrors query.countries_named;
    // the words of a name holding a country's name but naming a region (meta.not_countries:
    // 'المغرب العربي') name none, nor a misspelt one (regionWords, read by nearCountry's caller).
    var notCountries = null, notCountriesLongest = 0, regionWords = dict(), questionWords = null;
    function regionAt(keys, i) {
      if (!notCountries) {
        notCountries = dict();
        (meta.not_countries || []).forEach(function (n) { notCountries[n] = 1; notCountriesLongest = Math.max(notCountriesLongest, n.split(" ").length); });
      }
      var firsts = arabicVariants(keys[i]);
      for (var n = Math.min(notCountriesLongest, keys.length - i); n > 0; n--) {
        var chunk = keys.slice(i, i + n);
        if (n > 1 && notCountries[chunk.map(function (w) { return keyOf(w, meta.k); }).join(" ")]) return n;
        var rest = chunk.slice(1);
        // Its first word with or without an Arabic clitic ('والمغاربية'), as query._region_at.
        if (firsts.some(function (v) { return notCountries[[v].concat(rest).join(" ")]; })) return n;
      }
      return 0;
    }
    function countriesNamed(words) {
      var keys = words.map(folded), found = [], i = 0;
      regionWords = dict();
      while (i < keys.length) {
        var skip = regionAt(keys, i);
        if (skip) { keys.slice(i, i + skip).forEach(function (w) { regionWords[w] = 1; }); i += skip; continue; }
        for (var n = 3; n > 0; n--) {
          if (i + n > keys.length) continue;
          var chunkWords = keys.slice(i, i + n);
          var code = meta.countries[chunkWords.join(" ")] ||
            meta.countries[chunkWords.map(function (w) { return keyOf(w, meta.k); }).join(" ")];
          if (code && (n > 1 || chunkWords[0].length > 2)) {
            if (!found.some(function (f) { return f.code === code; })) found.push({ code: code, words: chunkWords });
            i += n - 1;
            break;
          }
        }
        i++;
      }
      return found;
    }
    // What the query asks for, as query.build's units: each glossary concept named, each country
    // named outside a concept, each other meaningful token (a compound as one). An entry covers a
    // unit when it holds one of `keys`, all the keys of one of `groups` (a concept's other name, a
    // compound's parts) or, for a country, is about `country`.
    function unitsOf(q, expansions, countries, fixes, held) {
      held = held || dict();
      var fixKey = dict();
      (fixes || []).forEach(function (f) { fixKey[f.word] = f.key; });
      var units = [], claimed = dict();
      expansions.forEach(function (x) {
        // A name of several words counts as a phrase (its phrase key), as the API's phrase query.
        units.push({ keys: keysOf(x.matched), groups: x.added.map(function (nm) { return nm[1].length > 1 ? [phraseKey(nm[1])] : nm[1]; })
          .filter(function (g) { return g.length; }) });
        tokens(x.matched).forEach(function (w) { claimed[folded(w)] = 1; });
      });
      countries.forEach(function (c) {
        if (c.words.every(function (w) { return claimed[w]; })) return;
        var ckeys = c.words.filter(function (w) { return w && !stop[w]; }).map(function (w) { return held[w] ? held[w][0] : keyOf(w, meta.k); });
        units.push({ keys: ckeys, groups: c.groups || [], country: c.code });
        c.words.forEach(function (w) { claimed[w] = 1; });
      });
      var ops = dict();
      meta.operators.forEach(function (o) { ops[o] = 1; });
      compoundTokens(q).slice(0, meta.max_query_terms || 32).forEach(function (raw) {
        if (ops[raw]) return;
        var pieces = compoundParts(raw).map(folded);
        if (!pieces.some(function (p) { return meaningful(p, stop); }) || pieces.every(function (p) { return claimed[p]; })) return;
        var whole = pieces.join("");
        var unit = { keys: pieces.length === 1 && held[pieces[0]] ? held[pieces[0]].slice() : [pieces.length > 1 ? compoundKey(pieces, meta.k, stop) : keyOf(folded(raw), meta.k)], groups: [] };
        if (pieces.length > 1 && held[whole]) unit.keys = unit.keys.concat(held[whole]);  // the compound joined (search's ownKeys)
        if (pieces.length === 1 && fixKey[pieces[0]]) unit.keys.push(fixKey[pieces[0]]);
        // A compound's parts apart do not cover it: the API's phrase of the parts matches where they
        // follow each other, which the static index knows as the compound and as its parts' pair
        // keys where both are glossary words' (compoundHolders).
        if (pieces.length > 1 && pieces.every(function (x) { return meaningful(x, stop); })) {
          unit.inRow = pieces.map(function (x) { return keyOf(x, meta.k); });
        }
        units.push(unit);
        claimed[pieces.length > 1 ? whole : folded(raw)] = 1;
      });
      return units;
    }
    // The query's keys with each agent noun's prefix key replaced by its keys in `held` ({folded
    // word: [agent key, "!" + prefix key]}); a prefix key that another word of the query gives stays.
    function agentKeys(q, qkeys, held) {
      if (!Object.keys(held).length) return qkeys;
      var plainKeys = dict(), replaced = dict(), out = [];
      compoundTokens(q).forEach(function (raw) {
        var pieces = compoundParts(raw).map(folded);
        if (pieces.length > 1 || !held[pieces[0]]) plainKeys[pieces.length > 1 ? compoundKey(pieces, meta.k, stop) : keyOf(pieces[0], meta.k)] = 1;
      });
      Object.keys(held).forEach(function (w) { var k = keyOf(w, meta.k); if (!plainKeys[k]) replaced[k] = 1; });
      qkeys.forEach(function (k) { if (!replaced[k]) out.push(k); });
      Object.keys(held).forEach(function (w) {
        held[w].forEach(function (k) { if (out.indexOf(k) < 0 && !(k.charAt(0) === "!" && plainKeys[k.slice(1)])) out.push(k); });
      });
      return out;
    }
    function keepNeeded(units) { return Math.ceil(units * meta.floor.keep); }
    function strongNeeded(units) { return units <= meta.floor.strong_all ? units : Math.ceil(units * meta.floor.strong_share); }

    // A misspelt country name (query.countries_named, fuzzy_limit, _near_country): a word longer
    // than six letters, within the allowed edit distance of one country's one-word name only.
    // Stop and glossary words are skipped here; real words (unless typed as a name) once the
    // real-word filter is read (countryRepairs), as the API skips the words of its word lists.
    function nearCountry(word) {
      var len = Array.from(word).length, limits = meta.fuzzy_limits || [];
      var limit = limits[Math.min(len, limits.length - 1)] || 0;
      if (!limit || stop[word] || meta.phrases[word] || meta.countries[word]) return null;
      var best = [];
      Object.keys(meta.fuzzy || dict()).forEach(function (name) {
        var d = editDistance(word, name, limit);
        if (d <= limit) best.push([d, name, meta.fuzzy[name]]);
      });
      best.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : 1); });
      if (best.length && (best.length === 1 || best[1][0] > best[0][0] || best[1][2] === best[0][2])) return best[0][2];
      return null;
    }

    // query.build's rule for the countries a query names (`named`, countriesNamed; `near`, the
    // near misses of nearCountry), once the query's postings `p` are read: a near miss that is a
    // real word (the filter: word lists, glossary, country names) names no country, unless typed
    // with a capital ('Mauretania': the lists are lower-cased and hold names; 'franchise' is not
    // France), as query.countries_named; a country whose typed words the index does not hold as
    // written (inIndex, the API's neutral words: 'Tunesia', 'marocaine') is also searched by its
    // names, in every language, at the spelling weight (`repaired`, their postings added to `p`).
    // A near miss the index holds still names its country, without the repair.
    // -> Promise of {countries: named then near misses, repaired}.
    function countryRepairs(named, near, p, full) {
      var spell = meta.spell;
      function real(f) {
        var n = Array.from(f.words[0]).length;
        if (!spell || n > spell.max_chars || typedName(f.typed)) return Promise.resolve(false);
        return realWord(f.words[0]);
      }
      function held(c) {
        var ws = c.words.filter(function (w) { return meaningful(w, stop); }), known = meta.country_held || dict();
        // A word of a country's names: from meta (no file read); another (a near miss), from v<n>.
        function one(w) { return known[w] !== undefined ? Promise.resolve(known[w] === 1) : inIndex(w); }
        return spell ? Promise.all(ws.map(one)).then(function (h) { return h.every(Boolean); }) : Promise.resolve(true);
      }
      return Promise.all(near.map(real)).then(function (reals) {
        var all = named.concat(near.filter(function (f, i) { return !reals[i]; }));
        return Promise.all(all.map(held)).then(function (hs) {
          var repaired = all.filter(function (c, i) { return !hs[i]; }), more = [];
          repaired.forEach(function (c) {
            c.groups = meta.country_names[c.code] || [];
            c.groups.forEach(function (ks) { ks.forEach(function (k) { if (!p[k] && more.indexOf(k) < 0) more.push(k); }); });
          });
          return postings(more, full).then(function (lists) {
            Object.keys(lists).forEach(function (k) { p[k] = lists[k]; });
            return { countries: all, repaired: repaired };
          });
        });
      });
    }
    // Mirrors query.typed_name(): a word typed with a capital first letter.
    function typedName(raw) {
      var first = Array.from(raw || "")[0] || "";
      return first !== first.toLowerCase() && first === first.toUpperCase();
    }

    // ---- spelling repair: query.build's rule with the static index's data (meta.spell) --------
    // A word of min_chars to max_chars letters that is not a real word (the word lists, glossary
    // and country names: a Bloom filter, one block file per word) nor a word of the index (its
    // first-letter-and-length group, v<n> files) is repaired, for at most max_words such words,
    // when the repair is confident: the index word at Levenshtein distance 1 found in the most
    // entries, or the only one at distance 2 for a word of seven letters or more; same first
    // letter. Unlike the API, only candidates of the same first letter are compared (the API
    // compares all, then refuses a best one of another first letter): no other file is read.
    var bloomBlocks = dict();
    function realWord(word) {
      var spell = meta.spell, at = bloomBits(word, spell);
      return chunk("r" + at.block).then(function (text) {
        var bits = bloomBlocks[at.block] || (bloomBlocks[at.block] = decodeBase64(text));
        return at.bits.every(function (b) { return bits[b >> 3] & (1 << (b & 7)); });
      });
    }
    function groupWords(first, lengths) {
      var spell = meta.spell, names = dict();
      lengths.forEach(function (n) { names["v" + shardOf(first + ":" + n, spell.vshards)] = 1; });
      // A shard no group fell into is not written (static_index._full): no words there.
      return Promise.all(Object.keys(names).map(function (name) { return chunk(name).catch(function () { return dict(); }); })).then(function (parts) {
        var out = [];
        lengths.forEach(function (n) {
          parts.forEach(function (p) {
            var list = p[first + ":" + n] || [];
            for (var i = 0; i < list.length; i += 2) out.push([list[i], list[i + 1]]);
          });
        });
        return out;
      });
    }
    function repairOf(word, candidates) {
      var len = Array.from(word).length, limit = len >= 7 ? 2 : 1, near = [];
      candidates.forEach(function (c) {
        if (c[0] === word || !meaningful(c[0], stop)) return;
        var d = editDistance(word, c[0], limit, true);
        if (d <= limit) near.push([d, -c[1], c[0]]);
      });
      near.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
      if (!near.length) return null;
      return near[0][0] === 1 || near.length === 1 ? near[0][2] : null;
    }
    // The index words a word typed with '*' stands for (engine.SearchIndex._prefix_words): the
    // spelling words (the API's neutral terms) starting with the prefix, the max_prefix_words held
    // by the most documents, ties in alphabetical order.
    function prefixWords(prefix) {
      var spell = meta.spell;
      if (!spell) return Promise.resolve([]);
      var lengths = [];
      for (var n = Array.from(prefix).length; n <= spell.max_chars + 2; n++) lengths.push(n);
      return groupWords(Array.from(prefix)[0], lengths).then(function (list) {
        return list.filter(function (c) { return c[0].indexOf(prefix) === 0 && meaningful(c[0], stop); })
          .sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); })
          .slice(0, meta.max_prefix_words || 10).map(function (c) { return c[0]; });
      });
    }
    function inIndex(word) {
      return groupWords(Array.from(word)[0], [Array.from(word).length]).then(function (list) {
        return list.some(function (c) { return c[0] === word; });
      });
    }
    // {text, joined: [[two words as typed, the word joined]]}: query.join_fragments, two
    // neighbouring words (only spaces or zero-width spaces between), not both known words (real
    // words, index words; a word of more than max_chars letters counts as known), joined when
    // the whole is an index word. The filter's blocks are read first: two real words read nothing else.
    function joinFragments(q) {
      var spell = meta.spell, none = { text: q, joined: [] };
      if (!spell) return Promise.resolve(none);
      var ops = dict(), found = [], re = new RegExp(TOKEN.source, "gu"), m;
      meta.operators.forEach(function (o) { ops[o] = 1; });
      while ((m = re.exec(q)) && found.length < (meta.max_query_terms || 32)) {
        if (!ops[m[0]]) found.push({ raw: m[0], start: m.index, end: m.index + m[0].length });
      }
      var pairs = [];
      for (var i = 0; i + 1 < found.length; i++) {
        var a = found[i], b = found[i + 1], between = q.slice(a.end, b.start);
        var wa = folded(a.raw), wb = normalize(b.raw);
        if (!between || between.replace(/\u200b/g, " ").trim() || !wa || !wb || /^\p{Nd}+$/u.test(wa) || /^\p{Nd}+$/u.test(wb)) continue;
        pairs.push({ i: i, a: a, b: b, wa: wa, wb: wb });
      }
      if (!pairs.length) return Promise.resolve(none);
      function real(w) {
        var n = Array.from(w).length;
        // The filter holds words from one letter (static_index.REAL_MIN_CHARS), as the API's
        // word lists: a short fragment ('cho' of 'chô\u200bmage') is no known word there either.
        return n > spell.max_chars ? Promise.resolve(true) : realWord(w);
      }
      return Promise.all(pairs.map(function (p) { return Promise.all([real(p.wa), real(p.wb)]); })).then(function (reals) {
        var cand = pairs.filter(function (p, k) { p.real = reals[k]; return !(reals[k][0] && reals[k][1]); });
        return Promise.all(cand.map(function (p) {
          return Promise.all([inIndex(p.wa + p.wb), p.real[0] || inIndex(p.wa), p.real[1] || inIndex(p.wb)]);
        })).then(function (checks) {
          var out = "", last = 0, joined = [], skip = -1;
          cand.forEach(function (p, k) {
            var c = checks[k];
            if (p.i <= skip || !c[0] || (c[1] && c[2])) return;
            out += q.slice(last, p.a.start) + p.a.raw + p.b.raw;
            joined.push([p.a.raw + " " + p.b.raw, p.wa + p.wb]);
            last = p.b.end;
            skip = p.i + 1;
          });
          return joined.length ? { text: out + q.slice(last), joined: joined } : none;
        });
      });
    }
    // [{raw, word, fix}] for the query's tokens (as unitsOf cuts them) that are repaired.
    function spellRepairs(q, claimed) {
      var spell = meta.spell;
      if (!spell) return Promise.resolve([]);
      var ops = dict(), todo = [];
      meta.operators.forEach(function (o) { ops[o] = 1; });
      compoundTokens(q).slice(0, meta.max_query_terms || 32).forEach(function (raw) {
        if (ops[raw]) return;
        var pieces = compoundParts(raw).map(folded);
        // A compound is left as typed (the API repairs it whole; rare in queries).
        if (pieces.length > 1 || !meaningful(pieces[0], stop) || claimed[pieces[0]]) return;
        var w = pieces[0], len = Array.from(w).length;
        if (len < spell.min_chars || len > spell.max_chars || /^[\p{Nd}.]+$/u.test(w)) return;
        if (meta.countries[w] || meta.phrases[w] || (meta.fuzzy || dict())[w]) return;
        if (typedAcronym(raw)) return;
        todo.push({ raw: raw, word: w, len: len });
      });
      // A word is real when it or its form without a leading clitic is, as the API's known() reads
      // the word lists and the countries' and regions' words (query._arabic_variants):
      // 'والمغاربية' ('and Maghrebi') is not a misspelt 'والمغاربه' ('and the Moroccans').
      return Promise.all(todo.map(function (t) {
        return Promise.all(arabicVariants(t.word).map(realWord)).then(function (r) { return r.some(Boolean); });
      })).then(function (real) {
        var unknown = todo.filter(function (t, i) { return !real[i]; });
        return Promise.all(unknown.map(function (t) {
          var lengths = [];
          for (var n = Math.max(1, t.len - 2); n <= t.len + 2; n++) lengths.push(n);
          return groupWords(Array.from(t.word)[0], lengths);
        })).then(function (groups) {
          var left = spell.max_words, out = [];
          unknown.forEach(function (t, i) {
            if (groups[i].some(function (c) { return c[0] === t.word; }) || left <= 0) return;
            left--;
            var fix = repairOf(t.word, groups[i]);
            if (fix && Array.from(fix)[0] === Array.from(t.word)[0]) out.push({ raw: t.raw, word: t.word, fix: fix });
          });
          return out;
        });
      });
    }

    // ---- query syntax (parseSyntax): what the API's parsed query matches, from the postings `p`.
    // A word's keys are those the plain search gives it (a compound its compound key, `held`: an
    // agent noun's or country word's own keys); a phrase by all its words in the entry, each
    // two in a row (pair keys, phrasePairs: the static index has no positions). Returns {doc: score} (scores summed, as Whoosh's
    // And and Or do) or null for a part with nothing to search (stop words: Whoosh drops it);
    // `universe`: [doc] of every document, for a NOT with nothing before it (Every).
    function syntaxKeys(raw, held) {
      var out = [];
      compoundTokens(raw).forEach(function (tok) {
        var pieces = compoundParts(tok).map(folded);
        if (!pieces.some(function (x) { return meaningful(x, stop); })) return;
        var ks = pieces.length > 1 ? [compoundKey(pieces, meta.k, stop)] : held[pieces[0]] || [keyOf(pieces[0], meta.k)];
        ks.forEach(function (k) { if (out.indexOf(k) < 0) out.push(k); });
      });
      return out;
    }
    function syntaxMatches(tree, p, held, universe) {
      function docsOf(keys) {
        var out = dict();
        keys.forEach(function (k) { var list = p[k] || []; for (var i = 0; i < list.length; i += 2) out[list[i]] = (out[list[i]] || 0) + list[i + 1]; });
        return out;
      }
      function every() { var out = dict(); (universe || []).forEach(function (d) { out[d] = 1; }); return out; }
      function union(list) {
        var out = dict();
        list.forEach(function (m) { Object.keys(m).forEach(function (d) { out[d] = (out[d] || 0) + m[d]; }); });
        return out;
      }
      function both(a, b) {
        var out = dict();
        Object.keys(a).forEach(function (d) { if (b[d] !== undefined) out[d] = a[d] + b[d]; });
        return out;
      }
      function minus(a, b) {
        var out = dict();
        Object.keys(a).forEach(function (d) { if (b[d] === undefined) out[d] = a[d]; });
        return out;
      }
      function run(t) {
        if (t.op === "word") { var ks = syntaxKeys(t.raw, held); return ks.length ? docsOf(ks) : null; }
        if (t.op === "phrase") {
          var words = t.raws.map(function (r) { return syntaxKeys(r, held); }).filter(function (ks) { return ks.length; });
          if (!words.length) return null;
          // Its words in a row: each two of them a pair key of the entry (static_index.pair_keys).
          var found = words.map(docsOf).reduce(both), pairs = phrasePairs(t.raws);
          if (!pairs.length) return found;
          var inRow = holdingAll(p, pairs);
          return minus(found, minus(found, inRow));
        }
        var subs = t.subs.map(run);
        if (t.op === "not") return subs[0] ? { not: subs[0] } : null;
        if (t.op === "andnot" || t.op === "andmaybe") {
          var a = subs[0] && subs[0].not ? minus(every(), subs[0].not) : subs[0], b = subs[1] && subs[1].not ? null : subs[1];
          if (!a || !b) return a;
          if (t.op === "andnot") return minus(a, b);
          var out = dict();
          Object.keys(a).forEach(function (d) { out[d] = a[d] + (b[d] || 0); });
          return out;
        }
        subs = subs.filter(Boolean);
        if (!subs.length) return null;
        var nots = subs.filter(function (m) { return m.not; }).map(function (m) { return m.not; });
        var rest = subs.filter(function (m) { return !m.not; });
        // query.exclusions(): 'a NOT b' is a excluding b (an OR holding a NOT); an AND skips it.
        var base = !rest.length ? every() : t.op === "and" ? rest.reduce(both) : union(rest);
        return nots.length ? minus(base, union(nots)) : base;
      }
      var found = run(tree);
      return found && found.not ? minus(every(), found.not) : found;
    }

    // The syntax of a query (query.build with operators or quotes): {tree (null without syntax),
    // negated: {folded word: 1} of the words under NOT or after ANDNOT, isNegated(folded words),
    // expansions: those of words not negated, dropped: those of negated words (excluded under all
    // their names), positive: the query's tokens not negated (its units), parts: their compounds'
    // parts, negative: whether anything is excluded}.
    function syntaxPlan(q, words, expansions, plan) {
      var ops = dict(), negated = dict();
      meta.operators.forEach(function (o) { ops[o] = 1; });
      function isNegated(ws) {
        ws = ws.filter(function (w) { return meaningful(w, stop); });
        return ws.length > 0 && ws.every(function (w) { return negated[w]; });
      }
      if (q.indexOf('"') < 0 && !words.some(function (w) { return ops[w]; })) {
        return { tree: null, negated: negated, isNegated: isNegated, expansions: expansions, dropped: [], positive: q, parts: plan.parts, negative: false };
      }
      var tree = parseSyntax(q, meta.operators), excl = excludedOf(tree);
      excl.forEach(function (t) { leafWords(t).forEach(function (r) { tokens(r).forEach(function (w) { negated[folded(w)] = 1; }); }); });
      var kept = [], dropped = [];
      expansions.forEach(function (x) { (isNegated(tokens(x.matched).map(folded)) ? dropped : kept).push(x); });
      var positive = compoundTokens(q).filter(function (raw) { return !ops[raw] && !isNegated(compoundParts(raw).map(folded)); }).join(" ");
      var parts = queryPlan(positive, { stop: stop, operators: meta.operators, k: meta.k, maxTerms: meta.max_query_terms }).parts;
      return { tree: tree, excluded: excl, negated: negated, isNegated: isNegated, expansions: kept, dropped: dropped, positive: positive, parts: parts, negative: excl.length > 0 };
    }
    // {doc: 1} of what the query excludes: every version of an entry one of whose versions
    // matches a part under NOT or after ANDNOT, or another name of a concept named there (as
    // phrases, query.build). An entry is shown once: a version that lacks the word (a translation
    // without it) does not bring it back (engine.SearchIndex._score, the same rule).
    function syntaxExcluded(syn, p, held) {
      var hit = dict(), out = dict();
      syn.excluded.forEach(function (t) { Object.keys(syntaxMatches(t, p, held, []) || dict()).forEach(function (d) { hit[d] = 1; }); });
      syn.dropped.forEach(function (x) {
        x.added.forEach(function (nm) {
          var list = nm[1].length > 1 ? p[phraseKey(nm[1])] || [] : nm[1].length ? p[nm[1][0]] || [] : [];
          for (var i = 0; i < list.length; i += 2) hit[list[i]] = 1;
        });
      });
      Object.keys(hit).forEach(function (d) {
        var first = Math.floor(+d / meta.slots) * meta.slots;
        for (var s = 0; s < meta.slots; s++) out[first + s] = 1;
      });
      return out;
    }

    // {doc: 1} of the documents holding a compound whose parts' keys are `ks` (its key: the parts'
    // keys joined by a hyphen, compoundKey): where the API's phrase of the parts matches. Parts
    // anywhere in an entry made 'travail-migration' find 54 entries offline, 2 in the API.
    // Or all its parts, each two in a row (static_index.pair_keys, stop words between them left
    // out), when every two parts in a row are glossary or country words, which have pair keys.
    // Other parts are not known to follow each other: only the compound itself counts, as the
    // API's phrase of the parts finds nothing where they are apart ('cross-border' found 2
    // entries holding 'cross' and 'border' anywhere, the API none; both now offer "cross border").
    function compoundHolders(p, ks) {
      var out = dict(), list = p[ks.join("-")] || [], pairs = compoundPairs(ks);
      for (var i = 0; i < list.length; i += 2) out[list[i]] = 1;
      return pairs.length < ks.length - 1 ? out : holdingAll(p, ks.concat(pairs), out);
    }
    // `into` ({doc: 1}, a new one when not given) with the documents holding every key of `keys`.
    function holdingAll(p, keys, into) {
      var count = dict(), distinct = keys.filter(function (k, n) { return keys.indexOf(k) === n; });
      into = into || dict();
      distinct.forEach(function (k) {
        var list = p[k] || [];
        for (var i = 0; i < list.length; i += 2) count[list[i]] = (count[list[i]] || 0) + 1;
      });
      Object.keys(count).forEach(function (doc) { if (count[doc] === distinct.length) into[doc] = 1; });
      return into;
    }
    // The pair keys of a quoted phrase's words (`raws`): those of its meaningful words' keys.
    function phrasePairs(raws) {
      return compoundPairs(raws.map(folded).filter(function (w) { return meaningful(w, stop); }).map(function (w) { return keyOf(w, meta.k); }));
    }
    // The pair keys of a compound's parts' keys: those of each two parts in a row, both the keys of
    // glossary words (meta.pair_words, static_index.pair_words: the index has no other pairs).
    function compoundPairs(ks) {
      var out = [];
      for (var i = 0; i + 1 < ks.length; i++) if (pairWords[ks[i]] && pairWords[ks[i + 1]]) out.push(pairKey(ks[i], ks[i + 1]));
      return out;
    }

    // ---- "did you mean": engine.SearchIndex._did_you_mean's rule with the static index's data.
    // Asked when the answer is poor (fewer than 3 entries, a spelling repair, or no strong match):
    // each word of more than three letters that the index does not hold (v<n> files), not a number
    // nor a short form, is replaced by its nearest index word within suggestionLimit (Levenshtein;
    // the most frequent first, then alphabetical); a real word of the languages (the filter) only
    // by a word of the same start. The words of the same first letter are compared first (its
    // groups); when none is at distance 1, a few more groups are read, as the API compares every
    // word: those of the same second letter (a wrong first letter: 'eichier' -> 'fichier'), those
    // whose second letter is the word's first (a first letter left out: 'ichier') and those whose
    // first letter is the word's second (one added before it, or the two swapped). At most
    // 3 x (2 x limit - 1) groups more (static_index.spelling_groups), never the whole vocabulary.
    // null when no word changes.
    var SUGGEST = { share: 7, max: 2, arabicTwoFrom: 9, acronymMax: 6 };
    function suggestionLimit(word, real, raw) {
      if (/\p{Nd}/u.test(word) || (raw && typedAcronym(raw))) return 0;
      var arabic = ARABIC.test(word), n = Array.from(arabic ? arabicPrefixStrip(word) : word).length;
      if (real) return Math.min(SUGGEST.max, Math.floor(n / SUGGEST.share));
      if (arabic) return n < SUGGEST.arabicTwoFrom ? 1 : SUGGEST.max;
      return n <= 4 ? 1 : SUGGEST.max;
    }
    function didYouMean(q, answer, fragments) {
      if (!meta.spell || !(answer.total < 3 || answer.expansions.some(function (e) { return e.kind === "spelling"; }) ||
          !(answer.strong && answer.total))) return Promise.resolve(null);
      var ops = dict();
      meta.operators.forEach(function (o) { ops[o] = 1; });
      var raws = tokens(q).slice(0, meta.max_query_terms || 32);
      return Promise.all(raws.map(function (raw) {
        var w = folded(raw), len = Array.from(w).length;
        if (ops[raw] || len <= 3 || !meaningful(w, stop) || /^[\p{Nd}.]+$/u.test(w) || (meta.short_forms || dict())[w] ||
            (fragments && fragments[w])) return null;
        var first = Array.from(w)[0];
        // Known to the index by its key or as written (the API: a stem, or the neutral field); the
        // key's terms file is read already (the query's): a word it holds reads no other file.
        return postings([keyOf(w, meta.k)], false).then(function (p) {
          return (p[keyOf(w, meta.k)] || []).length > 0 || inIndex(w);
        }).then(function (held) {
          if (held) return null;
          return realWord(w).then(function (real) {
            var limit = suggestionLimit(w, real, raw);
            if (!limit) return null;
            var lengths = [];
            for (var n = Math.max(1, len - limit); n <= len + limit; n++) lengths.push(n);
            var near = [], seen = dict();
            function compare(list) {
              list.forEach(function (c) {
                if (c[0] === w || seen[c[0]] || !meaningful(c[0], stop)) return;
                seen[c[0]] = 1;
                if (real && Array.from(arabicPrefixStrip(c[0]))[0] !== Array.from(arabicPrefixStrip(w))[0]) return;
                var d = editDistance(w, c[0], limit, true);
                if (d <= limit) near.push([d, -c[1], c[0]]);
              });
            }
            return groupWords(first, lengths).then(compare).then(function () {
              // A real word is only respelt from its own start: the other groups cannot hold one.
              if (real || near.some(function (x) { return x[0] <= 1; })) return;
              // Each shape leaves limit - 1 edits for the rest of the word: lengths around len for a
              // wrong first letter, len + 1 for one left out, len - 1 for one added (or two swapped).
              var second = Array.from(w)[1];
              function around(n) {
                var out = [];
                for (var m = Math.max(1, n - limit + 1); m <= n + limit - 1; m++) out.push(m);
                return out;
              }
              return Promise.all([groupWords("~" + second, around(len)), groupWords("~" + first, around(len + 1)),
                groupWords(second, around(len - 1))]).then(function (lists) { lists.forEach(compare); });
            }).then(function () {
              near.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
              if (near.length || real) return near.length ? near[0][2] : null;
              // No index word near: a country's name or demonym may be (query.near_country_spelling).
              var best = null, start = Array.from(arabicPrefixStrip(w))[0];
              (meta.country_spellings || []).forEach(function (c) {
                if (c === w || Array.from(arabicPrefixStrip(c))[0] !== start) return;
                var d = editDistance(w, c, limit, true);
                if (d <= limit && (!best || d < best[0])) best = [d, c];
              });
              return best ? best[1] : null;
            });
          });
        });
      })).then(function (fixes) {
        var changed = fixes.some(Boolean);
        if (changed) return raws.map(function (raw, i) { return ops[raw] ? raw : fixes[i] || folded(raw); }).join(" ");
        return answer.total ? null : apart(q, raws, ops);
      });
    }
    // Mirrors engine.SearchIndex._apart: a query that found nothing, with a compound of meaningful
    // parts that the index holds each ('auto-entrepreneur'), is offered its words apart
    // ('auto entrepreneur'); a part is held as didYouMean tells (its key's postings, or an index word).
    function apart(q, raws, ops) {
      var compounds = compoundTokens(q).slice(0, meta.max_query_terms || 32).map(function (raw) { return compoundParts(raw).map(folded); })
        .filter(function (parts) { return parts.length > 1 && parts.every(function (x) { return meaningful(x, stop); }); });
      if (!compounds.length) return Promise.resolve(null);
      return Promise.all(compounds.map(function (parts) {
        return postings(parts.map(function (x) { return keyOf(x, meta.k); }), false).then(function (p) {
          return Promise.all(parts.map(function (x) { return (p[keyOf(x, meta.k)] || []).length > 0 || inIndex(x); }));
        }).then(function (held) { return held.every(Boolean); });
      })).then(function (ok) {
        return ok.some(Boolean) ? raws.map(function (raw) { return ops[raw] ? raw : folded(raw); }).join(" ") : null;
      });
    }

    var FACET_KEYS = { country: "@c:", type: "@type:", theme: "@theme:", data_source: "@ds:", lang: "@lang:" };

    // Mirrors tools.web.api.parse_filters and tools.site.facets.Facet.clean/accepts, with the
    // accepted values of filters.js (static_index.filter_table): {facet: [values]} as typed in an
    // address ('?country=ma,TN&country=dz') -> Promise of {filters: {facet: [clean values]}} or
    // {code, error}: 'unknown_parameter' (a facet the API does not take), 'too_many_filters',
    // 'unknown_filter_value'. Values are split at commas and trimmed, country codes upper-cased,
    // others lower-cased, repeats dropped, empty ones skipped.
    function checkFilters(filters) {
      var names = Object.keys(filters || {}).filter(function (f) { return [].concat(filters[f] || []).length; });
      if (!names.length) return Promise.resolve({ filters: dict() });
      return chunk("filters").then(function (table) {
        var out = dict(), count = 0;
        for (var i = 0; i < names.length; i++) {
          var f = names[i], spec = table.facets[f];
          if (!spec || !FACET_KEYS[f]) return { code: "unknown_parameter", error: "unknown parameter '" + String(f).slice(0, 40) + "'" };
          if (!spec.known) { spec.known = dict(); spec.values.forEach(function (v) { spec.known[v] = 1; }); }
          var raws = [].concat(filters[f]);
          for (var j = 0; j < raws.length; j++) {
            var parts = String(raws[j]).split(",");
            for (var k = 0; k < parts.length; k++) {
              var v = parts[k].trim();
              v = spec.upper ? v.toUpperCase() : v.toLowerCase();
              if (!v) continue;
              if (++count > table.max) return { code: "too_many_filters", error: "too many filter values: at most " + table.max };
              if (!spec.known[v]) return { code: "unknown_filter_value", error: "unknown " + f + " '" + parts[k].trim().slice(0, 40) + "'" };
              out[f] = out[f] || [];
              if (out[f].indexOf(v) < 0) out[f].push(v);
            }
          }
        }
        return { filters: out };
      });
    }

    // engine.shown_language: the interface's version, except for a query in Arabic letters on
    // another interface (its reader reads Arabic: the best-matching version).
    function shownLanguage(q, prefer) {
      return prefer && prefer !== "ar" && ARABIC.test(normalize(q)) ? null : prefer;
    }

    function search(q, opts) {
      opts = opts || {};
      var filters = opts.filters || {}, page = opts.page || 1, size = opts.pageSize || 10;
      return ready().then(function () {
        q = String(q || "");
        // Counted before trimming, in code points, as the API counts (engine.SearchIndex.check).
        var length = Array.from(q).length, max = meta.max_query_chars;
        // The API's limits and answers (tools.search.engine): a query too long is refused, one
        // with nothing to search (symbols, emoji, single letters, stop words) finds nothing.
        if (max && length > max) {
          return { ok: false, static: true, error: "query is " + length + " characters long: refused, at most " + max + " are accepted",
            too_long: max, total: 0, page: page, page_size: size, results: [], facets: {}, expansions: [], did_you_mean: null };
        }
        // The API's word limits (tools.web.api.check_words), refused with its codes: more words than
        // it reads, or a word longer than it searches, is said, not searched in part.
        var counted = tokens(q), maxTerms = meta.max_query_terms, maxWord = meta.max_term_chars;
        var refusal = maxTerms && counted.length > maxTerms ? "too_many_words"
          : maxWord && counted.some(function (w) { return Array.from(w).length > maxWord; }) ? "word_too_long" : null;
        if (refusal) {
          return { ok: false, static: true, code: refusal, error: refusal.replace(/_/g, " "), total: 0, page: page, page_size: size,
            results: [], facets: {}, expansions: [], did_you_mean: null };
        }
        if (!opts.filtersChecked) {
          // Filters as the API reads them (tools.web.api.parse_filters): refused with its codes.
          return checkFilters(filters).then(function (c) {
            if (c.code) {
              return { ok: false, static: true, code: c.code, error: c.error, total: 0, page: page, page_size: size,
                results: [], facets: {}, expansions: [], did_you_mean: null };
            }
            return search(q, Object.assign({}, opts, { filters: c.filters, filtersChecked: true }));
          });
        }
        // As the API's engine.SearchIndex.check: control characters blanked ('transf\x00erts' is
        // two words, joined again below as the API joins them), compatibility characters in their
        // plain form before the query is cut into words ('Ⓜigrants' is one word), and trimmed as
        // Python trims (not U+FEFF, which trim() takes: a query of it alone gets the API's hint).
        var sent = q;
        q = q.replace(CONTROL_ALL, " ").normalize("NFKC").replace(PY_STRIP, "");
        if (!q && !BLANK_QUERY.test(sent)) {
          return { ok: true, static: true, total: 0, page: page, page_size: size, results: [], facets: {}, expansions: [],
            did_you_mean: null, strong: false, hint: meta.no_terms_hint || NO_TERMS_HINT, hint_code: "no_terms" };
        }
        var planOpts = { stop: stop, operators: meta.operators, k: meta.k, maxTerms: meta.max_query_terms };
        if (!opts.syntax) {
          // Syntax neither engine takes is taken out, a word ending in '*' searched as the index
          // words starting with it (engine.SearchIndex._scored, query.off_syntax).
          var syn = offSyntax(q, meta.min_prefix_chars || 3);
          if (!questionWords) { questionWords = dict(); (meta.question_words || []).forEach(function (w) { questionWords[w] = 1; }); }
          syn.text = withoutDanglingOperators(minusExclusions(withoutQuestionWords(syn.text, questionWords), planOpts));
          if (q && !syn.prefixes.length && !queryPlan(syn.text, planOpts).meaningful) {
            return { ok: true, static: true, total: 0, page: page, page_size: size, results: [], facets: {}, expansions: [],
              did_you_mean: null, strong: false, hint: meta.no_terms_hint || NO_TERMS_HINT, hint_code: "no_terms" };
          }
          return Promise.all(syn.prefixes.map(function (p) { return prefixWords(p[1]); })).then(function (found) {
            var prefixes = syn.prefixes.map(function (p, i) { return { typed: p[0], words: found[i] }; });
            return search(syn.text, Object.assign({}, opts, { syntax: { ignored: syn.ignored, prefixes: prefixes, fragments: syn.fragments } }));
          });
        }
        var plan = queryPlan(q, planOpts);
        if (!opts.joined) {
          // A word cut in two by a pasted space is searched whole (query.join_fragments).
          return joinFragments(q).then(function (j) { return search(j.text, Object.assign({}, opts, { joined: j.joined })); });
        }
        var words = tokens(q).slice(0, meta.max_query_terms || 32);
        var qkeys = plan.keys;
        var expansions = words.length ? expand(words) : [];
        // Operators or quotes: the query as the API's parser reads it (parseSyntax); a word after NOT
        // is excluded with the other names of its concept and names no country (query.build).
        var syn = syntaxPlan(q, words, expansions, plan);
        expansions = syn.expansions;
        var wildcards = opts.syntax.prefixes.map(function (p) {
          return { kind: "prefix", concept: "", matched: p.typed, typed: 1,
            added: p.words.map(function (w) { return [w, [keyOf(w, meta.k)]]; }) };
        });
        // A short form ('stats') also searches the words it stands for, as a glossary synonym
        // (query.short_form_expansions): not a word a glossary name already took.
        var taken = dict();
        expansions.forEach(function (x) { tokens(x.matched).forEach(function (w) { taken[folded(w)] = 1; }); });
        words.forEach(function (raw) {
          var w = folded(raw), names = (meta.short_forms || dict())[w];
          if (!names || taken[w]) return;
          taken[w] = 1;
          expansions.push({ kind: "short_form", concept: "", matched: raw, added: names, typed: 1 });
        });
        expansions = expansions.concat(wildcards);
        var countries = countriesNamed(words).filter(function (c) { return !syn.isNegated(c.words); });
        var exact = "@t:" + words.map(folded).join(" ");
        // An English agent noun typed ('employer') is searched by its own key in place of its prefix
        // key ('employ', also 'employment') when English versions alone hold it (static_index.agent_key).
        var agents = dict();
        words.forEach(function (raw) { var w = folded(raw), a = agentKey(w, meta.k); if (a) agents[w] = a; });
        // A country word ('morocco') is searched by its own key in place of its prefix key
        // ('morocc', also 'moroccan'), as the API's stemmers keep them apart
        // (static_index.country_word_keys).
        var wholes = dict();
        if (!countryWords) { countryWords = dict(); (meta.country_words || []).forEach(function (w) { countryWords[w] = 1; }); }
        // Not a part of a compound ('Tunisia-HIMS'), searched by the compound's key.
        compoundTokens(q).forEach(function (raw) { var w = folded(raw); if (countryWords[w]) wholes[w] = [w]; });
        var terms = qkeys.concat([exact]).concat(Object.keys(agents).map(function (w) { return agents[w]; }))
          .concat(Object.keys(wholes));
        plan.parts.forEach(function (ks) { terms = terms.concat(ks, compoundPairs(ks)); });
        (function phrases(t) {
          if (!t) return;
          if (t.op === "phrase") terms = terms.concat(phrasePairs(t.raws));
          (t.subs || []).forEach(phrases);
        })(syn.tree);
        syn.dropped.forEach(function (x) { x.added.forEach(function (nm) { terms = terms.concat(nm[1]); if (nm[1].length > 1) terms.push(phraseKey(nm[1])); }); });
        expansions.forEach(function (x) {
          x.added.forEach(function (nm) { terms = terms.concat(nm[1]); if (nm[1].length > 1) terms.push(phraseKey(nm[1])); });
        });
        var named = dict(), fuzzy = [];
        countries.forEach(function (c) { c.words.forEach(function (w) { named[w] = 1; }); });
        words.forEach(function (raw) {
          var w = folded(raw), code = named[w] || syn.negated[w] || regionWords[w] ? null : nearCountry(w);
          if (code && !countries.some(function (c) { return c.code === code; })) {
            fuzzy.push({ code: code, words: [w], typed: raw, key: keyOf(w, meta.k), groups: [] });
            terms.push("@c:" + code);
            (meta.country_names[code] || []).forEach(function (ks) { terms = terms.concat(ks); });
          }
        });
        countries.forEach(function (c) { terms.push("@c:" + c.code); });
        var ops = dict();
        meta.operators.forEach(function (o) { ops[o] = 1; });
        // Operators or quotes: every match is wanted, however partial (as the API: no floor).
        var syntax = q.indexOf('"') >= 0 || words.some(function (w) { return ops[w]; });
        var filterTerms = dict();
        Object.keys(filters).forEach(function (f) {
          (filters[f] || []).forEach(function (v) { var t = FACET_KEYS[f] + v; filterTerms[t] = f; terms.push(t); });
        });
        // Words of a concept or country named are not repaired (query.build's `claimed`).
        var claimed = dict();
        expansions.forEach(function (x) { tokens(x.matched).forEach(function (w) { claimed[folded(w)] = 1; }); });
        countries.concat(fuzzy).forEach(function (c) { c.words.forEach(function (w) { claimed[w] = 1; }); });
        Object.keys(syn.negated).forEach(function (w) { claimed[w] = 1; });
        // The last word, when it may be a word being typed, not a concept's or country's
        // (completedWord), is completed below if its key has no postings.
        var typing = completedWord(q, stop, meta.operators, meta.min_prefix_chars || 3);
        if (typing && (claimed[typing.word] || syn.isNegated(compoundParts(typing.raw).map(folded)))) typing = null;
        // Nor the pieces of a word cut by a '*' (offSyntax fragments; query.build's `fragments`).
        return spellRepairs(q, Object.assign(dict(), claimed, opts.syntax.fragments)).then(function (fixes) {
          fixes.forEach(function (f) { f.key = keyOf(f.fix, meta.k); terms.push(f.key); });
          var needFacets = opts.facets ? chunk("facets") : Promise.resolve(null);
          var universe = syn.tree && syn.negative ? chunk("facets") : Promise.resolve(null);
          return Promise.all([postings(terms, !!opts.full), needFacets, universe]).then(function (got) {
            // A word being typed whose key has no postings ('donn', 'trav', 'sous-em') also searches
            // the index words starting with it, instead of a repair, as the API does for a last word
            // its index does not hold (query.build's `complete`): results follow the letters typed.
            // Read after the query's terms files, so that a word the index holds costs no other file.
            // A word shorter than a key whose key has postings is a word of the entries, but
            // perhaps only of their bodies, which the API does not count as the index's own.
            var own = typing ? syntaxKeys(typing.raw, dict())[0] : null;
            if (!typing) return got;
            var held = !(got[0][own] || []).length ? Promise.resolve(false)
              : Array.from(typing.word).length >= meta.k ? Promise.resolve(true) : inIndex(typing.word);
            return held.then(function (known) { return known ? [] : prefixWords(typing.word); }).then(function (found) {
              found = found.filter(function (w) { return w !== typing.word; });
              if (!found.length) return got;
              var x = { kind: "prefix", concept: "", matched: typing.raw, typed: 1, added: found.map(function (w) { return [w, [keyOf(w, meta.k)]]; }) };
              expansions.push(x);
              fixes = fixes.filter(function (f) { return f.word !== typing.word; });
              var more = x.added.map(function (nm) { return nm[1][0]; }).filter(function (k) { return !got[0][k]; });
              return postings(more, !!opts.full).then(function (extra) {
                Object.keys(extra).forEach(function (k) { got[0][k] = extra[k]; });
                return got;
              });
            });
          }).then(function (got) {
            // Long words by their own keys (ownKeys): the query's words (not an agent noun or a
            // country word, which have theirs), its repairs, the one-word names of its expansions.
            var long = [], typed = dict();
            compoundTokens(q).forEach(function (raw) {
              var pieces = compoundParts(raw).map(folded);
              // An agent noun's own key ('employer') stays when English versions alone hold it (below).
              if (pieces.length === 1) { long.push(pieces[0]); typed[pieces[0]] = 1; }
              // A compound of meaningful parts also by the word its parts make, when the lexicon
              // holds it: the API's index holds compounds joined, so 'under-employment' finds the
              // texts writing 'underemployment'.
              else if (pieces.every(function (x) { return meaningful(x, stop); })) { long.push(pieces.join("")); typed[pieces.join("")] = 1; }
            });
            fixes.forEach(function (f) { long.push(f.fix); });
            function oneWord(x, nm) { var t = tokens(nm[0]); return x.kind !== "prefix" && nm[1].length === 1 && t.length === 1 ? folded(t[0]) : ""; }
            expansions.forEach(function (x) { x.added.forEach(function (nm) { var w = oneWord(x, nm); if (w) long.push(w); }); });
            return ownKeys(long, got[0], !!opts.full, typed).then(function (own) {
              fixes.forEach(function (f) { if (own[f.fix]) f.key = "=" + f.fix; });
              expansions.forEach(function (x) {
                x.added = x.added.map(function (nm) { var w = oneWord(x, nm); return w && own[w] ? [nm[0], ["=" + w]] : nm; });
              });
              // The query's own words are searched by their own keys in place of their prefix keys
              // (held, agentKeys); the others' only where they are named (repairs, names).
              got.own = dict();
              Object.keys(own).forEach(function (w) { if (typed[w]) got.own[w] = 1; });
              return got;
            });
          }).then(function (got) {
            return countryRepairs(countries, fuzzy, got[0], !!opts.full).then(function (c) {
              countries = c.countries;
              got.repaired = c.repaired;
              return got;
            });
          }).then(function (got) {
            var repaired = got.repaired;
            var held = dict();
            // Only a word that English versions alone hold: 'étranger' (also French) keeps its prefix
            // key. Other versions still match the prefix key ('employeur'), as the API analyses the
            // word in each language: English versions by the agent key alone ("!" + prefix key: the
            // prefix key's list without English versions).
            var en = meta.langs.indexOf("en");
            Object.keys(agents).forEach(function (w) {
              var list = got[0][agents[w]] || [];
              var english = list.length > 0;
              for (var i = 0; i < list.length && english; i += 2) english = list[i] % meta.slots === en;
              if (!english) return;
              var k = keyOf(w, meta.k), all = got[0][k] || [], rest = [];
              for (var j = 0; j < all.length; j += 2) if (all[j] % meta.slots !== en) rest.push(all[j], all[j + 1]);
              got[0]["!" + k] = rest;
              held[w] = [agents[w], "!" + k];
            });
            // A country word by its own key and, when the lexicon holds it, by its stem keys too, as
            // the API stems it: 'marocain' also finds 'marocains', 'marocaine' (French Snowball), not
            // 'Maroc'; 'morocco' stays apart from 'moroccan' (their stems differ).
            // One list ("&" + word), not two keys, so that an entry holding the word as written is
            // not counted twice: its own key's weight, else its stem keys' (ownKeys; only the long
            // stems': a short one's prefix key, 'tunisi' for 'Tunisia' in French, is also 'Tunisie').
            Object.keys(wholes).forEach(function (w) {
              if (!got.own[w]) { held[w] = wholes[w]; return; }
              var weight = dict(), mine = got[0][w] || [], stems = got[0]["~=" + w] || [], merged = [];
              for (var i = 0; i < stems.length; i += 2) weight[stems[i]] = stems[i + 1];
              for (var j = 0; j < mine.length; j += 2) weight[mine[j]] = mine[j + 1];
              Object.keys(weight).map(Number).sort(function (a, b) { return a - b; }).forEach(function (d) { merged.push(d, weight[d]); });
              got[0]["&" + w] = merged;
              held[w] = ["&" + w];
            });
            Object.keys(got.own).forEach(function (w) { if (!held[w]) held[w] = ["=" + w]; });
            qkeys = agentKeys(q, qkeys, held);
            var units = unitsOf(syn.tree ? syn.positive : q, expansions, countries, fixes, held);
            var main = syn.tree ? syntaxMatches(syn.tree, got[0], held, got[2] && got[2].docs.map(function (r) { return r[0]; })) || dict() : null;
            var excluded = syn.tree ? syntaxExcluded(syn, got[0], held) : null;
            return rank(got[0], got[1], { repaired: repaired, qkeys: qkeys, expansions: expansions, countries: countries, exact: exact,
              filters: filters, filterTerms: filterTerms, page: page, size: size, empty: !qkeys.length && !wildcards.length, parts: syn.parts, main: main, excluded: excluded,
              prefer: shownLanguage(q, opts.prefer), units: units, syntaxIgnored: opts.syntax.ignored, syntax: syntax, spelling: fixes, words: words, joined: opts.joined })
              .then(function (answer) {
                answer.highlight = highlightKeys(qkeys, expansions, countries, fixes, syn.negated);
                answer.results.forEach(function (r) { r.summary = excerpt(r.summary, answer.highlight, meta.summary_chars); });
                return didYouMean(q, answer, opts.syntax.fragments).then(function (d) { answer.did_you_mean = d; return answer; });
              });
          });
        });
      });
    }

    // The keys a static result's summary words are marked by (the API's highlighted snippet, made
    // here): the query's keys, those of the names its expansions, countries and repairs added, less
    // those of negated words -> {k, keys: [key]} for highlightSpans(). Index-only keys ("@" facets,
    // "!" agent lists) are dropped or bared; a phrase or compound key gives its words' keys.
    function highlightKeys(qkeys, expansions, countries, fixes, negated) {
      var out = dict(), no = dict();
      Object.keys(negated || {}).forEach(function (w) { no[keyOf(w, meta.k)] = 1; });
      function put(key) {
        key = String(key || "");
        if (!key || key.charAt(0) === "@") return;
        if (key.charAt(0) === "!") key = key.slice(1);
        if (key.charAt(0) === "=" || key.charAt(0) === "&") key = keyOf(key.slice(1), meta.k);  // a long word's own keys (ownKeys), a country word's
        key.replace(/"/g, "").split(/[ \-]/).forEach(function (part) { if (part && !no[part]) out[part] = 1; });
      }
      qkeys.forEach(put);
      expansions.forEach(function (x) { x.added.forEach(function (nm) { (nm[1] || []).forEach(put); }); });
      countries.forEach(function (c) {
        (c.groups || []).forEach(function (g) { [].concat(g).forEach(put); });
        if (c.key) put(c.key);
      });
      (fixes || []).forEach(function (f) { put(f.key); });
      return { k: meta.k, keys: Object.keys(out) };
    }

    function rank(p, facetTable, o) {
      var scores = dict();
      function add(doc, w) { scores[doc] = (scores[doc] || 0) + w; }
      if (o.empty) {
        if (facetTable) facetTable.docs.forEach(function (row) { scores[row[0]] = 0; });
      }
      if (o.main) Object.keys(o.main).forEach(function (doc) { add(+doc, o.main[doc]); });
      if (!o.main) o.qkeys.forEach(function (k) {
        var list = p[k] || [];
        for (var i = 0; i < list.length; i += 2) add(list[i], list[i + 1]);
      });
      // A compound's parts, in an entry holding the compound, count half as much as the compound
      // (the API's phrase of the parts at query.COMPOUND_PARTS_BOOST).
      o.parts.forEach(function (ks) {
        var sum = dict(), hits = dict(), holders = compoundHolders(p, ks);
        ks.forEach(function (k) {
          var list = p[k] || [];
          for (var i = 0; i < list.length; i += 2) { sum[list[i]] = (sum[list[i]] || 0) + list[i + 1]; hits[list[i]] = (hits[list[i]] || 0) + 1; }
        });
        Object.keys(sum).forEach(function (doc) { if (hits[doc] === ks.length && holders[doc]) add(+doc, sum[doc] * (meta.boosts.compound_parts || 0.5)); });
      });
      // A concept counts once per document, by its best name (query.BestOf); a name of n words
      // weighs as much as the t words typed for the concept (its sum scaled by t / n).
      o.expansions.forEach(function (x) {
        var best = dict(), rescale = null;
        if (x.kind === "prefix") {
          // The words a prefix stands for are weighed as one term, by the idf of the documents
          // holding any of them: each word's own idf made the rarest ('travaux' for 'trav')
          // outrank the common one the typist means ('travail'), where the API's per-field idf
          // puts titles holding the common word first.
          var union = dict(), n = 0;
          x.added.forEach(function (nm) { (nm[1] || []).forEach(function (k) { var l = p[k] || []; for (var i = 0; i < l.length; i += 2) if (!union[l[i]]) { union[l[i]] = 1; n++; } }); });
          rescale = idfOf(n);
        }
        x.added.forEach(function (nm) {
          var ks = nm[1];
          if (!ks.length) return;
          var sum = dict(), hits = dict(), scale = (x.typed || 1) / ks.length, phrase = null;
          ks.forEach(function (k) {
            var list = p[k] || [], f = rescale && list.idf ? rescale / list.idf : 1;
            for (var i = 0; i < list.length; i += 2) { sum[list[i]] = (sum[list[i]] || 0) + list[i + 1] * f; hits[list[i]] = (hits[list[i]] || 0) + 1; }
          });
          if (ks.length > 1) {
            // Only where the words make the name, in a row (static_index.phrase_keys).
            phrase = {};
            var pl = p[phraseKey(ks)] || [];
            for (var j = 0; j < pl.length; j += 2) phrase[pl[j]] = 1;
          }
          Object.keys(sum).forEach(function (doc) {
            // Its words apart count for nothing, as in the API. (Measured: counting them half
            // kept ILMS questionnaire's 0.924 but lost 'social security foreign workers Morocco'
            // 0.973 -> 0.673 and 'enquete nationale emploi maroc' 0.941 -> 0.901.)
            var w = sum[doc] * scale;
            if (hits[doc] === ks.length && (!phrase || phrase[doc]) && (!best[doc] || w > best[doc])) best[doc] = w;
          });
        });
        Object.keys(best).forEach(function (doc) { add(+doc, best[doc] * meta.boosts.synonym); });
      });
      // A misspelt country's names, searched in its place at the API's spelling weight (the best
      // name of each, all its words in the entry).
      o.repaired.forEach(function (f) {
        var best = dict();
        f.groups.forEach(function (ks) {
          var sum = dict(), hits = dict();
          ks.forEach(function (k) {
            var list = p[k] || [];
            for (var i = 0; i < list.length; i += 2) { sum[list[i]] = (sum[list[i]] || 0) + list[i + 1]; hits[list[i]] = (hits[list[i]] || 0) + 1; }
          });
          Object.keys(sum).forEach(function (doc) { if (hits[doc] === ks.length && (!best[doc] || sum[doc] > best[doc])) best[doc] = sum[doc]; });
        });
        Object.keys(best).forEach(function (doc) { add(+doc, best[doc] * (meta.boosts.spelling || 0.8)); });
      });
      // A confident spelling repair is searched besides the word as typed, at the API's weight.
      (o.spelling || []).forEach(function (f) {
        var list = p[f.key] || [];
        for (var i = 0; i < list.length; i += 2) add(list[i], list[i + 1] * (meta.boosts.spelling || 0.8));
      });
      var ex = p[o.exact] || [];
      for (var i = 0; i < ex.length; i += 2) add(ex[i], 100 * meta.boosts.title);
      // What the query excludes is out of every part's matches (query.build's AndNot).
      if (o.excluded) Object.keys(o.excluded).forEach(function (doc) { delete scores[doc]; });
      // Country factor 1 + (F - 1) x (named countries the entry is about) / (countries named), as
      // engine.COUNTRY_FACTOR: with 'Libya Niger', an entry on both outranks one on Libya alone.
      // Scaled by min(1, about / countries of the entry) ** specificity: a regional entry is less
      // about each of its countries (a country's postings weigh the entry's number of countries).
      var about = dict(), spread = dict(), specificity = meta.boosts.country_specificity || 0;
      o.countries.forEach(function (c) {
        var list = p["@c:" + c.code] || [];
        for (var j = 0; j < list.length; j += 2) { about[list[j]] = (about[list[j]] || 0) + 1; spread[list[j]] = Math.max(1, list[j + 1] || 1); }
      });
      Object.keys(about).forEach(function (doc) {
        var share = Math.pow(Math.min(1, about[doc] / spread[doc]), specificity);
        if (scores[doc]) scores[doc] *= 1 + (meta.boosts.country - 1) * about[doc] / o.countries.length * share;
      });
      // The relevance floor (engine module docstring): an entry covering fewer than half of the
      // query's units is dropped, the others weighed by the share they cover (K(d)); the answer is
      // strong when the best entry covers all units up to three, three quarters of more.
      var U = o.units.length, strong = true;
      if (U && !o.empty) {
        var covered = dict();
        o.units.forEach(function (u) {
          var has = dict();
          u.keys.forEach(function (k) { var list = p[k] || []; for (var i = 0; i < list.length; i += 2) has[list[i]] = 1; });
          u.groups.forEach(function (g) { holdingAll(p, g, has); });
          if (u.inRow) Object.keys(compoundHolders(p, u.inRow)).forEach(function (doc) { has[doc] = 1; });
          if (u.country) { var list = p["@c:" + u.country] || []; for (var i = 0; i < list.length; i += 2) has[list[i]] = 1; }
          Object.keys(has).forEach(function (doc) { covered[doc] = (covered[doc] || 0) + 1; });
        });
        var need = o.syntax ? 0 : keepNeeded(U), best = 0;
        Object.keys(scores).forEach(function (doc) {
          var c = covered[doc] || 0;
          if (c < need) { delete scores[doc]; return; }
          if (c > best) best = c;
          scores[doc] *= 1 - meta.floor.coverage_weight * (1 - c / U);
        });
        strong = Object.keys(scores).length > 0 && (o.syntax || best >= strongNeeded(U));
      }
      // Filters: OR within a facet, AND between facets.
      var allowed = dict();
      Object.keys(o.filterTerms).forEach(function (t) {
        var f = o.filterTerms[t], list = p[t] || [];
        allowed[f] = allowed[f] || {};
        for (var i = 0; i < list.length; i += 2) allowed[f][list[i]] = 1;
      });
      function passes(doc, skip) {
        return Object.keys(allowed).every(function (f) { return f === skip || allowed[f][doc]; });
      }
      var best = dict();
      Object.keys(scores).forEach(function (key) {
        var doc = +key, entry = Math.floor(doc / meta.slots);
        if (!passes(doc)) return;
        if (!best[entry] || scores[doc] > best[entry].score) best[entry] = { doc: doc, score: scores[doc] };
      });
      var ordered = Object.keys(best).map(function (e) { return best[e]; })
        .sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      var facets = facetTable ? facetCounts(facetTable, scores, passes) : null;
      var top = ordered.slice((o.page - 1) * o.size, o.page * o.size);
      var shards = dict();
      top.forEach(function (h) { shards["d" + Math.floor(h.doc / meta.slots / meta.doc_shard)] = 1; });
      return Promise.all(Object.keys(shards).map(chunk)).then(function (parts) {
        var rows = dict();
        parts.forEach(function (part) { part.forEach(function (r) { rows[r[0]] = r; }); });
        // Equal scores in the page by entry id (the order of the index's entry numbers is a hash's).
        var idOf = function (h) { var r = rows[h.doc]; return r ? r[1] : ""; };
        top.sort(function (a, b) { return b.score - a.score || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : a.doc - b.doc); });
        var results = top.map(function (h) {
          var entry = Math.floor(h.doc / meta.slots), langs = [];
          var preferred = o.prefer ? rows[entry * meta.slots + meta.langs.indexOf(o.prefer)] : null;
          var r = preferred || rows[h.doc];
          for (var s = 0; s < meta.slots; s++) if (rows[entry * meta.slots + s]) langs.push(rows[entry * meta.slots + s][2]);
          return { id: r[1], lang: r[2], title: r[3], url: r[4], summary: r[5], snippet: null, type: r[6],
            countries: r[7], themes: r[8], data_sources: r[9], status: r[10], languages: langs.sort(),
            score: Math.round(h.score) / 100 };
        });
        // As the API's did_you_mean: the query's folded words, each repaired one replaced.
        var fixOf = dict();
        (o.spelling || []).forEach(function (f) { fixOf[f.word] = f.fix; });
        var didYouMean = (o.spelling || []).length ? o.words.map(function (w) { var f = folded(w); return fixOf[f] || f; }).join(" ") : null;
        return { ok: true, static: true, total: ordered.length, page: o.page, page_size: o.size, results: results,
          facets: facets || {}, did_you_mean: didYouMean, strong: strong && ordered.length > 0,
          hint: o.syntaxIgnored ? meta.syntax_hint || null : null, hint_code: o.syntaxIgnored ? "syntax_ignored" : null,
          expansions: o.expansions.map(function (x) {
            return { kind: x.kind || "glossary", matched: x.matched, concept: x.concept, added: x.added.map(function (nm) { return nm[0]; }) };
          }).concat(o.countries.map(function (c) { return { kind: "country", matched: c.typed || c.words.join(" "), concept: c.code, added: [c.code] }; }))
            .concat((o.spelling || []).map(function (f) { return { kind: "spelling", matched: f.raw, concept: "", added: [f.fix] }; }))
            .concat((o.joined || []).map(function (f) { return { kind: "spelling", matched: f[0], concept: "", added: [f[1]] }; })) };
      });
    }

    function facetCounts(table, scores, passes) {
      var FACETS = [["countries", "country", 2], ["type", "type", 1], ["themes", "theme", 3], ["data_sources", "data_source", 4]];
      var counts = { countries: {}, type: {}, themes: {}, data_sources: {}, lang: {} };
      var rows = dict();
      table.docs.forEach(function (r) { rows[r[0]] = r; });
      Object.keys(scores).forEach(function (key) {
        var doc = +key, r = rows[doc], entry = Math.floor(doc / meta.slots);
        if (!r) return;
        FACETS.forEach(function (f) {
          if (!passes(doc, f[1])) return;
          var vals = Array.isArray(r[f[2]]) ? r[f[2]] : [r[f[2]]];
          vals.forEach(function (i) { var v = table.values[f[0]][i]; (counts[f[0]][v] = counts[f[0]][v] || {})[entry] = 1; });
        });
        if (passes(doc, "lang")) { var l = meta.langs[doc % meta.slots]; (counts.lang[l] = counts.lang[l] || {})[entry] = 1; }
      });
      var out = dict();
      Object.keys(counts).forEach(function (f) {
        out[f] = Object.keys(counts[f]).map(function (v) { return { value: v, count: Object.keys(counts[f][v]).length }; })
          .sort(function (a, b) { return b.count - a.count || (a.value < b.value ? -1 : 1); });
      });
      return out;
    }

    // Completion of the query's last word (engine.SearchIndex.suggest's terms): the index words
    // starting with it (the spelling groups of its first letter, v<n> files), those held by the
    // most language versions first (ties alphabetical), each shown as the entries write it
    // (static_index.written_table: the form of `prefer`'s entries when it differs) -> Promise of
    // {query, terms: [..]}.
    function suggest(q, opts) {
      opts = opts || {};
      var limit = opts.limit || 8;
      return ready().then(function () {
        var words = tokens(String(q || "")).map(folded).filter(Boolean), spell = meta.spell;
        if (!words.length || !spell) return { query: String(q || "").trim(), terms: [] };
        var last = words[words.length - 1], names = dict(), lengths = [];
        // A hyphenated compound being typed ('sous-em') completes as the index holds it whole.
        var typed = compoundTokens(String(q || "")), whole = typed.length ? folded(compoundParts(typed[typed.length - 1]).join("")) : "";
        if (whole && whole.slice(whole.length - last.length) === last) last = whole;
        var first = Array.from(last)[0];
        for (var n = Array.from(last).length; n <= spell.max_chars + 2; n++) {
          lengths.push(n);
          names["v" + shardOf(first + ":" + n, spell.vshards)] = 1;
        }
        return Promise.all(Object.keys(names).map(chunk)).then(function (parts) {
          var found = [], shown = dict(), seen = dict();
          parts.forEach(function (p) {
            lengths.forEach(function (len) {
              var g = first + ":" + len, list = p[g] || [], forms = p["=" + g] || {};
              for (var i = 0; i < list.length; i += 2) {
                var w = list[i];
                if (w.indexOf(last) !== 0 || seen[w]) continue;
                seen[w] = 1;
                found.push([w, list[i + 1]]);
                if (forms[w]) shown[w] = forms[w];
              }
            });
          });
          found.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
          var terms = found.slice(0, limit).map(function (c) {
            var t = shown[c[0]];
            if (!t) return c[0];
            return typeof t === "string" ? t : (opts.prefer && t[opts.prefer]) || t[""] || c[0];
          });
          return { query: String(q || "").trim(), terms: terms };
        });
      });
    }

    return { search: search, suggest: suggest, ready: ready };
  }

  // The [start, end) UTF-16 offsets, in order, of the words of `text` whose key (the index's, as
  // keyOf(folded word)) or English agent key is one of highlight.keys ({k, keys} of a static
  // answer); a hyphenated compound's parts are words of their own. Untrusted text is only read.
  function highlightSpans(text, highlight) {
    var spans = [], keys = dict();
    if (!highlight || !highlight.keys || !highlight.keys.length) return spans;
    highlight.keys.forEach(function (key) { keys[key] = 1; });
    var re = new RegExp(TOKEN.source, "gu"), m;
    text = String(text || "");
    while ((m = re.exec(text))) {
      var f = folded(m[0]);
      if (!f) continue;
      var a = agentKey(f, highlight.k);
      if (keys[keyOf(f, highlight.k)] || (a && keys[a])) spans.push([m.index, m.index + m[0].length]);
    }
    return spans;
  }

  // The part of a static result's summary that is shown (the index holds it whole): at most `chars`
  // characters (220 without), cut after a word, "…" where text is left out. Its start, or, when its
  // first word matching the query (highlightSpans) ends past what the start shows, the text from a
  // little before that word, as the API's snippets are cut around their matches (60 characters
  // before: engine._context_fragments). Characters are code points (an emoji is one, never cut in
  // half), and the end is cut after the matching word even without a space after it (a link): the
  // cut at the last space lost it (found by the reviewer). Untrusted text is only sliced.
  var SURROUND = 60;
  function excerpt(text, highlight, chars) {
    text = String(text || "");
    chars = chars || 220;
    var points = Array.from(text);
    if (points.length <= chars) return text;
    var spans = highlightSpans(text, highlight), start = 0, keep = 0;
    if (spans.length) {
      // highlightSpans counts UTF-16 units: its first span in code points.
      var at = Array.from(text.slice(0, spans[0][0])).length;
      var end = at + Array.from(text.slice(spans[0][0], spans[0][1])).length;
      if (end > chars - 2) {
        var space = points.indexOf(" ", Math.max(0, at - SURROUND));
        start = space >= 0 && space < at ? space + 1 : at;
      }
      keep = end - start;  // code points the cut must keep: up to the end of the matching word
    }
    var body = points.slice(start);
    if (body.length > chars) {
      var cut = body.slice(0, chars), last = cut.lastIndexOf(" ");
      body = (last > 0 && last >= keep ? cut.slice(0, last) : cut).concat([" …"]);
    }
    return (start > 0 ? "… " : "") + body.join("");
  }

  return { create: create, highlightSpans: highlightSpans, excerpt: excerpt, normalize: normalize, stripElision: stripElision, tokens: tokens, keyOf: keyOf, agentKey: agentKey,
    arabicLightStem: arabicLightStem, shardOf: shardOf, folded: folded, meaningful: meaningful, queryPlan: queryPlan,
    compoundTokens: compoundTokens, editDistance: editDistance, bloomBits: bloomBits, offSyntax: offSyntax,
    minusExclusions: minusExclusions, withoutQuestionWords: withoutQuestionWords,
    withoutDanglingOperators: withoutDanglingOperators, completedWord: completedWord };
});
