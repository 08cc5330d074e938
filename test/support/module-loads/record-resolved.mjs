// Module customization hooks (node:module register) that append the URL of every module the process
// resolves to a file, one a line. process.moduleLoadList does not list ES modules; this does.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
