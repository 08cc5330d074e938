// Horizontal bars drawn with elements (widths set through the style object, which the page's
// Content-Security-Policy allows, unlike style attributes). The figure they show is always
// written next to them, so a screen reader gets it as text.
import { h } from './h.js';

/** A bar `fraction` (0..1) of the track long, split into parts [{ share (0..1 of the bar), tone }]. */
export function bar(fraction, parts = [{ share: 1, tone: 'plain' }]) {
  const filled = h('span', { class: 'bar-fill' });
  filled.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  for (const part of parts) {
    const piece = h('span', { class: `bar-part bar-${part.tone}` });
    piece.style.width = `${Math.max(0, Math.min(1, part.share)) * 100}%`;
    filled.append(piece);
  }
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, filled);
}

/** A span from `start` to `end` on a track of `total` (a waterfall row). */
export function spanBar(start, end, total, tone) {
  const piece = h('span', { class: `span-bar bar-${tone}` });
  piece.style.left = `${(start / total) * 100}%`;
  // A zero-length moment still shows as a thin mark.
  piece.style.width = `max(2px, ${((end - start) / total) * 100}%)`;
  return h('span', { class: 'span-track', 'aria-hidden': 'true' }, piece);
}
