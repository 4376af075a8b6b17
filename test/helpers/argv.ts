/**
 * A command line written as one line of text, as a user types it, for `incc(...)`:
 * argv`train ${network} --data synthetic:${count} --out ${out}` is
 * ['train', network, '--data', `synthetic:${count}`, '--out', out]. The text is split at white space; an
 * interpolated value joins the word it stands in, whole (a path with a space in it stays one argument), and an
 * interpolated array adds each of its elements as a word of its own.
 */
export function argv(text: TemplateStringsArray, ...values: (string | number | readonly string[])[]): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const end = (): void => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  text.forEach((part, i) => {
    for (const piece of part.split(/(\s+)/)) {
      if (/^\s+$/.test(piece)) end();
      else if (piece !== '') word = (word ?? '') + piece;
    }
    if (i === values.length) return;
    const value = values[i]!;
    if (typeof value !== 'object') word = (word ?? '') + String(value);
    else if (word === undefined && !/^\S/.test(text[i + 1]!)) words.push(...value);
    else throw new Error(`argv: an array stands between spaces, not inside a word (after ${JSON.stringify(part)})`);
  });
  end();
  return words;
}
