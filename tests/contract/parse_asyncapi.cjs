// Parses an AsyncAPI document with the reference parser and prints its diagnostics as JSON.
// Usage: node parse_asyncapi.cjs <node_modules dir> <document>
const path = require("path");
const fs = require("fs");
const { Parser } = require(path.join(process.argv[2], "@asyncapi/parser"));

(async () => {
  const parser = new Parser();
  const source = fs.readFileSync(process.argv[3], "utf8");
  const { document, diagnostics } = await parser.parse(source);
  const summary = {
    parsed: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      path: d.path.join("/"),
    })),
    channels: document ? document.channels().all().map((c) => c.address()) : [],
    messages: document ? document.allMessages().all().map((m) => m.id()) : [],
  };
  process.stdout.write(JSON.stringify(summary));
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(2);
});
