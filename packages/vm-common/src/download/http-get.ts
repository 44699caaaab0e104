/** GETs a small resource whole (a checksum file); errors read as go-getter's. */
export async function httpGet(url: string, signal?: AbortSignal): Promise<Buffer> {
  const response = await fetch(url, signal ? { signal } : {});
  if (!response.ok) throw new Error(`bad response code: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
