/** A regular expression written in pieces, to keep lines short: the pieces' sources joined, with the first's flags. */
export function joinedRegExp(...pieces: RegExp[]): RegExp {
  return new RegExp(pieces.map((p) => p.source).join(''), pieces[0]?.flags ?? '');
}
