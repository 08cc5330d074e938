// Writes the part of Twilio's OpenAPI description (twilio-oai, MIT) that the fake Twilio REST
// server validates against: the form bodies of the operations we call, with the schemas they
// reference. The full description is 1.8 MB; the tests need a few kilobytes of it, kept in the repo
// so a fresh clone runs its tests with nothing beside it.
// Usage: node scripts/vendor-twilio-spec.mjs path/to/twilio_api_v2010.json
import { readFileSync, writeFileSync } from 'node:fs';

const PATHS = [
  '/2010-04-01/Accounts/{AccountSid}/Calls.json',
  '/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json',
  '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
];
const OUT = new URL('../test/fakes/twilio-spec/twilio_api_v2010.subset.json', import.meta.url);

const source = process.argv[2];
if (!source) {
  process.stderr.write('usage: node scripts/vendor-twilio-spec.mjs path/to/twilio_api_v2010.json\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(source, 'utf8'));
const schemas = {};
const collect = (node) => {
  if (Array.isArray(node)) return node.forEach(collect);
  if (typeof node !== 'object' || node === null) return;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/components/schemas/', '');
    if (!(name in schemas)) {
      schemas[name] = spec.components.schemas[name];
      collect(schemas[name]);
    }
  }
  Object.values(node).forEach(collect);
};
const paths = {};
for (const path of PATHS) {
  const requestBody = spec.paths[path]?.post?.requestBody;
  if (!requestBody) throw new Error(`no POST body for ${path}`);
  collect(requestBody);
  paths[path] = { post: { operationId: spec.paths[path].post.operationId, requestBody } };
}
const subset = { openapi: spec.openapi, info: spec.info, paths, components: { schemas } };
writeFileSync(OUT, `${JSON.stringify(subset, null, 2)}\n`);
process.stdout.write(`wrote ${OUT.pathname}\n`);
