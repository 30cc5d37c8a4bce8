import { optionOf, type RosterKindName } from './kind.js';
import { rosterKind } from './kinds/index.js';

/** What `jt808-roster template` prints: each kind's columns, with a header row to copy. */
export function templateText(kinds: readonly RosterKindName[]): string {
  return kinds.map(kindTemplate).join('\n');
}

function kindTemplate(name: RosterKindName): string {
  const kind = rosterKind(name);
  const columns = Object.entries(kind.columns);
  const lines = [
    `${optionOf(name)} (--${optionOf(name)}): ${kind.description}`,
    `  header: ${columns.map(([column, { aliases }]) => aliases[0] ?? column).join(',')}`,
    `      or: ${columns.map(([column]) => column).join(',')}`,
  ];
  for (const [column, { required, aliases, meaning }] of columns) {
    lines.push(`  ${column}${required ? ' (required)' : ''}: ${meaning}`, `      also ${aliases.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
