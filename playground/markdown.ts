/**
 * The Markdown of the language service's hovers and completion docs, as DOM: paragraphs with `code` and
 * **bold**, fenced code blocks, tables and links. Text only ever goes in through textContent.
 */
function inline(parent: HTMLElement, text: string): void {
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    parent.append(text.slice(at, m.index));
    let el: HTMLElement;
    if (m[1] !== undefined) (el = document.createElement('code')).textContent = m[1];
    else if (m[2] !== undefined) (el = document.createElement('strong')).textContent = m[2];
    else {
      const a = document.createElement('a');
      a.textContent = m[3]!;
      if (/^https?:/.test(m[4]!)) a.href = m[4]!;
      a.target = '_blank';
      a.rel = 'noopener';
      el = a;
    }
    parent.append(el);
    at = m.index + m[0].length;
  }
  parent.append(text.slice(at));
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

export function renderMarkdown(markdown: string): HTMLElement {
  const root = document.createElement('div');
  root.className = 'md';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const pre = document.createElement('pre');
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
      pre.textContent = body.join('\n');
      root.append(pre);
    } else if (line.trim().startsWith('|')) {
      const table = document.createElement('table');
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.trim().startsWith('|'); i++) rows.push(lines[i]!);
      i--;
      rows.forEach((row, k) => {
        if (k === 1 && /^[|\s:-]+$/.test(row)) return;
        const tr = document.createElement('tr');
        for (const c of cells(row)) {
          const td = document.createElement(k === 0 ? 'th' : 'td');
          inline(td, c);
          tr.append(td);
        }
        table.append(tr);
      });
      root.append(table);
    } else if (line.trim() !== '') {
      const p = document.createElement('p');
      inline(p, line);
      root.append(p);
    }
  }
  return root;
}
