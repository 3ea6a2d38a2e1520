'use strict';
// Preloaded (`node -r bench/rss.js …`) into each timed CLI run: reports the process's peak memory,
// worker threads included, on stderr as the last line, for bench/common.js.
process.on('exit', () => process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\n`));
