import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { packageRoot } from '../../compiler/package.js';
import { UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import { DEFAULT_PORT, type playgroundUsage } from '../usage/playground.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The built playground: dist/playground/ of this package (scripts/build-playground.mjs). */
export function playgroundDir(): string {
  return join(packageRoot(), 'dist', 'playground');
}

export async function run({ values, positionals }: CommandLine<typeof playgroundUsage>): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const portText = values.port ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, not '${portText}'`);
  const dir = playgroundDir();
  if (!existsSync(join(dir, 'index.html'))) {
    process.stderr.write(`incc playground: the playground is not built (${dir}): run npm run build\n`);
    return 2;
  }
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = resolve(dir, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise<number>((done) => {
    server.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? `port ${portText} is in use (try --port 0)` : e.message;
      process.stderr.write(`incc playground: cannot listen on 127.0.0.1:${portText}: ${why}\n`);
      done(2);
    });
    server.listen(Number(portText), '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : Number(portText);
      process.stdout.write(`incc playground: http://127.0.0.1:${port}/\n`);
    });
    process.once('SIGINT', () => {
      server.close();
      server.closeAllConnections();
      done(130);
    });
  });
}
