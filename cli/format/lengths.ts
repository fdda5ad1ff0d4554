/** A range of input lengths as the CLI says it: "length 5" for one, "lengths 5–10" for several. */
export const lengthsText = (r: { readonly minLen: number; readonly maxLen: number }): string =>
  r.minLen === r.maxLen ? `length ${r.minLen}` : `lengths ${r.minLen}–${r.maxLen}`;
