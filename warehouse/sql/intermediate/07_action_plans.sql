-- The action plan in force per kommun (the latest adopted), each measure with its scope:
-- 'Hela kommunen', or the unit of that name (latest period; the highest level if repeated).
CREATE OR REPLACE TEMP TABLE int_action_measure AS
SELECT *
FROM hist_action_measure
QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code);

CREATE OR REPLACE TEMP TABLE int_action_scope AS
WITH candidates AS (
    SELECT m.kommun_code, m.period_date, m.measure_id, u.unit_id,
           coalesce(u.unit_level, 'enhet') AS unit_level,
           row_number() OVER (
               PARTITION BY m.kommun_code, m.period_date, m.measure_id
               ORDER BY u.period_date DESC,
                        CASE coalesce(u.unit_level, 'enhet')
                            WHEN 'forvaltning' THEN 1 WHEN 'avdelning' THEN 2 ELSE 3 END,
                        u.unit_id) AS rank
    FROM int_action_measure m
    JOIN hist_org_unit u
      ON u.kommun_code = m.kommun_code AND lower(u.unit_name) = lower(trim(m.scope_name))
)
SELECT m.kommun_code, m.period_date, m.measure_id,
       CASE WHEN lower(trim(m.scope_name)) IN ('hela kommunen', 'kommunen') THEN 'kommun'
            ELSE c.unit_level END AS scope_type,
       CASE WHEN lower(trim(m.scope_name)) IN ('hela kommunen', 'kommunen') THEN m.kommun_code
            ELSE c.unit_id END AS scope_id
FROM int_action_measure m
LEFT JOIN candidates c
       ON c.kommun_code = m.kommun_code AND c.period_date = m.period_date
      AND c.measure_id = m.measure_id AND c.rank = 1;
