/**
 * The VS Code side of incc: a language client that starts `incc lsp` over stdio for `.incp` files
 * (spec/editor.md). Highlighting is the TextMate grammar's (syntaxes/); everything else (diagnostics, lint,
 * hover, completion, definitions, formatting, code actions) is the server's.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { serverCommand } from './server-command.js';

let client: LanguageClient | undefined;

function startClient(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const configured = vscode.workspace.getConfiguration('incc').get<string>('path', '');
  const { command, args } = serverCommand(configured, folder, process.platform === 'win32');
  const run = {
    command,
    args,
    transport: TransportKind.stdio,
    options: { cwd: folder, shell: process.platform === 'win32' },
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'incp' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.incp,incc.config.json}') },
  };
  client = new LanguageClient('incc', 'incc', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start().catch((e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(
      `incc: could not start \`${command} lsp\` (${why}). Install incc in the workspace (npm install incc) ` +
        `or set incc.path.`,
    );
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('incc.restartServer', async () => {
      await client?.stop();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('incc.path')) return;
      await client?.stop();
      await startClient(context);
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
