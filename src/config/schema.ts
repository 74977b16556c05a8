/** The config JSON Schema (shipped in the package for editors) and the shared ajv instance. */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { PathSegment } from '../types.js';
import { createHash } from 'node:crypto';
import { packageFile, readPackageJson } from '../package-root.js';
import { ajvRegExpEngine } from './safe-match.js';
import { lazyRequire } from '../rules/utils/lazy-module.js';

export const CONFIG_SCHEMA = readPackageJson('schemas', 'config.schema.json');

let ajv: Ajv | undefined;

/**
 * The shared ajv instance. ajv and ajv-formats are loaded on first use (about 90 ms), so a run with no
 * config file, policies or registry never pays for them: the cold start of a pre-commit hook matters.
 */
export function getAjv(): Ajv {
  if (!ajv) ajv = newAjv();
  return ajv;
}

/** A new ajv instance with mllint's options and formats (see `getAjv`). */
export function newAjv(): Ajv {
  const { Ajv: AjvClass } = lazyRequire('ajv') as typeof import('ajv');
  const addFormats = lazyRequire('ajv-formats') as unknown as ((a: Ajv) => Ajv) & { default?: (a: Ajv) => Ajv };
  // JSON Schema `pattern` keywords (from CRDs and policies: input) run on RE2, in linear time.
  const fresh = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true, code: { regExp: ajvRegExpEngine } });
  (addFormats.default ?? addFormats)(fresh);
  return fresh;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** A JSON Schema compiled with the shared ajv instance (once per schema object). */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = precompiled(schema) ?? getAjv().compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The package's own schemas (schemas/NAME.schema.json) that the build compiles ahead of time. */
const SHIPPED_SCHEMA_ID = /\/schemas\/(config|registry)\.schema\.json$/;

/**
 * The validator `npm run build` compiled from this very schema (scripts/compile-schemas.mjs writes
 * dist/schemas/NAME.validate.cjs with the same ajv options as `getAjv`), or undefined: another schema, a
 * build without it (the GitHub Action bundle, tests before a build) or one made from other bytes (the
 * schema was regenerated after the build). Saves compiling the config schema on every run (about 0.3 s).
 */
function precompiled(schema: Record<string, unknown>): ValidateFunction | undefined {
  const name = typeof schema.$id === 'string' ? SHIPPED_SCHEMA_ID.exec(schema.$id)?.[1] : undefined;
  if (!name) return undefined;
  try {
    const mod = lazyRequire(packageFile('dist', 'schemas', `${name}.validate.cjs`)) as { default?: ValidateFunction; schemaDigest?: string };
    const digest = createHash('sha1').update(JSON.stringify(schema)).digest('hex');
    return mod.schemaDigest === digest && typeof mod.default === 'function' ? mod.default : undefined;
  } catch {
    return undefined; // not built: compile at run time
  }
}

/** `/rules/image-pinned/options` → ['rules', 'image-pinned', 'options'] (JSON Pointer unescaped). */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** An ajv error in plain words, and the path of the node it is about. */
export function describeAjvError(error: ErrorObject, subject = 'the document'): { path: PathSegment[]; message: string; atKey?: boolean } {
  const path = pointerToPath(error.instancePath);
  const where = path.length > 0 ? path.join('.') : subject;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        path: [...path, String(p.additionalProperty)],
        message: `unknown key "${String(p.additionalProperty)}"${path.length > 0 ? ` in ${where}` : ''}`,
        atKey: true,
      };
    case 'required':
      return { path, message: `${where} is missing the required key "${String(p.missingProperty)}"` };
    case 'enum':
      return { path, message: `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `${where} must be ${JSON.stringify(p.allowedValue)}` };
    case 'type':
      return { path, message: `${where} must be of type ${String(p.type)}` };
    default:
      return { path, message: `${where} ${error.message ?? 'is invalid'}` };
  }
}
