// The user documentation (README.md, docs/*.md) kept whole: every link resolves to a file inside
// the repository (never to a shared folder beside it) and, with a #fragment, to a heading there;
// every `npm run <script>` it tells users to type is a script of package.json.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const documents = (): string[] => [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name)),
];

/** The text outside fenced code blocks (links in code are commands, not links). */
const prose = (text: string): string => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped (not `-` and `_`), spaces to `-`. */
const anchorOf = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');

const anchorsOf = (file: string): Set<string> =>
  new Set([...prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));

describe('user documentation (README.md, docs/)', () => {
  it('has the four reference pages', () => {
    for (const page of ['http-api.md', 'websocket.md', 'events.md', 'auction-rules.md']) {
      assert.ok(existsSync(join(root, 'docs', page)), `docs/${page} exists`);
    }
  });

  it('links only to files and headings inside the repository', () => {
    const broken: string[] = [];
    for (const file of documents()) {
      for (const [, target] of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
        const [path = '', fragment] = target!.split('#', 2);
        const where = `${relative(root, file)}: (${target})`;
        if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
          broken.push(`${where} leaves the repository`);
          continue;
        }
        const resolved = path === '' ? file : resolve(dirname(file), path);
        if (relative(root, resolved).startsWith('..')) broken.push(`${where} points outside the repository`);
        else if (!existsSync(resolved)) broken.push(`${where} names no file`);
        else if (fragment !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(fragment)) broken.push(`${where} names no heading`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('names no file beside the repository', () => {
    for (const file of documents()) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\.\.\/shared\b/, `${relative(root, file)} names ../shared`);
    }
  });

  it('names only npm scripts that package.json has', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const missing = documents().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/npm run (?:-s )?([a-z][a-z:-]*)/g)]
        .map((m) => m[1]!)
        .filter((name) => !scripts.includes(name))
        .map((name) => `${relative(root, file)}: npm run ${name}`),
    );
    assert.deepEqual(missing, []);
  });
});
