/**
 * The one message-template engine, for diagnostics and lint messages alike. A template is text with
 * parameters: `{name}` must be given, `{name?}` may be left out (printed as nothing). `TemplateParams`
 * reads the parameters off a template's literal type, so a call that misses a required parameter, or
 * passes one the template does not name, fails to compile; at run time a missing required parameter
 * (past a cast) throws rather than print a literal `{name}`.
 */

/** A parameter's value as a message prints it. */
export type TemplateValue = string | number;

/** The names inside `{...}` in `S`, each with its `?` if it has one. */
type Names<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Names<Rest> : never;

type RequiredNames<S extends string> = Exclude<Names<S>, `${string}?`>;

type OptionalNames<S extends string> = Names<S> extends infer P ? (P extends `${infer N}?` ? N : never) : never;

/**
 * The parameters of template `S`: `{ name: TemplateValue }` for each `{name}`, optional for each `{name?}`;
 * none at all for a template without parameters.
 */
export type TemplateParams<S extends string> = string extends S
  ? Record<string, TemplateValue>
  : [Names<S>] extends [never]
    ? Record<string, never>
    : { [K in RequiredNames<S>]: TemplateValue } & { [K in OptionalNames<S>]?: TemplateValue };

const parameter = /\{(\w+)(\?)?\}/g;

/** The names of a template's parameters, in order, each once, with whether it may be left out. */
export function templateParameters(template: string): { name: string; optional: boolean }[] {
  const seen = new Map<string, boolean>();
  for (const m of template.matchAll(parameter)) if (!seen.has(m[1]!)) seen.set(m[1]!, m[2] === '?');
  return [...seen].map(([name, optional]) => ({ name, optional }));
}

/** The template with its parameters filled in; `show` turns each value into the text printed. */
export function fillTemplate(
  template: string,
  params: Readonly<Record<string, TemplateValue | undefined>>,
  show: (text: string) => string = (text) => text,
): string {
  return template.replace(parameter, (_, name: string, optional: string | undefined) => {
    const value = params[name];
    if (value !== undefined) return show(String(value));
    if (optional) return '';
    throw new Error(`internal error: message template "${template}" is missing its parameter {${name}}`);
  });
}

/** The string literal types `P` concatenated in order. */
export type Joined<P extends readonly string[]> = P extends readonly [
  infer Head extends string,
  ...infer Rest extends readonly string[],
]
  ? `${Head}${Joined<Rest>}`
  : '';

/**
 * A template written in pieces, to keep source lines short: the pieces joined, with the literal type of the
 * whole kept, so that `TemplateParams` still reads its parameters.
 */
export function joinTemplate<const P extends readonly string[]>(...pieces: P): Joined<P> {
  return pieces.join('') as Joined<P>;
}
