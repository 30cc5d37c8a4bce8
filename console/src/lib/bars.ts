/** One bar of a BarChart: a value and, when it is held to one, its own target (e.g. a contract). */
export interface Bar {
  label: string;
  value: number;
  target?: number;
}

/**
 * The chart in words, for its aria-label (a role="img" hides its inside from screen readers):
 * "title: label value (target), …".
 */
export function describeBars(title: string, bars: readonly Bar[], format: (value: number) => string): string {
  const items = bars.map(
    (bar) => `${bar.label} ${format(bar.value)}${bar.target === undefined ? '' : ` / ${format(bar.target)}`}`,
  );
  return items.length === 0 ? title : `${title}: ${items.join(', ')}`;
}

/** The scale's end: the largest value or target (and the chart-wide target), never zero. */
export function scaleEnd(bars: readonly Bar[], target?: number): number {
  const values = bars.flatMap((bar) => (bar.target === undefined ? [bar.value] : [bar.value, bar.target]));
  return Math.max(...values, target ?? 0) || 1;
}
