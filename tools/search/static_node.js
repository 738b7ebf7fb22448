/* Runs the browser's static search (docs/assets/javascripts/kb-engine.js) in node over an
   exported kb/search/ folder: `node static_node.js <folder>` reads a JSON list of queries
   [{q, filters?, size?, full?}] (or {q, suggest: true, prefer?, limit?}: completions, {q, suggest: true, terms[]}) on stdin and prints [{q, ids[], total, strong, expansions[], hint, hint_code, too_long, code, bytes, files}] (bytes and files: what a
   browser would have fetched for that query alone, from an empty cache). Used by tools/bench.py. */
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const KBEngine = require(path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "kb-engine.js"));

const folder = process.argv[2];
function loader(stats) {
  return (name) => new Promise((resolve, reject) => {
    let text;
    try { text = fs.readFileSync(path.join(folder, name + ".js"), "utf8"); } catch (e) { reject(e); return; }
    stats.files += 1;
    stats.bytes += Buffer.byteLength(text);
    stats.gzip += zlib.gzipSync(text).length;
    let data;
    new Function("KBSearchChunk", text)((n, d) => { data = d; });
    resolve(data);
  });
}
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
(async () => {
  const out = [];
  const shared = { files: 0, bytes: 0, gzip: 0 };
  const warm = KBEngine.create(loader(shared));
  for (const item of queries) {
    const stats = { files: 0, bytes: 0, gzip: 0 };
    const cold = KBEngine.create(loader(stats));
    if (item.suggest) {  // {q, suggest: true, prefer?, limit?} -> {q, terms}: the completions
      const got = await cold.suggest(item.q, { prefer: item.prefer, limit: item.limit || 8 });
      out.push({ q: item.q, suggest: true, terms: got.terms });
      continue;
    }
    const t0 = process.hrtime.bigint();
    const res = await cold.search(item.q, { filters: item.filters || {}, pageSize: item.size || 10, full: !!item.full });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    await warm.search(item.q, { pageSize: 10 });
    out.push({ q: item.q, ids: res.results.map((r) => r.id), total: res.total, strong: res.strong === true,
      expansions: res.expansions || [], hint: res.hint || null, hint_code: res.hint_code || null,
      did_you_mean: res.did_you_mean || null,
      too_long: res.too_long || null, code: res.code || null, files: stats.files,
      bytes: stats.bytes, gzip: stats.gzip, ms });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
