/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. Stable rule ids, every rule
 * listed with its description, help and default level, and partialFingerprints that do not move when lines
 * do (rule, file, network, node name and message id).
 */
import { createHash } from 'node:crypto';
import type { LintMessage, LintResult } from '../engine/lint.js';
import { lintRules } from '../engine/registry.js';
import { packageVersion } from '../../program/program.js';

const levelOf = { error: 'error', warning: 'warning', info: 'note' } as const;
const ruleLevel = { error: 'error', warn: 'warning', info: 'note' } as const;

const version = packageVersion();

export function formatSarif(results: LintResult[]): string {
  const rules = [
    ...lintRules.map((r) => ({
      id: r.id,
      name: r.id,
      shortDescription: { text: r.description },
      fullDescription: { text: `${r.description} (${r.section} of "Rethinking the Inception Architecture for Computer Vision").` },
      help: { text: `See spec/lint/${r.id}.md in the incc package.`, markdown: `See [spec/lint/${r.id}.md](spec/lint/${r.id}.md).` },
      defaultConfiguration: { level: ruleLevel[r.defaultSeverity] },
      properties: { section: r.section },
    })),
    {
      id: 'unused-suppression',
      name: 'unused-suppression',
      shortDescription: { text: 'An incc-disable comment that suppresses nothing.' },
      fullDescription: { text: 'An incc-disable comment that suppresses nothing, or names a rule that is not active.' },
      help: { text: 'Remove the comment, or fix the rule id it names.' },
      defaultConfiguration: { level: 'warning' as const },
      properties: { section: 'incc' },
    },
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const toResult = (m: LintMessage, suppressed?: { reason?: string }) => ({
    ruleId: m.ruleId,
    ruleIndex: index.get(m.ruleId) ?? 0,
    level: levelOf[m.severity],
    message: { text: m.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(m.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
        },
        ...(m.node ? { logicalLocations: [{ name: m.node, fullyQualifiedName: `${m.network}/${m.node}`, kind: 'member' }] } : {}),
      },
    ],
    ...(m.related
      ? {
          relatedLocations: m.related.map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' }, region: { startLine: r.line, startColumn: r.column } },
          })),
        }
      : {}),
    partialFingerprints: { 'inccFinding/v1': fingerprint(m) },
    ...(suppressed ? { suppressions: [{ kind: 'inSource', justification: suppressed.reason ?? '' }] } : {}),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'incc', semanticVersion: version, version, informationUri: 'https://www.npmjs.com/package/incc', rules } },
        results: results.flatMap((r) => [...r.messages.map((m) => toResult(m)), ...r.suppressed.map((m) => toResult(m, m))]),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function fingerprint(m: LintMessage): string {
  return createHash('sha256').update([m.ruleId, m.file, m.network ?? '', m.node ?? `${m.line}`, m.messageId].join('\u0000')).digest('hex').slice(0, 32);
}
