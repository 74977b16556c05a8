/** The real helm for render tests: skipped with a loud reason when missing, a failure when CI=true. */
import { describe } from 'vitest';
import { findHelm } from '../../src/render/index.js';

export const helmLookup = findHelm(undefined, []);
if (!helmLookup.ok) {
  const reason = `Helm render tests need helm (v3) on PATH or in .tools/bin (bash .ci/run installs it): ${helmLookup.message}`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
}
export const describeHelm = helmLookup.ok ? describe : describe.skip;
export const helmExe = helmLookup.ok ? helmLookup.exe : '';
