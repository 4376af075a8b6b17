/**
 * Whether Chevrotain checks the grammar itself when the parser is built: ambiguous alternatives, left
 * recursion. The checks find mistakes in grammar/, never in the input, and they were a third of the
 * start-up time of `incc lint`. (The token patterns are checked by test/lexer.test.ts, which builds
 * Chevrotain's Lexer from them; grammar/lexer.ts's scanner does not use them.)
 *
 * The bundled CLI (scripts/bundle.mjs, the package's `bin`) is built with `process.env.NODE_ENV`
 * defined as "production" and skips them; the tsc build and the tests (Jest sets NODE_ENV to "test")
 * keep them, so a grammar mistake still fails the tests.
 */
export const grammarSelfChecks: boolean = process.env.NODE_ENV !== 'production';
