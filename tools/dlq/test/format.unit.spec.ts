import { describe, expect, it } from 'vitest';
import { describeDeadLetter, type KafkaRecord, redriveMessage } from '../src/dead-letter.js';
import { decodeValue } from '../src/decode.js';
import { errorWidth, formatDeadLetterList } from '../src/format/list.format.js';
import { formatRedrive } from '../src/format/redrive.format.js';
import { formatDeadLetter } from '../src/format/show.format.js';
import { formatTable, truncate } from '../src/format/table.js';

const deadLetter = (overrides: Partial<KafkaRecord> = {}): KafkaRecord => ({
  topic: 'p_product_update.dlq',
  partition: 1,
  offset: '12',
  timestamp: String(Date.parse('2026-01-02T03:04:05.000Z')),
  key: Buffer.from('prod-1'),
  value: Buffer.from([0xff, 0xff]),
  headers: {
    'message-id': Buffer.from('m-1'),
    'dlq-error': Buffer.from(`Product not found:\n${'x'.repeat(80)}`),
    'dlq-error-code': Buffer.from('PRODUCT_NOT_FOUND'),
    'dlq-original-topic': Buffer.from('p_product_update'),
    'dlq-original-partition': Buffer.from('2'),
    'dlq-original-offset': Buffer.from('40'),
    'dlq-attempts': Buffer.from('1'),
    'dlq-failed-at': Buffer.from('2026-01-02T03:04:05.000Z'),
  },
  ...overrides,
});

describe('tables', () => {
  it('aligns columns two spaces apart, trims line ends, and shows a missing value as -', () => {
    expect(
      formatTable(
        ['A', 'LONG NAME'],
        [
          ['1', undefined],
          ['333', 'x'],
        ],
      ),
    ).toBe(['A    LONG NAME', '1    -', '333  x'].join('\n'));
  });

  it('truncates to one line of at most the width, marking the cut', () => {
    expect(truncate('a\n  b', 10)).toBe('a b');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('list output', () => {
  it('has one row per dead letter: partition:offset, key, code, short error, origin, attempts, time, id', () => {
    const text = formatDeadLetterList('p_product_update.dlq', [describeDeadLetter(deadLetter())]);
    const [heading, columns, row] = text.split('\n');
    expect(heading).toBe('p_product_update.dlq: 1 dead letter');
    expect(columns?.split(/\s{2,}/)).toEqual([
      'OFFSET',
      'KEY',
      'CODE',
      'ERROR',
      'ORIGIN',
      'ATTEMPTS',
      'FAILED AT',
      'MESSAGE ID',
    ]);
    const cells = row?.split(/\s{2,}/);
    expect(cells).toEqual([
      '1:12',
      'prod-1',
      'PRODUCT_NOT_FOUND',
      `Product not found: ${'x'.repeat(errorWidth - 20)}…`,
      'p_product_update/2/40',
      '1',
      '2026-01-02T03:04:05.000Z',
      'm-1',
    ]);
  });

  it('says so when a topic holds nothing, and keeps columns when headers are missing', () => {
    expect(formatDeadLetterList('a.dlq', [])).toBe('a.dlq: no dead letters');
    const bare = formatDeadLetterList('a.dlq', [describeDeadLetter(deadLetter({ headers: {}, key: null }))]);
    expect(bare.split('\n')[2]?.split(/\s{2,}/)).toEqual(['1:12', '-', '-', '-', '-', '-', '-', '-']);
  });
});

describe('show output', () => {
  it('prints headers as text and an undecodable value as hex and base64 with the reason', () => {
    const record = deadLetter();
    const text = formatDeadLetter(record, decodeValue('p_product_update', record.value));
    expect(text).toContain('dead letter p_product_update.dlq/1/12');
    expect(text).toMatch(/written\s+2026-01-02T03:04:05.000Z/);
    expect(text).toMatch(/dlq-error-code\s+PRODUCT_NOT_FOUND/);
    expect(text).toMatch(/value: undecodable \(2 bytes\): not a valid ProductUpdate: /);
    expect(text).toMatch(/hex\s+ffff\n\s+base64\s+\/\/8=/);
  });

  it('prints binary header values as hex rather than garbled text', () => {
    const record = deadLetter({ headers: { raw: Buffer.from([0, 1, 0xfe]) } });
    expect(formatDeadLetter(record, decodeValue(undefined, null))).toMatch(/raw\s+hex:0001fe/);
  });
});

describe('redrive output', () => {
  const message = redriveMessage(deadLetter(), new Date('2026-02-01T00:00:00Z'));

  it('on a dry run says nothing was sent, and where each would go', () => {
    const text = formatRedrive('p_product_update.dlq', [{ message }], true);
    expect(text.split('\n')[0]).toBe(
      'dry run: 1 dead letter of p_product_update.dlq would be sent to p_product_update; nothing was sent',
    );
    expect(text.split('\n')[2]?.split(/\s{2,}/)).toEqual([
      '1:12',
      'prod-1',
      'm-1',
      'p_product_update (not sent)',
    ]);
  });

  it('after a send, names the partition and offset each message landed at', () => {
    const text = formatRedrive(
      'p_product_update.dlq',
      [{ message, sentTo: { partition: 2, offset: '41' } }],
      false,
    );
    expect(text.split('\n')[0]).toBe(
      'redrive: 1 dead letter of p_product_update.dlq sent to p_product_update',
    );
    expect(text.split('\n')[2]?.split(/\s{2,}/)).toEqual(['1:12', 'prod-1', 'm-1', 'p_product_update/2/41']);
  });
});
