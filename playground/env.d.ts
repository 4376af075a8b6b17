/** The stdlib and the examples, by their paths in the memory host (scripts/build-playground.mjs makes it). */
declare module 'incc-playground:files' {
  const files: Record<string, string>;
  export default files;
}
