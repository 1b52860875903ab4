/**
 * An item's image, blurred (and greyed) by the reviewer's wellness settings until they reveal
 * it. Only images Vigil serves itself are shown: `data:image/…` URLs and same-origin paths.
 * Anything else (a remote URL, an id from the source) is never fetched: it is shown as a
 * placeholder naming the address as text.
 */
import { useState } from 'react';
import { useSession, type Wellness } from '../session.js';
import '../screens/review.css';

/** Strongest blur, in CSS pixels, for the setting 100. */
export const MAX_BLUR_PX = 24;

/** The CSS filter for an image under these settings (`revealed` drops the blur only). */
export function imageFilter(wellness: Wellness, revealed = false): string {
  const blur = Math.max(0, Math.min(100, wellness.blur));
  const parts: string[] = [];
  if (!revealed && blur > 0) parts.push(`blur(${((blur / 100) * MAX_BLUR_PX).toFixed(1)}px)`);
  if (wellness.grayscale) parts.push('grayscale(1)');
  return parts.length === 0 ? 'none' : parts.join(' ');
}

/** Whether the console may load `src`: a data: image, or a path or URL of this origin. */
export function isStoredImage(src: string): boolean {
  const value = src.trim();
  if (/^data:image\/(png|jpe?g|gif|webp|avif|bmp);/i.test(value)) return true;
  // A bare id ("img-123") or relative name is not an address this console serves.
  if (!value.startsWith('/') && !/^https?:\/\//i.test(value)) return false;
  if (value.startsWith('//')) return false;
  try {
    const url = new URL(value, window.location.href);
    return url.origin === window.location.origin && /^https?:$/.test(url.protocol);
  } catch {
    return false;
  }
}

export function ItemImage(props: { readonly src: string; readonly alt: string }) {
  const session = useSession();
  const [revealed, setRevealed] = useState(false);
  const stored = isStoredImage(props.src);
  if (!stored) {
    return (
      <figure className="item-figure">
        <div className="image-placeholder" role="img" aria-label={`Image not stored: ${props.alt}`}>
          <span>Image not stored</span>
        </div>
        <figcaption className="image-caption">
          <span className="visually-hidden">Address: </span>
          <code>{props.src}</code>
        </figcaption>
      </figure>
    );
  }
  const blurred = session.wellness.blur > 0;
  return (
    <figure className="item-figure">
      <div className="image-frame">
        <img
          className="item-image"
          src={props.src}
          alt={props.alt}
          loading="lazy"
          referrerPolicy="no-referrer"
          style={{ filter: imageFilter(session.wellness, revealed) }}
        />
      </div>
      {blurred && (
        <figcaption className="image-caption">
          <button type="button" aria-pressed={revealed} onClick={() => setRevealed((r) => !r)}>
            Reveal
          </button>{' '}
          <span className="muted">{revealed ? 'Shown unblurred' : 'Blurred'}</span>
        </figcaption>
      )}
    </figure>
  );
}

/** Every image of an item, or a line saying it has none. */
export function ItemImages(props: {
  readonly images: readonly string[] | undefined;
  readonly label: string;
}) {
  const images = props.images ?? [];
  if (images.length === 0) return <p className="muted">No images.</p>;
  return (
    <div className="item-images">
      {images.map((src, i) => (
        <ItemImage
          // biome-ignore lint/suspicious/noArrayIndexKey: an item may list one address twice; the list never reorders.
          key={`${i}-${src}`}
          src={src}
          alt={`${props.label}, image ${i + 1} of ${images.length}`}
        />
      ))}
    </div>
  );
}
