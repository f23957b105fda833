/**
 * The sandbox's protobuf writer and encoder at the byte level: varints (negatives, beyond 2^32), strings,
 * nested lengths that outgrow their reserved byte, map keys in byte order, golden bytes for a small pod
 * written from the upstream field numbers by hand, and the encoder's refusals.
 */
import { describe, expect, it } from 'vitest';
import { ProtoWriter, putVarint, varintSize } from '../../../src/sandbox/http/protobuf/writer.js';
import { encodeMessage, ProtobufEncodeError } from '../../../src/sandbox/http/protobuf/encoder.js';
import { encodePod } from '../../../src/sandbox/http/protobuf/pod-codec.js';
import { ObjectMeta } from '../../../src/sandbox/http/protobuf/meta-schema.js';
import { Pod } from '../../../src/sandbox/http/protobuf/pod-schema.js';
import { negotiate } from '../../../src/sandbox/http/protobuf/negotiation.js';
import { envelopeHead, ENVELOPE_TAIL } from '../../../src/sandbox/http/protobuf/envelope.js';
import type { KObject } from '../../../src/sandbox/store/types.js';
import { decodeEnvelope, decodeMessage, ProtoReader } from '../../helpers/protobuf-decoder.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function written(fn: (w: ProtoWriter) => void, initialSize = 16): Buffer {
  const w = new ProtoWriter(initialSize);
  fn(w);
  return w.finish();
}

describe('varints', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 31 - 1, 'ffffffff07'],
    [2 ** 32, '8080808010'],
    [2 ** 32 + 5, '8580808010'],
    [2 ** 53 - 1, 'ffffffffffffff0f'],
  ])('writes %d as %s', (v, want) => {
    expect(hex(written((w) => w.uvarint(v)))).toBe(want);
    expect(varintSize(v)).toBe(want.length / 2);
    const buf = new Uint8Array(10);
    expect(putVarint(buf, 0, v)).toBe(want.length / 2);
  });

  it('writes 2^64-1 given as a bigint in ten bytes', () => {
    expect(hex(written((w) => w.uvarint(2n ** 64n - 1n)))).toBe('ffffffffffffffffff01');
  });

  it.each([
    [-1, 'ffffffffffffffffff01'],
    [-2, 'feffffffffffffffff01'],
    [-(2 ** 31), '80808080f8ffffffff01'],
    [-(2 ** 32), '80808080f0ffffffff01'],
    [-(2 ** 53), '80808080808080f0ff01'],
  ])('writes the negative %d as ten bytes of two’s complement', (v, want) => {
    const b = written((w) => w.svarint(v));
    expect(hex(b)).toBe(want);
    expect(Number(BigInt.asIntN(64, new ProtoReader(b).varint()))).toBe(v);
  });

  it('round-trips through the test reader', () => {
    for (const v of [0, 5, 127, 128, 16383, 16384, 2 ** 28, 2 ** 35 + 17, Number.MAX_SAFE_INTEGER]) {
      expect(Number(new ProtoReader(written((w) => w.uvarint(v))).varint())).toBe(v);
    }
  });
});

describe('strings', () => {
  it.each(['', 'a', 'kube-system', 'café', '日本語', 'emoji 😀', 'x'.repeat(127), 'y'.repeat(128), 'é'.repeat(100)])(
    'prefixes %j with its UTF-8 length',
    (s) => {
      const b = written((w) => expect(w.string(s)).toBe(true));
      const r = new ProtoReader(b);
      expect(r.string()).toBe(s);
      expect(r.done).toBe(true);
      expect(Number(new ProtoReader(b).varint())).toBe(Buffer.byteLength(s));
    },
  );

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    const w = new ProtoWriter();
    expect(w.string('bad \ud800 surrogate')).toBe(false);
    expect(w.length).toBe(0);
  });
});

