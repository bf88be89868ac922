// The host owns memory: it places its arena after the module's static data, which ends at __heap_base.

/** First byte the host may use (everything below is the module's static data). */
export function heap_base(): usize {
  return __heap_base;
}
