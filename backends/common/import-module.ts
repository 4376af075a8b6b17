/**
 * `import()` of a package or a file URL, as the running build allows. The CLI's bundle is run by the launcher as a
 * vm.Script (cli/launcher.ts), where the script's own `import()` would need vm's dynamic-import support, which
 * Node 20 marks experimental (it printed a warning on every run that used it): the launcher passes its own
 * `import()` as `__inccImport` instead (a package name or a file URL resolves the same from dist/bin/, where both
 * files are). In tsc's modules and in the tests this is plain `import()`. The bundle holds no other `import()` of
 * anything outside it (test/bundle.test.ts).
 */
declare const __inccImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importModule<T>(specifier: string): Promise<T> {
  return (typeof __inccImport === 'function' ? __inccImport(specifier) : import(specifier)) as Promise<T>;
}
