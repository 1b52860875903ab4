/**
 * Hash routes (`#/queue`, `#/networks/net_…`): the server serves one page, and a link can be
 * shared and reloaded. `useRoute` gives the current path's segments, decoded.
 */
import { useEffect, useState } from 'react';

export function currentPath(): string[] {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return hash === '' ? [] : hash.split('/').map((part) => decodeURIComponent(part));
}

export function useRoute(): string[] {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return path;
}

/** `href('networks', id)` → `#/networks/<id, encoded>`. */
export function href(...parts: string[]): string {
  return `#/${parts.map((part) => encodeURIComponent(part)).join('/')}`;
}

export function navigate(...parts: string[]): void {
  window.location.hash = href(...parts).slice(1);
}

/**
 * A keyboard shortcut, ignored while typing in a field (so "r" in a text box stays a letter).
 * Shortcuts are listed on each screen next to the buttons they press.
 */
export function useShortcut(key: string, handler: () => void, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing =
        target !== null &&
        (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === key) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [key, handler, enabled]);
}
