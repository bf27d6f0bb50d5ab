// `npm run schema`: writes ops.schema.json from the zod schema, so editors autocomplete ops.yml.
import { writeFileSync } from 'node:fs';
import { opsJsonSchema } from './json-schema.js';

writeFileSync(new URL('../../ops.schema.json', import.meta.url), `${JSON.stringify(opsJsonSchema(), null, 2)}\n`);
console.log('wrote ops.schema.json');
