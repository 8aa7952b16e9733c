import type { IHeaders } from '@cqrs-products/kafka';
import { type KafkaRecord, recordAddress } from '../dead-letter.js';
import type { DecodedValue } from '../decode.js';
import { formatTable } from './table.js';

/** Text when the bytes are printable UTF-8 (all our headers are), else hex, so nothing is garbled. */
export function printable(bytes: Buffer | string): string {
  if (typeof bytes === 'string') return bytes;
  const text = bytes.toString('utf8');
  const clean = Buffer.from(text, 'utf8').equals(bytes) && !/[\p{Cc}]/u.test(text);
  return clean ? text : `hex:${bytes.toString('hex')}`;
}

function headerRows(headers: IHeaders): string[][] {
  return Object.entries(headers)
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => [name, v]))
    .filter((row): row is [string, Buffer | string] => row[1] !== undefined)
    .map(([name, value]) => [name, printable(value)])
    .sort(([a = ''], [b = '']) => a.localeCompare(b));
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

function formatValue(record: KafkaRecord, decoded: DecodedValue): string {
  const size = `${record.value?.length ?? 0} bytes`;
  if (decoded.kind === 'decoded')
    return `value: ${decoded.type} (${size})\n${indent(JSON.stringify(decoded.value, null, 2))}`;
  return `value: undecodable (${size}): ${decoded.reason}\n${indent(
    formatTable(
      ['ENCODING', 'BYTES'],
      [
        ['hex', decoded.hex],
        ['base64', decoded.base64],
      ],
    ),
  )}`;
}

/** One record in full: where it is, its key, every header, and its value decoded or as bytes. */
export function formatDeadLetter(record: KafkaRecord, decoded: DecodedValue): string {
  const timestamp = Number(record.timestamp);
  const written = Number.isFinite(timestamp) ? new Date(timestamp).toISOString() : record.timestamp;
  return [
    `dead letter ${recordAddress(record)}`,
    indent(
      formatTable(
        ['FIELD', 'VALUE'],
        [
          ['written', written],
          ['key', record.key === null ? '(none)' : printable(record.key)],
        ],
      ),
    ),
    'headers:',
    indent(formatTable(['NAME', 'VALUE'], headerRows(record.headers))),
    formatValue(record, decoded),
  ].join('\n');
}
