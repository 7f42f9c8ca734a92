/**
 * The demo catalog's choices: a well-mixed 32-bit hash of (id, purpose). Every choice of every
 * row is a pure function of the row's id, independent of the row's other choices, so the
 * catalog is the same on every machine and a rerun has exactly the same input.
 */

export const draw = (id: number, purpose: number): number => {
  let h = Math.imul(id ^ 0x5f356495, 0x2c1b3c6d) ^ Math.imul(purpose + 0x3c6ef372, 0x297a2d39)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

export const pick = <A>(items: ReadonlyArray<A>, value: number): A => items[value % items.length]!
