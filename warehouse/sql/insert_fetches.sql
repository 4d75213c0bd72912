-- the batch's fetch attempts: the columns of warehouse.fetch_rows.FETCH_LOG_SCHEMA, by name
INSERT INTO fetch_log BY NAME SELECT * FROM staged_fetches;
