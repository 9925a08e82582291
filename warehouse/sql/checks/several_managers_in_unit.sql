-- varning: more than one person in a unit is a manager (registered, or AID ansvarskod A, B, C,
-- L). The registered manager leads the unit, else the highest code; the others are co-managers:
-- managers, never staff. Names the unit and the roles, never the persons.
WITH coded AS (
    SELECT e.kommun_code, e.period_date, e.unit_id, e.person_id, e.source_sha256, e.source_row,
           coalesce(e.aid_label, 'okänd befattning') || ' (' || e.responsibility_code || ')'
               AS role,
           e.person_id IS NOT DISTINCT FROM t.own_manager_id AS leads,
           EXISTS (SELECT 1 FROM int_co_manager m
                   WHERE m.kommun_code = e.kommun_code AND m.period_date = e.period_date
                     AND m.unit_id = e.unit_id AND m.person_id = e.person_id) AS is_co_manager
    FROM hist_employment e
    JOIN int_unit_tree t USING (kommun_code, period_date, unit_id)
    WHERE e.responsibility_code IN ('A', 'B', 'C', 'L')
)
SELECT c.kommun_code, c.period_date, 'varning' AS severity,
       'flera chefer i enheten: ' ||
       CASE WHEN any_value(u.manager_person_id) IS NOT NULL
            THEN 'den registrerade chefen leder den'
            ELSE 'den med högst ansvarskod leder den' END ||
       ', övriga räknas som biträdande chefer, inte som personal' AS rule,
       c.unit_id, arg_min(c.source_sha256, c.source_row) AS source_sha256,
       min(c.source_row) AS source_row,
       any_value(u.unit_name) || ': ' ||
       string_agg(c.role || CASE WHEN c.leads THEN ' leder' ELSE '' END, ', '
                  ORDER BY c.leads DESC, c.role) AS detail
FROM coded c
JOIN hist_org_unit u USING (kommun_code, period_date, unit_id)
GROUP BY c.kommun_code, c.period_date, c.unit_id
HAVING bool_or(c.is_co_manager)