describe('nested messages', () => {
  it.each([0, 5, 127, 128, 200, 16383, 16384, 70_000])('writes a body of %d bytes behind its exact length', (n) => {
    const b = written((w) => {
      w.tag(1, 2);
      const start = w.begin();
      w.raw(new Uint8Array(n).fill(7));
      w.end(start);
      w.tag(2, 0);
      w.uvarint(9);
    });
    const r = new ProtoReader(b);
    expect(r.tag()).toEqual([1, 2]);
    const body = r.bytes();
    expect(body.length).toBe(n);
    expect(body.every((x) => x === 7)).toBe(true);
    expect(r.tag()).toEqual([2, 0]);
    expect(Number(r.varint())).toBe(9);
    expect(r.done).toBe(true);
  });

  it('fixes the lengths of three levels whose bodies all outgrow one length byte', () => {
    const b = written((w) => {
      w.tag(1, 2);
      const a = w.begin();
      w.tag(2, 2);
      const bb = w.begin();
      w.tag(3, 2);
      const c = w.begin();
      w.raw(new Uint8Array(300).fill(1));
      w.end(c);
      w.raw(new Uint8Array(20_000).fill(2));
      w.end(bb);
      w.end(a);
    });
    const r1 = new ProtoReader(b);
    r1.tag();
    const l1 = r1.bytes();
    expect(l1.length).toBe(1 + 3 + 1 + 2 + 300 + 20_000);
    const r2 = new ProtoReader(l1);
    expect(r2.tag()).toEqual([2, 2]);
    const l2 = r2.bytes();
    const r3 = new ProtoReader(l2);
    expect(r3.tag()).toEqual([3, 2]);
    expect(r3.bytes().length).toBe(300);
    expect(l2.length - r3.pos).toBe(20_000);
  });
});

describe('maps', () => {
  it('writes entries {1 key, 2 value} with keys in UTF-8 byte order', () => {
    const labels = {
      b: '2',
      'app.kubernetes.io/name': 'x',
      Z: 'upper',
      a: '1',
      ä: 'umlaut',
      '\uff5e': 'bmp',
      '😀': 'astral',
    };
    const w = new ProtoWriter();
    encodeMessage(w, { labels }, ObjectMeta);
    const keys: string[] = [];
    const r = new ProtoReader(w.finish());
    while (!r.done) {
      expect(r.tag()).toEqual([11, 2]);
      const e = new ProtoReader(r.bytes());
      expect(e.tag()).toEqual([1, 2]);
      keys.push(e.string());
      expect(e.tag()).toEqual([2, 2]);
      expect(e.string()).toBe(labels[keys.at(-1) as keyof typeof labels]);
    }
    // UTF-16 order would put the astral emoji (a surrogate pair) before U+FF5E; Go sorts bytes.
    expect(keys).toEqual(['Z', 'a', 'app.kubernetes.io/name', 'b', 'ä', '\uff5e', '😀']);
  });
});

describe('golden bytes (numbers from the upstream generated.proto, written by hand)', () => {
  it('encodes a small pod field by field', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'a', namespace: 'b', creationTimestamp: '1970-01-01T00:00:10Z', labels: { app: 'x' } },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n' },
      status: { phase: 'Running' },
    } as unknown as KObject;
    const meta = '0a0161' + '1a0162' + '4204080a1000' + '5a08' + '0a03617070' + '120178';
    const spec = '1206' + '0a0163' + '120169' + '52016e';
    const status = '0a0752756e6e696e67';
    const want = `0a${(meta.length / 2).toString(16).padStart(2, '0')}${meta}12${(spec.length / 2).toString(16).padStart(2, '0')}${spec}1a${(status.length / 2).toString(16).padStart(2, '0')}${status}`;
    expect(hex(encodePod(pod))).toBe(want);
  });

  it('writes an int port as IntOrString {type 0, intVal, strVal ""} and a named one as {type 1, intVal 0, strVal}', () => {
    const pod = {
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'c', livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { tcpSocket: { port: 'http' } } },
        ],
      },
    } as unknown as KObject;
    const b = hex(encodePod(pod));
    // livenessProbe (10) → handler (1) → httpGet (2) → port (2) = {08 00 10 90 3f 1a 00}
    expect(b).toContain('520d' + '0a0b' + '1209' + '1207' + '0800' + '10903f' + '1a00');
    // readinessProbe (11) → handler (1) → tcpSocket (3) → port (1) = {08 01 10 00 1a 04 "http"}
    expect(b).toContain('5a10' + '0a0e' + '1a0c' + '0a0a' + '0801' + '1000' + '1a0468747470');
  });

  it('encodes explicit false, 0 and "" and a null Time as an empty message', () => {
    const pod = {
      metadata: { name: '', generation: 0, deletionGracePeriodSeconds: 0 },
      spec: { containers: [{ name: 'c' }], automountServiceAccountToken: false, priority: 0 },
      status: { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }] },
    } as unknown as KObject;
    const b = hex(encodePod(pod));
    expect(b.startsWith('0a06' + '0a00' + '3800' + '5000')).toBe(true);
    expect(b).toContain('a80100'); // automountServiceAccountToken = 21, varint → tag a8 01, value 00
    expect(b).toContain('c80100'); // priority = 25
    expect(b).toContain('1a00'); // lastProbeTime = 3, zero Time
  });

  it('frames an object as k8s\\0 + runtime.Unknown {typeMeta, raw, contentEncoding "", contentType ""}', () => {
    const raw = Buffer.from('0a0161', 'hex');
    const body = Buffer.concat([envelopeHead('v1', 'Pod', raw.length), raw, ENVELOPE_TAIL]);
    expect(hex(body)).toBe('6b387300' + '0a09' + '0a027631' + '1203506f64' + '1203' + '0a0161' + '1a00' + '2200');
    const env = decodeEnvelope(body);
    expect(env).toMatchObject({ apiVersion: 'v1', kind: 'Pod', contentEncoding: '', contentType: '' });
  });
});

