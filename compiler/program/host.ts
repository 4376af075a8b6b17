/**
 * How the compiler's front end reaches its sources, as TypeScript's CompilerHost: the loader
 * (program.ts), name resolution, elaboration and the rewrite pass never touch a file system, a path module
 * or the process; they ask a host. `incc` and the library on Node use node-host.ts (files on disk, the
 * stdlib shipped in this package); a browser or a language server gives its own (open buffers, fetched
 * files, URIs as paths).
 */

/** Reads files: enough for a host that only replaces some files' text (tests, the formatter, editors). */
export interface FileHost {
  /** The text of a file, or undefined when it cannot be read (no such file, a folder, no permission). */
  readFile(path: string): string | undefined;
}

export interface CompilerHost extends FileHost {
  /** The absolute path (or URI) of a path as the user gave it (on Node: relative to the working directory). */
  resolvePath(path: string): string;
  /**
   * The file an `import` names, from the file that imports it, with `.incp` added when left out:
   * `std/NAME` is the standard library's file NAME (the stdlib lookup); any other path is relative to
   * `fromFile`'s folder.
   */
  resolveImport(spec: string, fromFile: string): string;
  /** The name diagnostics print for a file: `std/NAME` for the stdlib; on Node, relative to the working directory. */
  displayName(path: string): string;
}
