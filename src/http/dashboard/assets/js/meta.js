// The lists forms are built from (languages and voices, field types, enums), from the server.
import { get } from './api.js';

export async function loadMeta(signal) {
  const [voices, fieldTypes, enums] = await Promise.all([
    get('/meta/voices', { signal }),
    get('/meta/field-types', { signal }),
    get('/meta/enums', { signal }),
  ]);
  return { languages: voices.languages, fieldTypes: fieldTypes.field_types, enums };
}
