// Runs the incc CLI in this process and reports its peak resident memory on exit, as a last stderr line
// `peak-rss-kb N` (process.resourceUsage().maxRSS): `node test/helpers/peak-rss.mjs CLI_PATH ARGS...`.
import { pathToFileURL } from 'node:url';

const [cli, ...args] = process.argv.slice(2);
process.on('exit', () => process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`));
process.argv = [process.argv[0], cli, ...args];
await import(pathToFileURL(cli).href);
