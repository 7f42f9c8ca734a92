/**
 * `fold_artist_name(text)`, production's artist-name folding: NFD, combining marks stripped,
 * lower case, NULL folded to ''. A credit links to the one artist with the same folded name.
 * Created only where absent, never replaced: `artists_fold_name_idx` is built on production's.
 */
import { functionExists, unlessPresent, type Migration } from "./Migration.js"

const migration: Migration = (target) => {
  const { sql, t } = target
  // Backslashes doubled for JavaScript: Postgres must get the six characters `\u0300` (the body is
  // dollar-quoted, so nothing unescapes them), which its regex engine reads as the combining mark,
  // and the stored definition reads as production's does.
  return unlessPresent(
    functionExists(target, "fold_artist_name(text)"),
    sql`CREATE FUNCTION ${t.foldArtistName}(input text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$SELECT lower(regexp_replace(normalize(coalesce(input, ''), NFD), '[\\u0300-\\u036f]', '', 'g'))$$`
  )
}

export default migration
