/**
 * A typed mock of the methods of `T` a service spec needs (immich style: unit
 * specs of services with their repositories mocked; what the product runs
 * against the real thing — SQLite, Redis, the dataplane — keeps its real-thing
 * tests under test/ and beside the repositories). Only the listed methods
 * exist; calling another one is a TypeError, so a spec cannot depend on one
 * it did not declare.
 */
export type TypedMock<T, K extends keyof T> = { [P in K]: T[P] extends (...args: infer A) => infer R ? jest.Mock<R, A> : never };

export function typedMock<T>(): <K extends keyof T>(...methods: K[]) => TypedMock<T, K> & T {
  return <K extends keyof T>(...methods: K[]) => {
    const mock = {} as Record<K, jest.Mock>;
    for (const m of methods) mock[m] = jest.fn();
    return mock as unknown as TypedMock<T, K> & T;
  };
}
