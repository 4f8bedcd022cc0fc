// Preloaded into the harness's process by the bench (node --require): its peak resident set size,
// in KiB, written to BENCH_RSS_FILE when it exits.
const fs = require('node:fs');
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) fs.writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
