// DATA_DIR holds the admin key, the local secrets and every call's data, so what we create there is
// for this user alone: folders 0700, files 0600. The embedded databases write their own files with
// the default mode; their folders being 0700 is what keeps others out of them.
import { chmodSync, mkdirSync } from 'node:fs';

export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `path` (and missing parents) as 0700. `tighten`: also narrow a folder that already exists,
 * for folders only this program uses (DATA_DIR itself may be a folder the user made and shares).
 */
export function makePrivateFolder(path: string, options: { tighten?: boolean } = {}): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (options.tighten) chmodSync(path, PRIVATE_FOLDER_MODE);
}
