/**
 * The commands' documentation agrees with their definitions (issue 19): each command's `--help` names exactly
 * the options it accepts, and the README's command table is the one generated from them (`npm run docs:cli`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandTable, COMMAND_TABLE_END, COMMAND_TABLE_START, optionsDocumentedIn, usageLines } from '../cli/docs.js';
import { commands } from '../cli/registry.js';
import { EXIT_STATUSES } from '../cli/command.js';
import { repoRoot } from './helpers/cli.js';

describe.each(commands.map((c) => [c.name, c] as const))('incc %s', (_name, command) => {
  test('--help documents every option the command accepts, and no other', () => {
    expect(optionsDocumentedIn(command.help).sort()).toEqual(Object.keys(command.options).sort());
  });

  test('its help starts with usage lines that run the command', () => {
    const lines = usageLines(command.help);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]!.startsWith(`incc ${command.name} `)).toBe(true);
  });

  test('its help has an Options section, and explains each option on a line of its own', () => {
    expect(command.help).toMatch(/^Options:$/m);
    for (const name of Object.keys(command.options))
      expect(command.help).toMatch(new RegExp(`^ {2,}--${name}\\b`, 'm'));
  });
});

test('the README command table is the one generated from the commands (run `npm run docs:cli`)', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(COMMAND_TABLE_START);
  const end = readme.indexOf(COMMAND_TABLE_END);
  expect(start).toBeGreaterThan(0);
  expect(readme.slice(start + COMMAND_TABLE_START.length + 1, end - 1)).toBe(commandTable(commands));
});

test('the README table lists every command and option, and every exit status', () => {
  const table = commandTable(commands);
  for (const command of commands) {
    expect(table).toContain(`\`incc ${command.name} `);
    for (const name of Object.keys(command.options)) expect(table).toContain(`\`--${name}\``);
  }
  for (const { status } of EXIT_STATUSES) expect(table).toMatch(new RegExp(`\\b${status} `));
});
