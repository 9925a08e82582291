-- fel: a unit names a parent that is not in the org tree, so its staff would roll up nowhere.
SELECT u.kommun_code, u.period_date, 'fel' AS severity,
       'överordnad enhet saknas i organisationen' AS rule,
       u.unit_id, u.source_sha256, u.source_row, u.parent_unit_id AS detail
FROM hist_org_unit u
WHERE u.parent_unit_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM hist_org_unit p
                  WHERE p.kommun_code = u.kommun_code AND p.period_date = u.period_date
                    AND p.unit_id = u.parent_unit_id)
