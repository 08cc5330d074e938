// Building an Intl.DateTimeFormat costs about 50 times more than formatting with one (it resolves the
// locale and the time zone), and every turn formats dates in the same few zones. Formatters hold no
// call data, so one shared, bounded set serves every call.
const MAX_FORMATS = 200;
const formats = new Map<string, Intl.DateTimeFormat>();

/** A cached `new Intl.DateTimeFormat(locale, options)`; throws as it does on an unknown zone or locale. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    if (formats.size >= MAX_FORMATS) formats.delete(formats.keys().next().value!);
    formats.set(key, format);
  }
  return format;
}
