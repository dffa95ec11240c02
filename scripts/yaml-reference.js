// Regenerates tests/fixtures/yaml/expected.jsonl from tests/fixtures/yaml/cases.json with the
// Hub's YAML parser (js-yaml 4.3.2, the version in ../shared/hub/reference/package.json).
// Usage: (cd ../shared/hub/reference copy && npm install) then
//   NODE_PATH=<that copy>/node_modules node scripts/yaml-reference.js
const fs = require('fs');
const yaml = require('js-yaml');
const dir = __dirname + '/../tests/fixtures/yaml/';
const cases = JSON.parse(fs.readFileSync(dir + 'cases.json', 'utf8'));
const out = cases.map((input) => {
  try {
    const v = yaml.load(input);
    return JSON.stringify({ input, ok: v === undefined ? null : v, undefined: v === undefined });
  } catch (e) {
    return JSON.stringify({ input, error: e.reason + (e.mark ? ` (${e.mark.line + 1}:${e.mark.column + 1})` : '') });
  }
});
fs.writeFileSync(dir + 'expected.jsonl', out.join('\n') + '\n');
