#!/usr/bin/env node
// Runs the furrow CLI on the Bun that npm installed with the package (the `bun` dependency),
// so a machine with only Node and npm needs nothing else.
const { spawn } = require("node:child_process");
const path = require("node:path");
const bunBin = path.join(path.dirname(require.resolve("bun/package.json")), "bin", "bun.exe");
const main = path.join(__dirname, "..", "src", "cli", "main.ts");
const child = spawn(bunBin, [main, ...process.argv.slice(2)], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
