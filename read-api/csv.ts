// CSV as in RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a
// quote, CR or LF (or leading/trailing spaces), with quotes doubled inside. Null is an empty field.
// Values are written as they are (no spreadsheet-formula escaping: an audit export must be exact).

const needsQuotes = /[",\r\n]|^\s|\s$/;

export const csvField = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : JSON.stringify(value);
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvLine = (values: readonly unknown[]): string => `${values.map(csvField).join(',')}\r\n`;
