// The Hub's reading of a repository card, as the project's checks reproduce it: the front-matter
// regular expression (JavaScript semantics), then js-yaml 4.3.2's `load`, then the shape the Hub
// requires (a mapping). Prints one JSON line per file given:
//   {file, fm_found, ok, error, shape, metadata}
// with `error` as `Invalid YAML in README.md: <reason> (<line>:<column>)` for a YAML error.
// Used by scripts/hubref.py (scripts/mutants.py, scripts/differential.py); docs/reference-reading.md
// explains each step and where it comes from. Needs js-yaml 4.3.2 resolvable (NODE_PATH or a
// node_modules folder beside this file's copy).
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const FRONT_MATTER = /^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))/;

function read(file) {
  const text = fs.readFileSync(file, 'utf8');
  const found = FRONT_MATTER.exec(text);
  const result = { file: path.basename(file), fm_found: Boolean(found), ok: true, error: null, shape: null, metadata: null };
  if (!found) return result;
  let value;
  try {
    value = yaml.load(found[2]);
  } catch (e) {
    const at = e.mark ? ` (${e.mark.line + 1}:${e.mark.column + 1})` : '';
    return { ...result, ok: false, shape: 'yaml-error', error: `Invalid YAML in README.md: ${e.reason}${at}` };
  }
  if (value === undefined || value === null || typeof value !== 'object') {
    return { ...result, ok: false, shape: 'invalid', error: 'The YAML metadata of your README.md is invalid.' };
  }
  if (Array.isArray(value)) {
    return { ...result, ok: false, shape: 'array', error: '"value" must be of type object' };
  }
  // What the Hub stores: the value as JSON (dates as ISO text, binary as an indexed object).
  return { ...result, shape: 'object', metadata: JSON.parse(JSON.stringify(value)) };
}

for (const file of process.argv.slice(2)) {
  let line;
  try {
    line = read(file);
  } catch (e) {
    // JSON.stringify throws on a value that refers to itself: the reason is what JavaScript says.
    line = { file: path.basename(file), fm_found: true, ok: false, error: `Invalid YAML in README.md: ${e.reason}`, shape: 'yaml-error', metadata: null };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
