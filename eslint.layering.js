// The dependency rule of DESIGN §2, enforced at lint time (VS Code's code-layering habit):
//   app/      imports only app/ (and zod); no node:*, no Node built-ins, no electron, no DOM.
//   renderer/ imports only renderer/ and app/api/ (plus its UI libraries); never main/ or electron.
//   main/     is imported by nothing but main/ and the tests.
// Imports are resolved against the importing file, so `../../main/x` is caught wherever it is.

import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = path.dirname(new URL(import.meta.url).pathname);
const APP_PACKAGES = new Set(['zod']);
// webm-muxer and gifenc: the video export's encoders (renderer/export, issue 19).
const RENDERER_PACKAGES = /^(react|react-dom|react\/.*|react-dom\/.*|zustand|zustand\/.*|d3|d3-.*|webm-muxer|gifenc)$/;
const BUILTINS = new Set(builtinModules);

function areaOf(absPath) {
  const rel = path.relative(ROOT, absPath);
  if (rel.startsWith('..')) return 'outside';
  return rel.split(path.sep)[0];
}

function check(context, node, source, isTypeOnly) {
  const file = context.filename ?? context.getFilename();
  const from = areaOf(file);
  const spec = source.value;
  if (typeof spec !== 'string') return;
  const relative = spec.startsWith('.') || spec.startsWith('/');
  const target = relative ? path.resolve(path.dirname(file), spec) : null;
  const to = target ? areaOf(target) : 'package';
  const report = (why) => context.report({ node, message: `layering: ${path.relative(ROOT, file)} must not import '${spec}': ${why}` });

  if (to === 'main' && from !== 'main' && from !== 'test' && from !== 'bench') {
    return report('nothing outside main/ may import main/ (DESIGN §2)');
  }
  if (from === 'app') {
    if (to === 'package') {
      if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) return report('app/ may not use Node modules; take storage, time and randomness through BlockStore, Clock and Random');
      if (!APP_PACKAGES.has(spec)) return report('app/ imports only app/ and zod (no electron, DOM or host libraries)');
      return;
    }
    if (to !== 'app') return report('app/ imports only app/');
    return;
  }
  if (from === 'renderer') {
    if (to === 'package') {
      if (spec === 'electron' || spec.startsWith('node:') || BUILTINS.has(spec)) return report('the renderer runs sandboxed: no electron, no Node modules');
      if (!RENDERER_PACKAGES.test(spec)) return report('the renderer may use react, zustand and d3 only (add the package to eslint.layering.js if it is really needed)');
      return;
    }
    if (to === 'renderer') return;
    if (to === 'app') {
      const rel = path.relative(path.join(ROOT, 'app', 'api'), target);
      if (rel.startsWith('..')) return report('the renderer imports only app/api (the contract), never the engine');
      return;
    }
    return report('the renderer imports only renderer/ and app/api');
  }
  void isTypeOnly;
}

const layering = {
  meta: { type: 'problem', docs: { description: 'enforce the app/main/renderer dependency rule' }, schema: [] },
  create(context) {
    return {
      ImportDeclaration(node) {
        check(context, node, node.source, node.importKind === 'type');
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(context, node, node.source, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(context, node, node.source, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(context, node, node.source, false);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(context, node, node.arguments[0], false);
        }
      },
    };
  },
};

export default { rules: { layering } };
