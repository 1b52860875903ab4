/** Parsers of command-line option values, shared by the commands' registrations. */
import { InvalidArgumentError } from 'commander';

/** A whole number from `min` to `max`; commander reports anything else with the range. */
export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}
