/**
 * A node type's data part (ports, params, page-side hooks) is what the page loads to draw node
 * cards; its run, loaded by the worker, holds the media and provider code. These tests hold the
 * line: following only static imports from each node's data part reaches no media, provider or
 * metrics machinery, only the modules listed here as data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { builtinNodes } from '../../src/nodes';

const ROOT = resolve(__dirname, '../..');
const NODES = join(ROOT, 'src/nodes');

/** Outside src/engine and src/nodes, what a data part may load, and why each is only data. */
const DATA_MODULES = new Set([
  'src/media/framing.ts', // aspect arithmetic, no imports
  'src/media/audio/choices.ts',
  'src/media/motion/choices.ts',
  'src/media/sound-bed/choices.ts',
  'src/media/video/choices.ts',
  'src/providers/catalog/catalog.ts', // the model catalog: JSON checked by its schema
  'src/providers/catalog/catalog.json',
  'src/providers/catalog/schema.ts',
  'src/providers/routes.ts', // route names and why a route is unavailable
  'src/providers/settings.ts', // the settings' schema and key ids
  'src/providers/comfyui/server-address.ts', // address normalisation
  'src/providers/comfyui/template.ts', // parsing a pasted workflow, for the note under the field
  'src/providers/comfyui/outputs.ts',
]);
/** Packages a data part may load: schemas and hashing, as the engine itself does. */
const PACKAGES = new Set(['zod', '@noble/hashes']);

/** The modules a file imports statically (type-only imports and dynamic import() left out). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  return source.statements.flatMap((s) => {
    if (ts.isImportDeclaration(s) && !s.importClause?.isTypeOnly && ts.isStringLiteral(s.moduleSpecifier)) return [s.moduleSpecifier.text];
    if (ts.isExportDeclaration(s) && !s.isTypeOnly && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) return [s.moduleSpecifier.text];
    return [];
  });
}

function resolveModule(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  const base = resolve(dirname(from), specifier);
  const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((f) => existsSync(f) && !f.endsWith('/') && (f.endsWith('.ts') || f.endsWith('.tsx') || f.endsWith('.json')));
  if (!found) throw new Error(`cannot resolve ${specifier} from ${relative(ROOT, from)}`);
  return found;
}

/** Every module reached by static imports from `entry`, as repo paths or package names. */
function reached(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const name = file.startsWith('/') ? relative(ROOT, file) : file;
    if (seen.has(name)) return;
    seen.add(name);
    if (file.startsWith('/') && !file.endsWith('.json')) for (const s of staticImports(file)) visit(resolveModule(file, s));
  };
  visit(entry);
  return seen;
}

function forbidden(module: string): boolean {
  if (!module.startsWith('src/')) return !PACKAGES.has(module);
  return !(module.startsWith('src/engine/') || module.startsWith('src/nodes/') || DATA_MODULES.has(module));
}

const dataParts = [...new Set(staticImports(join(NODES, 'index.ts')).filter((s) => s.startsWith('./')).map((s) => resolveModule(join(NODES, 'index.ts'), s)))];

describe('node definitions in parts', () => {
  it.each(dataParts.map((f) => [relative(ROOT, f), f]))('%s loads no media, provider or metrics code', (_, file) => {
    expect([...reached(file)].filter(forbidden)).toEqual([]);
  });

  it('each reaches its run from the data part only by a lazy import or an inline run', () => {
    for (const file of dataParts) {
      expect([...reached(file)].filter((m) => m.endsWith('/run.ts'))).toEqual([]);
    }
  });

  it('gives every node type a run, inline or loaded', async () => {
    for (const definition of builtinNodes) {
      const run = definition.run ?? (await definition.load!()).default;
      expect([definition.type, typeof run]).toEqual([definition.type, 'function']);
    }
  });
});
