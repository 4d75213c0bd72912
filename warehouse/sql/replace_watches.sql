-- the staged URLs' places in the schedule after this batch's checks
DELETE FROM url_schedule WHERE url IN (SELECT url FROM staged_watches);
INSERT INTO url_schedule BY NAME SELECT * FROM staged_watches;
