/**
 * HTML escaping for Vigil's self-contained reports. Everything that came from an item, a file
 * name or a custody record is hostile by assumption: reports are opened in analysts' browsers.
 */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
