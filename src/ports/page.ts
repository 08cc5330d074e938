/** A page of results; `cursor` is opaque to callers and absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}
