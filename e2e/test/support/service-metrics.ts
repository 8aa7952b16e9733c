/** Sums of metric families from a service's /metrics (Prometheus text format), by metric name. */
export async function scrapeSums(url: string, names: readonly string[]): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const sums: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const name = line.slice(0, line.search(/[{\s]/));
    if (!(name in sums)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sums[name] = (sums[name] ?? 0) + value;
  }
  return sums;
}

/** The same sums over several instances of a service; an instance that does not answer counts 0. */
export async function scrapeSumsOf(
  urls: readonly string[],
  names: readonly string[],
): Promise<Record<string, number>> {
  const each = await Promise.all(
    urls.map((url) => scrapeSums(url, names).catch((): Record<string, number> => ({}))),
  );
  const sum = (name: string) => each.reduce((acc, sums) => acc + (sums[name] ?? 0), 0);
  return Object.fromEntries(names.map((name) => [name, sum(name)]));
}
