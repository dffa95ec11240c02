// Regenerates tests/fixtures/yaml/expected.jsonl from tests/fixtures/yaml/cases.json with the
// Hub's YAML parser (js-yaml 4.3.2, the version in ../shared/hub/reference/package.json).
// Usage: (cd "$(mktemp -d)" && npm install js-yaml@4.3.2) then
//   NODE_PATH=<that folder>/node_modules node scripts/yaml-reference.js [OUT]
// (OUT: where to write the answers; default the checked-in expected.jsonl).
// Each line: the input, then either `json` (JSON.stringify of the value, or absent for
// `undefined`) or `error` (`reason (line:column)` as hub_parse.js prints it; a JavaScript error
// such as JSON.stringify's on a value that contains itself has no reason: `undefined`) with
// js-yaml's `snippet` of the lines around the error (a surrogate pair its ` ... ` cuts in two
// shows as U+FFFD, as Node prints it).
const fs = require('fs');
const yaml = require('js-yaml');
const dir = __dirname + '/../tests/fixtures/yaml/';
const cases = JSON.parse(fs.readFileSync(dir + 'cases.json', 'utf8'));
const out = cases.map((input) => {
  try {
    const v = yaml.load(input);
    return JSON.stringify(v === undefined ? { input, undefined: true } : { input, json: JSON.stringify(v) });
  } catch (e) {
    const error = e.reason + (e.mark ? ` (${e.mark.line + 1}:${e.mark.column + 1})` : '');
    return JSON.stringify({ input, error, snippet: e.mark && e.mark.snippet ? e.mark.snippet.toWellFormed() : undefined });
  }
});
fs.writeFileSync(process.argv[2] || dir + 'expected.jsonl', out.join('\n') + '\n');
