/**
 * `incc lsp` driven by an editor nobody here wrote: Neovim 0.7 (Debian's), headless, its built-in LSP client
 * attached to a .incp buffer by test/lsp/neovim-drive.lua. The test opens a copy of
 * examples/tiny_inception.incp, misspells a layer kind and reads back the diagnostic, then a hover, a
 * definition and the completion items after `conv 3x3 64 `, all through Neovim. With CI=true a missing
 * nvim fails the test (.ci/run installs it); elsewhere the test is skipped, saying how to install it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from './helpers/cli.js';
import { testWith } from './helpers/components.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const available = nvim.status === 0;
const withNeovim = testWith('Neovim (nvim)', available, 'apt-get install neovim', 'test/lsp-neovim.test.ts');

withNeovim(
  'Neovim reads the diagnostic, a hover, a definition and completions from incc lsp',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'incc-nvim-'));
    try {
      const file = join(dir, 'tiny_inception.incp');
      copyFileSync(join(repoRoot, 'examples', 'tiny_inception.incp'), file);
      const r = spawnSync(
        'nvim',
        ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', 'luafile test/lsp/neovim-drive.lua'],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          timeout: 150_000,
          env: { ...process.env, INCC_NODE: process.execPath, INCC_CLI: cliPath, INCC_FILE: file },
        },
      );
      const results = new Map(
        r.stdout
          .split('\n')
          .filter((l) => l.includes('\t'))
          .map((l) => [l.slice(0, l.indexOf('\t')), JSON.parse(l.slice(l.indexOf('\t') + 1)) as unknown]),
      );
      expect(results.get('error')).toBeUndefined();
      // Line 19 (0-based 18) is `  conv 3x3 32`: the misspelt kind starts at column 2.
      expect(results.get('diagnostic')).toMatchObject({ code: 'unknown-layer-kind', lnum: 18, col: 2 });
      expect((results.get('diagnostic') as { message: string }).message).toMatch(/cnv.*did you mean `conv`/);
      // conv 3x3 32 on the 32x32x3 input (`defaults conv(bias=false, bn=true)`, batch norm with gamma): 3*3*3*32
      // = 864 weights + gamma, beta, moving mean and variance of 32 each = 992 parameters; SAME keeps 32x32.
      const hover = results.get('hover') as string;
      expect(hover).toMatch(/\| 32x32x32 \| 992 \| 928 \|/);
      // `mixed0: Module()` goes to `block Module(` on line 8 (0-based 7), the name at column 6.
      expect(results.get('definition')).toEqual([
        expect.objectContaining({
          uri: `file://${file}`,
          range: { start: { line: 7, character: 6 }, end: { line: 7, character: 12 } },
        }),
      ]);
      // After `conv 3x3 64 `: the options not bound yet and the padding words.
      const labels = results.get('completion') as string[];
      expect(labels).toEqual(expect.arrayContaining(['act=', 'bias=', 'bn=', 'valid', 'same']));
      expect(labels).not.toContain('kernel=');
      expect(labels).not.toContain('filters=');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  180_000,
);
