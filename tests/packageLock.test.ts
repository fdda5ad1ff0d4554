/**
 * `npm install` on a fresh clone leaves package-lock.json as committed only when the lock file's
 * root entry declares exactly what package.json does; any difference is rewritten (an optional
 * dependency listed as a plain one was dropped by every install).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('package-lock.json', () => {
  it('declares at its root exactly the dependencies package.json does', () => {
    const pkg = read('package.json');
    const root = (read('package-lock.json').packages as Record<string, Record<string, unknown>>)[''];
    for (const key of ['dependencies', 'devDependencies', 'optionalDependencies', 'engines', 'bin']) expect({ [key]: root[key] }).toEqual({ [key]: pkg[key] });
    expect({ name: root.name, version: root.version }).toEqual({ name: pkg.name, version: pkg.version });
  });
});
