-- in how many stored documents each staged anchor occurs, and how many documents have anchors
SELECT p.anchor, count(*) AS df
FROM anchor_postings p
WHERE p.anchor IN (SELECT anchor FROM staged_anchor_keys)
GROUP BY p.anchor
UNION ALL
SELECT NULL, count(*) FROM anchor_sets;
