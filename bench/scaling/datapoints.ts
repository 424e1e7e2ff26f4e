/** CloudWatch's side of the model: samples stored per metric and time, read back as a policy's datapoints. */
import { evaluate } from './math';
import { MetricQuery } from './template';

interface Aggregate { sum: number; count: number; max: number; min: number }

/** Samples by metric and time, aggregated into any period and statistic the way CloudWatch does. */
export class Datapoints {
  private readonly data = new Map<string, Map<number, Aggregate>>();

  constructor(private readonly highResolution: (key: string) => boolean, private readonly dt: number) {}

  public add(t: number, key: string, sample: { value: number; count: number } | undefined): void {
    if (sample === undefined) return;
    const series = this.data.get(key) ?? new Map<number, Aggregate>();
    this.data.set(key, series);
    const a = series.get(t) ?? { sum: 0, count: 0, max: -Infinity, min: Infinity };
    series.set(t, {
      sum: a.sum + sample.value * sample.count,
      count: a.count + sample.count,
      max: Math.max(a.max, sample.value),
      min: Math.min(a.min, sample.value),
    });
  }

  /**
   * The datapoint of [start, start + period). A standard-resolution metric is stored per minute: a shorter period
   * gets its minute's datapoint only where the minute starts, and no data otherwise (PutMetricAlarm, Period).
   */
  public get(key: string, stat: string, start: number, period: number): number | undefined {
    let from = start;
    let length = period;
    if (!this.highResolution(key) && period < 60) {
      if (start % 60 !== 0) return undefined;
      length = 60;
    }
    if (!this.highResolution(key)) from = Math.floor(from / 60) * 60;
    const series = this.data.get(key);
    if (!series) return undefined;
    // Accumulated in place: the simulator reads datapoints on every tick of every policy.
    let sum = 0;
    let count = 0;
    let max = -Infinity;
    let min = Infinity;
    for (let t = Math.ceil(from / this.dt) * this.dt; t < from + length; t += this.dt) {
      const s = series.get(t);
      if (!s) continue;
      sum += s.sum;
      count += s.count;
      max = Math.max(max, s.max);
      min = Math.min(min, s.min);
    }
    if (count === 0) return undefined;
    switch (stat) {
      case 'Average': return sum / count;
      case 'Sum': return sum;
      case 'SampleCount': return count;
      case 'Maximum': return max;
      case 'Minimum': return min;
      default: throw new Error(`the model has no statistic ${stat}`);
    }
  }
}

/** A policy's value for one period: its metric queries, then its expressions in dependency order. */
export function valueOf(metrics: readonly MetricQuery[], predefined: string | undefined, start: number, period: number,
  data: Datapoints): number | undefined {
  if (predefined) return data.get(predefined, 'Average', start, period);
  const values: Record<string, number | undefined> = {};
  for (const q of metrics) if (q.metricName) values[q.id] = data.get(q.metricName, q.stat ?? 'Average', start, period);
  const pending = metrics.filter(q => q.expression);
  while (pending.length > 0) {
    const ready = pending.findIndex(q => !pending.some(other => other !== q && new RegExp(`\\b${other.id}\\b`).test(q.expression!)));
    if (ready < 0) throw new Error('circular metric-math expressions');
    const [q] = pending.splice(ready, 1);
    values[q.id] = evaluate(q.expression!, values);
  }
  const returned = metrics.find(q => q.returnData) ?? metrics[metrics.length - 1];
  return values[returned.id];
}
