/**
 * The proxy both stand-ins return from their constructors: until the real client class is installed,
 * only the stand-in's own members answer (anything else throws `notLoaded`'s error); from then on every
 * property is the real client's, built once with the arguments supabase-js gave the stand-in.
 */
type ClientClass = new (...args: never[]) => object;

export function forwardOnceLoaded<T extends object>(standIn: T, args: unknown[], realClass: () => ClientClass | undefined, notLoaded: (member: string) => Error): T {
  let real: object | undefined;
  return new Proxy(standIn, {
    get(target, property, receiver) {
      if (typeof property === 'symbol' || property === 'constructor') return Reflect.get(target, property, receiver) as unknown;
      const Real = realClass();
      if (Real) {
        real ??= new Real(...(args as never[]));
        const value = Reflect.get(real, property) as unknown;
        return typeof value === 'function' ? (value as (...rest: unknown[]) => unknown).bind(real) : value;
      }
      if (property in target) return Reflect.get(target, property, receiver) as unknown;
      // Not a thenable, and not serialised: a stand-in passed through a promise or a log stays quiet.
      if (property === 'then' || property === 'toJSON') return undefined;
      throw notLoaded(property);
    },
  });
}
