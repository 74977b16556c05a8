/** Rendering object paths for display (paths stay arrays everywhere else: keys such as `nvidia.com/gpu` contain dots). */
import type { PathSegment } from '../types.js';

/** `['spec','containers',0,'resources','limits','nvidia.com/gpu']` → `spec.containers[0].resources.limits["nvidia.com/gpu"]`. */
export function renderPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
