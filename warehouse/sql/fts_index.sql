PRAGMA create_fts_index('documents', 'doc_id', 'title', 'text',
                        stemmer = 'none', stopwords = 'none', ignore = '[^\p{L}\p{N}]+',
                        strip_accents = 0, lower = 1, overwrite = 1);
