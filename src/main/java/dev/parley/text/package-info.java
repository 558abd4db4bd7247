/**
 * Text as Parley stores and sends it: {@link dev.parley.text.Utf16} makes any Java string
 * well-formed UTF-16 (an unpaired surrogate becomes U+FFFD) and cuts text only on code point
 * boundaries. Jackson refuses to write a lone surrogate, so one that reached an event would make
 * the journal reject it; every string that enters an event, a command or a wire body passes through
 * here.
 *
 * <p>The lowest layer: every other package may use it; it uses nothing of Parley's.
 */
package dev.parley.text;
