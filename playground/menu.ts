/**
 * What the playground's menu opens: the stdlib's networks (Table 1, Table 3's rows, the low-resolution
 * networks, GoogLeNet), the paper's figures (each module of std/modules on the grid the paper draws it at),
 * the examples, and the library files.
 */
export interface MenuEntry {
  label: string;
  group: 'Networks' | 'Figures' | 'Examples' | 'Library files';
  /** The buffer's path in the memory host. */
  file: string;
  /** The text, when it is not the file's (a figure's small network). */
  text?: string;
  network?: string;
  args?: string[];
}

/** A network that draws one block of std/modules on an input, as the paper's figure shows it. */
function figure(label: string, block: string, input: string, call: string): MenuEntry {
  const text = `// ${label}, from std/modules, on the grid the paper draws it at.
import { ${block} } from "std/modules"

network ${block}Figure {
  input ${input}
  module: ${call}
}
`;
  return { label, group: 'Figures', file: `/figures/${block}.incp`, text };
}

export function menuEntries(files: ReadonlyMap<string, string>): MenuEntry[] {
  const entries: MenuEntry[] = [
    { label: 'Inception-v3 (std/inception_v3)', group: 'Networks', file: '/stdlib/inception_v3.incp' },
    { label: 'Inception-v2, Table 1 (std/inception_v2)', group: 'Networks', file: '/stdlib/inception_v2.incp' },
  ];
  const rows = ['Inception-v2', '+ RMSProp', '+ Label Smoothing', '+ Factorized 7x7', '+ BN-auxiliary'];
  rows.forEach((what, i) =>
    entries.push({
      label: `Table 3, row ${i + 1}: ${what}`,
      group: 'Networks',
      file: '/stdlib/table3.incp',
      args: [`row=${i + 1}`],
    }),
  );
  entries.push(
    {
      label: 'Low resolution, 151x151 (std/lowres)',
      group: 'Networks',
      file: '/stdlib/lowres.incp',
      network: 'InceptionV3Res151',
    },
    {
      label: 'Low resolution, 79x79 (std/lowres)',
      group: 'Networks',
      file: '/stdlib/lowres.incp',
      network: 'InceptionV3Res79',
    },
    { label: 'GoogLeNet (std/googlenet)', group: 'Networks', file: '/stdlib/googlenet.incp' },
    figure('Figure 5: 5x5 as two 3x3', 'Figure5', '35x35x288', 'Figure5()'),
    figure('Figure 6: n x n as 1 x n and n x 1', 'Figure6', '17x17x768', 'Figure6(160)'),
    figure('Figure 7: expanded filter bank', 'Figure7', '8x8x1280', 'Figure7()'),
    figure('Figure 10: efficient grid reduction', 'Figure10', '35x35x288', 'Figure10()'),
  );
  const paths = [...files.keys()].sort();
  for (const path of paths.filter((p) => p.startsWith('/examples/'))) {
    entries.push({ label: path.slice('/examples/'.length), group: 'Examples', file: path });
  }
  for (const path of paths.filter((p) => p.startsWith('/stdlib/'))) {
    entries.push({ label: `std/${path.slice('/stdlib/'.length)}`, group: 'Library files', file: path });
  }
  return entries;
}
