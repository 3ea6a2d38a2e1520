'use strict';
// Preloaded (`node -r bench/usage.js …`) by bench/single.js: reports the process's CPU time (user +
// system, all its threads) on stderr as it exits.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`cpuSeconds ${((user + system) / 1e6).toFixed(4)}\n`);
});
