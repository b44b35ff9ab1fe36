// Compile-time assertion helper for the type tests: `assertType<T>(value)` compiles only if value is a T.
export function assertType<T>(value: T): T {
  return value;
}
