/**
 * Collapses each run of white space, line breaks included, to one space and trims the ends: what
 * arXiv does to a title or author list that a submitter or a feed wrapped over several lines.
 *
 * @example collapseWhitespace('Trans-LoRA: towards data-free\n  Transferable') // 'Trans-LoRA: towards data-free Transferable'
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