describe('refusals', () => {
  const base = () =>
    ({
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [{ name: 'c', image: 'i', tolerations: undefined }] },
    }) as unknown as KObject;

  function refusal(mutate: (p: KObject) => void): ProtobufEncodeError {
    const p = base();
    mutate(p);
    try {
      encodePod(p);
    } catch (e) {
      expect(e).toBeInstanceOf(ProtobufEncodeError);
      return e as ProtobufEncodeError;
    }
    throw new Error('encoded');
  }

  it('names an unknown field by its path', () => {
    const e = refusal((p) => (p.spec.containers[0].bogus = 1));
    expect(e.problem).toBe('unknown-field');
    expect(e.field).toBe('spec.containers[0].bogus');
    expect(e.message).toContain('spec.containers[0].bogus');
  });

  it('refuses unknown top-level fields and a foreign kind', () => {
    expect(refusal((p) => ((p as Record<string, unknown>).extra = {})).field).toBe('extra');
    expect(refusal((p) => (p.kind = 'Node')).field).toBe('kind');
  });

  it('refuses values it could not give back identically', () => {
    expect(refusal((p) => (p.spec.nodeName = null)).field).toBe('spec.nodeName');
    expect(refusal((p) => (p.spec.priority = 1.5)).detail).toMatch(/int32/);
    expect(refusal((p) => (p.spec.priority = 2 ** 31)).detail).toMatch(/int32/);
    expect(refusal((p) => (p.spec.hostNetwork = 'true')).detail).toMatch(/boolean/);
    expect(refusal((p) => (p.metadata.creationTimestamp = '2024-01-01T00:00:00.5Z')).field).toBe(
      'metadata.creationTimestamp',
    );
    expect(refusal((p) => (p.metadata.creationTimestamp = '2024-13-01T00:00:00Z')).field).toBe(
      'metadata.creationTimestamp',
    );
    expect(refusal((p) => (p.spec.containers[0].resources = { requests: { cpu: 1 } })).field).toBe(
      'spec.containers[0].resources.requests',
    );
    expect(refusal((p) => (p.spec.containers[0].name = 'x\udc00')).detail).toMatch(/surrogate/);
  });

  it('treats undefined properties as absent, as JSON does', () => {
    const p = base();
    expect(decodeMessage(encodePod(p), Pod)).toEqual({
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
  });
});

describe('content negotiation', () => {
  it.each([
    [undefined, 'json'],
    ['application/json', 'json'],
    ['application/json, application/vnd.kubernetes.protobuf', 'json'],
    ['application/vnd.kubernetes.protobuf, application/json', 'protobuf'],
    ['application/vnd.kubernetes.protobuf,*/*', 'protobuf'],
    ['application/vnd.kubernetes.protobuf', 'protobuf-only'],
    ['application/vnd.kubernetes.protobuf;q=1', 'protobuf-only'],
  ])('Accept %j → %s', (accept, want) => {
    expect(negotiate(accept)).toBe(want);
  });
});
