UPDATE seed_docs SET published_at = d.published_at
FROM staged_seed_dates d
WHERE seed_docs.seed_id = d.seed_id;
