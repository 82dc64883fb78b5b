import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ajv validator for docs/alert-schema.v1.json (the published schema, read from the docs). */
export function alertSchemaValidator() {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../docs/alert-schema.v1.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
