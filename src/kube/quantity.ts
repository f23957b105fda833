/**
 * Kubernetes resource quantities (apimachinery `resource.Quantity`): `250m`, `2`, `512Mi`, `1G`, `1e3`, `.5`.
 * One parser for the whole product. Bad input has one defined answer: `undefined` — never NaN, never a throw —
 * so every caller must say what an unparsable quantity means where it reads one (the cluster views count it
 * as 0, like an absent field). Whole-unit and milli values round up, as `Quantity.Value()`/`MilliValue()` do.
 */

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** `<sign?><digits>[.<digits>]` or `.<digits>`, then a binary suffix, a decimal suffix or an `e`/`E` exponent. */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * The quantity's value in base units (cores, bytes, pods), or `undefined` when `q` is not a quantity (including
 * the empty string, surrounding whitespace, and numbers that are not finite). Numbers pass through.
 */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const [, number, binary, decimal, exponent] = m;
  const scale = binary ? BINARY[binary]! : decimal ? DECIMAL[decimal]! : exponent ? 10 ** Number(exponent) : 1;
  const value = Number(number) * scale;
  return Number.isFinite(value) ? value : undefined;
}

/** Rounds up, ignoring the last bits of floating-point error (0.1 × 1000 is 100, not 101; 100n is still 1). */
const ceil = (x: number): number => {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= Math.abs(x) * 1e-12 ? nearest : Math.ceil(x);
};

/** The value in whole base units, rounded up (`Quantity.Value()`): bytes of memory, a pod count. */
export function quantityValue(q: string | number): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : ceil(v);
}

/** The value in thousandths, rounded up (`Quantity.MilliValue()`): millicores of CPU. */
export function quantityMilli(q: string | number): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : ceil(v * 1000);
}

/** CPU millicores for people: `2` for 2000, `250m` for 250. */
export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}

/** Bytes for people: `1.5Gi`, `512Mi`, or plain bytes below 1 Mi. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)}Gi`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)}Mi`;
  return `${bytes}`;
}
