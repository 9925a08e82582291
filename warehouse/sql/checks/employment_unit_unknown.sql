-- fel: an employment belongs to a unit the org tree does not have; it would count nowhere.
SELECT e.kommun_code, e.period_date, 'fel' AS severity,
       'anställningen hör till en enhet som saknas i organisationen' AS rule,
       e.unit_id, e.source_sha256, e.source_row, e.unit_id AS detail
FROM hist_employment e
WHERE NOT EXISTS (SELECT 1 FROM hist_org_unit u
                  WHERE u.kommun_code = e.kommun_code AND u.period_date = e.period_date
                    AND u.unit_id = e.unit_id)
