/** A signed URL that makes Storage answer with `Content-Disposition: attachment` and this file name. */
export function withDownloadName(url: string, name: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}download=${encodeURIComponent(name)}`;
}
