// CSV as in RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a
// quote, CR or LF (or leading/trailing spaces), with quotes doubled inside. Null is an empty field.
//
// Spreadsheet formula injection (OWASP "CSV Injection", ASVS 1.2.10): a text cell that starts
// with `=`, `+`, `-`, `@`, a tab, a carriage return or NUL would be evaluated as a formula by
// Excel, LibreOffice or Google Sheets when an auditor opens the export. Such a cell is written
// with a leading single quote and quoted (`"'=1+2"`): spreadsheets show it as text, and a reader
// of the raw file can tell the quote was added. Numbers and booleans are not text and are written
// as they are (the exports' numbers are versions, counts and money as whole minor units, never
// negative, so none starts with `-`). Only CSV is neutralised: NDJSON and JSON stay exact.

const needsQuotes = /[",\r\n]|^\s|\s$/;
const formulaStart = /^[=+\-@\t\r\0]/;

/** A text cell as a spreadsheet will read it safely: formula-leading text gets a `'` prefix. */
export const neutraliseFormula = (text: string): string => (formulaStart.test(text) ? `'${text}` : text);

export const csvField = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  const text = neutraliseFormula(raw);
  return needsQuotes.test(text) || text !== raw ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvLine = (values: readonly unknown[]): string => `${values.map(csvField).join(',')}\r\n`;
