/** Topic follows run as saved searches through the search service (src/search). */
import { PaperfeedError } from '../errors.js';
import type { SearchService } from '../search/types.js';
import type { TopicSearch } from './store.js';

/** The search service's page size cap: a topic contributes at most this many papers per run. */
const MAX_TOPIC_HITS = 100;

/**
 * Adapts the search service to the digest's {@link TopicSearch}: a topic is a search query
 * (phrases, `-words`, `OR`, fields), filtered to the window's days, newest first.
 *
 * @example searchTopics(app.search).matchTopic('"diffusion LLM"', start, end, 50)
 */
export function searchTopics(search: SearchService): TopicSearch {
  return {
    async matchTopic(topic, start, end, limit) {
      try {
        const result = await search.search({
          text: topic,
          filters: { from: start.slice(0, 10), to: end.slice(0, 10) },
          // By date, the search keeps to papers matching the whole query; by relevance it would
          // pad a short result with papers matching only some words, which no one followed.
          sort: 'date',
          limit: Math.min(limit, MAX_TOPIC_HITS),
        });
        return result.items.map((hit) => hit.paper.id);
      } catch (error) {
        // A saved topic the search no longer understands matches nothing; it must not stop a run.
        if (error instanceof PaperfeedError && error.code === 'bad_input') return [];
        throw error;
      }
    },
  };
}
