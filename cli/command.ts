/** One incc command (cli/commands/), as cli/registry.ts lists them. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[]): Promise<number>;
}
