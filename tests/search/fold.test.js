// The browser's folding and query plans (docs/assets/javascripts/kb-engine.js) against the same input -> output
// pairs as tools/search/analysis.py (tests/search/fold_cases.json). Run: node --test tests/search/
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const path = require("path");
const KB = require(path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "kb-engine.js"));
const fixture = require("./fold_cases.json");
const { cases, queries, prefix_len: prefixLen } = fixture;
const stop = {};
fixture.stop.forEach((w) => { stop[w] = 1; });

test("the fixture has cases", () => assert.ok(cases.length > 20));
for (const c of cases) {
  test(`fold ${JSON.stringify(c.input)}`, () => {
    assert.strictEqual(KB.normalize(c.input), c.normalized);
    const tokens = KB.tokens(c.input).map(KB.folded).filter(Boolean);
    assert.deepStrictEqual(tokens, c.tokens);
    assert.deepStrictEqual(tokens.map((t) => KB.keyOf(t, prefixLen)), c.keys);
  });
}

// What a query searches, as static_index.query_plan() says (the API's meaningful words, the
// whole compound as one key), with the API's stop words and operators recorded in the fixture.
for (const c of queries) {
  test(`query plan ${JSON.stringify(c.input)}`, () => {
    const plan = KB.queryPlan(c.input, { stop, operators: fixture.operators, k: prefixLen, maxTerms: fixture.max_query_terms });
    assert.deepStrictEqual(plan, { meaningful: c.meaningful, keys: c.keys, parts: c.parts });
  });
}

// The words a static result's summary marks (issue #12): those whose key, folded as the query's
// words are, is one of the answer's highlight keys; untrusted text is only read, never parsed.
test("highlightSpans marks the words of the query's keys, folded", () => {
  const text = "L'EMPLOI des émigrés <b>emplois</b> — الهجرة والهجره، migration";
  const keys = ["emploi", "الهجرة"].map((w) => KB.keyOf(KB.folded(w), prefixLen));
  const spans = KB.highlightSpans(text, { k: prefixLen, keys });
  assert.deepStrictEqual(spans.map(([a, b]) => text.slice(a, b)), ["L'EMPLOI", "emplois", "الهجرة", "والهجره"]);
  assert.deepStrictEqual(KB.highlightSpans(text, { k: prefixLen, keys: [] }), []);
  assert.deepStrictEqual(KB.highlightSpans(text, null), []);
});
