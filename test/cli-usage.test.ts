/**
 * The command line as git and npm users expect it: a usage error is one line saying what is wrong and
 * where the usage is, not the whole help; an unknown command gets a "did you mean".
 */
import { incc } from './helpers/cli.js';

describe('usage errors', () => {
  test.each([
    [['summary'], 'incc summary: expected exactly one FILE'],
    [['lint', 'x.incp', '--format', 'xml'], 'incc lint: --format must be one of stylish, json, sarif, github'],
    [['compile', 'stdlib/inception_v3.incp', '--bogus'], "incc compile: Unknown option '--bogus'"],
  ])('incc %j: the message, then where the usage is', (args, message) => {
    const r = incc(args);
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toContain(message);
    expect(lines.at(-1)).toBe(`Run 'incc ${args[0]} --help' for usage.`);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(r.stdout).toBe('');
  });

  test('an unknown command says so, with the closest one', () => {
    const r = incc(['lnit', 'x.incp']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "incc: 'lnit' is not an incc command; did you mean `lint`?\nRun 'incc --help' for the commands.\n",
    );
  });
});
