/** Lets queued messages (a cancel, say) and timers run before long work continues. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
