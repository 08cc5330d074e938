// How far V8 lets the old generation grow past what the last full collection kept before it starts
// the next one. A call server promotes per-exchange state that lives a few seconds (the running turn,
// its store writes, frames in flight); with V8's own factor, which it sets low when allocation is
// fast, that meant a mark-compact every 10–15 s at 200 realtime calls, each taking the one core from
// the event loop for 100–250 ms while callers waited for audio. Growing by 300% makes them rare for
// some tens of MB more heap (decision 0037). Set at run time: V8 reads the flag each time it sets the
// next limit. Process-wide, so only the serve command (and the benchmark that stands in for it) call it.
import { setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';

/** The flag to set for `percent`, or undefined: 0 keeps V8's own, and a flag given to node wins. */
export function heapGrowthFlag(
  percent: number,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  if (percent <= 0) return undefined;
  // Node takes `_` for `-` in V8 flag names.
  const given = (arg: string) => arg.split('=')[0]!.replaceAll('_', '-') === FLAG;
  if (execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given)) return undefined;
  return `${FLAG}=${percent}`;
}

/** Applies HEAP_GROWING_PERCENT to this process. */
export function applyHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent, process.execArgv, process.env.NODE_OPTIONS);
  if (flag) setFlagsFromString(flag);
}
