import { CsrfField } from '../render.js';
import { paperHref } from './components.js';

/**
 * Upvote, not interested and save-to-collection buttons for one paper (src/web/community-routes.tsx
 * handles them). Personal state is not shown, so the paper page stays cacheable.
 */
export function PaperActions({ paperId, back, collections = [] }: { paperId: string; back: string; collections?: { key: string; name: string }[] }) {
  const action = (name: string, label: string) => (
    <form method="post" action={`${paperHref(paperId)}/${name}`} class="inline">
      <CsrfField /><input type="hidden" name="back" value={back} /><button type="submit">{label}</button>
    </form>
  );
  return (
    <p class="actions">
      {action('vote', '▲ Upvote')} {action('not-interested', 'Not interested')}
      {collections.length > 0 && (
        <form method="post" action={`${paperHref(paperId)}/save`} class="inline">
          <CsrfField /><input type="hidden" name="back" value={back} />
          <select name="collection" aria-label="Collection">{collections.map((collection) => <option value={collection.key}>{collection.name}</option>)}</select>
          <button type="submit">Save</button>
        </form>
      )}
    </p>
  );
}
