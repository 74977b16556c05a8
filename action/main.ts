/** The action bundle's entry (scripts/build-action.mjs): the bundled lazy modules, then the run. */
import './bundled-modules.js';
import { runAction } from '../src/action.js';

process.exitCode = await runAction(process.env, process.cwd(), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
