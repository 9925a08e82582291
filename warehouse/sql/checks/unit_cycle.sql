-- fel: following parents from a unit leads back to it, so the tree has no root there.
WITH RECURSIVE up AS (
    SELECT kommun_code, period_date, unit_id AS start_id, parent_unit_id AS unit_id,
           [unit_id] AS path
    FROM hist_org_unit
    WHERE parent_unit_id IS NOT NULL
    UNION ALL
    SELECT up.kommun_code, up.period_date, up.start_id, p.parent_unit_id,
           list_append(up.path, up.unit_id)
    FROM up
    JOIN hist_org_unit p
      ON p.kommun_code = up.kommun_code AND p.period_date = up.period_date
     AND p.unit_id = up.unit_id
    WHERE p.parent_unit_id IS NOT NULL AND NOT list_contains(up.path, up.unit_id)
)
SELECT DISTINCT u.kommun_code, u.period_date, 'fel' AS severity,
       'enheten ingår i en cirkel av överordnade enheter' AS rule,
       u.unit_id, u.source_sha256, u.source_row,
       array_to_string(list_append(up.path, up.unit_id), ' → ') AS detail
FROM up
JOIN hist_org_unit u
  ON u.kommun_code = up.kommun_code AND u.period_date = up.period_date
 AND u.unit_id = up.start_id
WHERE up.unit_id = up.start_id
