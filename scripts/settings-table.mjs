#!/usr/bin/env node
// Prints the README's settings table from .env.example (one source, so the two cannot drift).
// `node scripts/settings-table.mjs --write` replaces the table between the markers in README.md.
import { readFileSync, writeFileSync } from 'node:fs';

export function settingsTable(envExample) {
  const rows = [];
  let comment = [];
  let section = '';
  let pendingReset = false;
  for (const line of envExample.split('\n')) {
    const heading = /^# --- (.+?) ---/.exec(line);
    if (heading) {
      section = heading[1];
      comment = [];
      continue;
    }
    const setting = /^#\s?([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    if (setting) {
      const [, name, example] = setting;
      const escape = (s) => s.replaceAll('|', '\\|');
      rows.push(
        `| ${section} | \`${name}\` | ${escape(example ? `\`${example}\`` : '')} | ${escape(comment.join(' '))} |`,
      );
      pendingReset = true;
      continue;
    }
    if (line.startsWith('# ') && section) {
      // A comment after settings starts the next setting's description; settings in a row share one.
      if (pendingReset) comment = [];
      pendingReset = false;
      comment.push(line.slice(2).trim());
    } else comment = [];
    if (line.trim() === '') comment = [];
  }
  return [
    '| Group | Setting | Example or default | What it does |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

export function withTable(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error('README.md lacks the settings markers');
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const table = settingsTable(readFileSync('.env.example', 'utf8'));
  if (process.argv.includes('--write'))
    writeFileSync('README.md', withTable(readFileSync('README.md', 'utf8'), table));
  else process.stdout.write(`${table}\n`);
}
