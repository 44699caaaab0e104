/** Go's time.Now().Format(time.RFC3339) in local time: `2006-01-02T15:04:05+01:00`, `Z` for UTC. */
export function rfc3339Local(date: Date): string {
  const two = (n: number): string => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const zone = offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${two(Math.trunc(offset / 60))}:${two(offset % 60)}`;
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}${zone}`
  );
}
