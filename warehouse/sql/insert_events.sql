INSERT INTO article_event_log BY NAME SELECT * FROM staged_events;
