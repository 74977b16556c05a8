/**
 * Kubernetes resource quantities (`1536Mi`, `2Gi`, `500m`, `1e3`, `0.5`), parsed exactly enough to
 * compare: binary (Ki…Ei) and decimal (k, M, G, T, P, E; m, u, n) suffixes and exponents.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]))?$/;

/** The quantity in base units (bytes, cores, devices), or undefined when it is not a valid quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, number, exponent, binary, decimal] = match;
  const base = Number(number);
  if (exponent) return base * 10 ** Number(exponent.slice(1));
  if (binary) return base * BINARY[binary];
  return base * DECIMAL[decimal ?? ''];
}

/** Bytes as the largest binary unit that keeps it readable: 1610612736 → "1.5Gi". */
export function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [unit, size] of units) {
    if (bytes >= size) return `${trim(bytes / size)}${unit}`;
  }
  return `${trim(bytes)}`;
}

/**
 * The smallest tidy quantity that is at least `bytes`, for "set at least …" advice: whole Gi when exact,
 * else rounded up to Mi (or Ki): 2013265920 → "1920Mi", 2147483648 → "2Gi".
 */
export function formatBytesAtLeast(bytes: number): string {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}Gi`;
  if (bytes >= 2 ** 20) return `${Math.ceil(bytes / 2 ** 20)}Mi`;
  return `${Math.ceil(bytes / 2 ** 10)}Ki`;
}

/** Cores as Kubernetes writes them: 0.5 → "500m", 2 → "2". */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

function trim(n: number): string {
  return String(Math.round(n * 100) / 100);
}
