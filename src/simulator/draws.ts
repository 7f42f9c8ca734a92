/**
 * Deterministic pseudo-random draws keyed by a number, for the synthetic stores: a benchmark
 * catalog of any size has to come out the same on every run and in every process.
 */

/** A 32-bit integer finaliser; good enough to spread consecutive n over buckets evenly. */
export const mix32 = (value: number): number => {
  let x = value >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d)
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b)
  return (x ^ (x >>> 16)) >>> 0
}

/**
 * A stream of 32-bit draws for one number and one purpose. Distinct purposes give independent
 * streams, so adding a new use of n never shifts the draws an existing use relies on.
 */
export const drawsFor = (n: number, purpose: number): (() => number) => {
  let state = mix32(mix32(n >>> 0) ^ mix32(Math.floor(n / 2 ** 32)) ^ purpose)
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    return mix32(state)
  }
}
