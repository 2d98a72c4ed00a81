/**
 * infra/azure.bicep parsed once per test file with tree-sitter-bicep (offline:
 * Bicep itself cannot be compiled here). Call at the top of a describe-free
 * test file; the parser and tree are ready inside tests and freed after them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser, Tree } from 'web-tree-sitter';

export const ROOT = path.join(__dirname, '..', '..');
export const BICEP = path.join(ROOT, 'infra', 'azure.bicep');
const WASM = path.join(ROOT, 'node_modules', 'tree-sitter-bicep', 'tree-sitter-bicep.wasm');

export interface BicepTree {
  readonly parser: Parser;
  readonly tree: Tree;
}

export function useBicepTree(): BicepTree {
  let parser: Parser | undefined;
  let tree: Tree | undefined;
  beforeAll(async () => {
    await Parser.init();
    parser = new Parser();
    // Bytes, not a path: given a path, web-tree-sitter uses a dynamic import() that jest refuses.
    parser.setLanguage(await Language.load(new Uint8Array(fs.readFileSync(WASM))));
    tree = parser.parse(fs.readFileSync(BICEP, 'utf8'))!;
  });
  afterAll(() => {
    tree?.delete();
    parser?.delete();
  });
  return {
    get parser() {
      if (!parser) throw new Error('the Bicep parser is ready only inside tests');
      return parser;
    },
    get tree() {
      if (!tree) throw new Error('the Bicep tree is ready only inside tests');
      return tree;
    },
  };
}
