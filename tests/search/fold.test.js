// The browser's folding (docs/assets/javascripts/kb-engine.js) against the same input -> output
// pairs as tools/search/analysis.py (tests/search/fold_cases.json). Run: node --test tests/search/
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const path = require("path");
const KB = require(path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "kb-engine.js"));
const { cases, prefix_len: prefixLen } = require("./fold_cases.json");

test("the fixture has cases", () => assert.ok(cases.length > 20));
for (const c of cases) {
  test(`fold ${JSON.stringify(c.input)}`, () => {
    assert.strictEqual(KB.normalize(c.input), c.normalized);
    const tokens = KB.tokens(c.input).map(KB.folded).filter(Boolean);
    assert.deepStrictEqual(tokens, c.tokens);
    assert.deepStrictEqual(tokens.map((t) => KB.keyOf(t, prefixLen)), c.keys);
  });
}
