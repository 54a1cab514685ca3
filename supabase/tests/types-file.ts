import { join } from 'node:path';

/** The app's generated database types: what `npm run db:types` writes (its --out in package.json). */
export const TYPES_FILE = join(import.meta.dirname, '..', '..', 'src', 'lib', 'database.types.ts');
