-- Support FTE per manager and function (DESIGN §8, administrative support per manager).
-- Named support comes from support-function files: a share of the person's FTE (the file's
-- sysselsättningsgrad, else the roster's) goes to the manager served, or is split equally over
-- the managers of the unit served and the units below it. Administrators found in the roster by
-- the kommun's AID prefixes, and not named in a file, are split the same way from their own unit.
CREATE OR REPLACE TEMP TABLE int_manager_support AS
WITH roster_fte AS (
    SELECT kommun_code, period_date, person_id, least(sum(fte_pct), 100) AS fte_pct
    FROM hist_employment
    WHERE employment_form IN ('tillsvidare', 'visstid')
    GROUP BY ALL
),
named_to_manager AS (
    SELECT s.kommun_code, s.period_date, s.support_person_id, s.support_function,
           s.served_manager_id AS manager_id,
           s.share_pct / 100.0 * coalesce(s.fte_pct, r.fte_pct, 100) / 100.0 AS fte
    FROM hist_support_assignment s
    LEFT JOIN roster_fte r
           ON r.kommun_code = s.kommun_code AND r.period_date = s.period_date
          AND r.person_id = s.support_person_id
    WHERE s.served_manager_id IS NOT NULL
),
named_to_unit AS (
    SELECT DISTINCT s.kommun_code, s.period_date, s.support_person_id, s.support_function,
           s.served_unit_id, mu.manager_id,
           s.share_pct / 100.0 * coalesce(s.fte_pct, r.fte_pct, 100) / 100.0 AS fte
    FROM hist_support_assignment s
    LEFT JOIN roster_fte r
           ON r.kommun_code = s.kommun_code AND r.period_date = s.period_date
          AND r.person_id = s.support_person_id
    JOIN int_unit_ancestor a
      ON a.kommun_code = s.kommun_code AND a.period_date = s.period_date
     AND a.ancestor_id = s.served_unit_id
    JOIN int_manager_unit mu
      ON mu.kommun_code = a.kommun_code AND mu.period_date = a.period_date
     AND mu.unit_id = a.unit_id
    WHERE s.served_manager_id IS NULL
),
roster_admin AS (
    SELECT e.kommun_code, e.period_date, e.person_id, e.unit_id, sum(e.fte_pct) / 100.0 AS fte
    FROM hist_employment e
    JOIN kommun k USING (kommun_code)
    WHERE e.employment_form IN ('tillsvidare', 'visstid')
      AND list_bool_or([starts_with(e.aid_code, trim(p))
                        FOR p IN string_split(k.support_aid_prefixes, ',')])
      AND NOT EXISTS (SELECT 1 FROM hist_support_assignment n
                      WHERE n.kommun_code = e.kommun_code AND n.period_date = e.period_date
                        AND n.support_person_id = e.person_id)
      AND NOT EXISTS (SELECT 1 FROM int_manager_parent m
                      WHERE m.kommun_code = e.kommun_code AND m.period_date = e.period_date
                        AND m.manager_id = e.person_id)
    GROUP BY ALL
),
roster_served AS (
    SELECT DISTINCT r.kommun_code, r.period_date, r.person_id, r.unit_id, r.fte, mu.manager_id
    FROM roster_admin r
    JOIN int_unit_ancestor a
      ON a.kommun_code = r.kommun_code AND a.period_date = r.period_date
     AND a.ancestor_id = r.unit_id
    JOIN int_manager_unit mu
      ON mu.kommun_code = a.kommun_code AND mu.period_date = a.period_date
     AND mu.unit_id = a.unit_id
)
-- DECIMAL sums: the published figures must not depend on summation order.
SELECT kommun_code, period_date, manager_id, support_function,
       sum(CAST(fte AS DECIMAL(18, 6))) AS fte
FROM (
    SELECT kommun_code, period_date, manager_id, support_function, fte
    FROM named_to_manager
    UNION ALL
    SELECT kommun_code, period_date, manager_id, support_function,
           fte / count(*) OVER (PARTITION BY kommun_code, period_date, support_person_id,
                                             support_function, served_unit_id)
    FROM named_to_unit
    UNION ALL
    SELECT kommun_code, period_date, manager_id, 'administration',
           fte / count(*) OVER (PARTITION BY kommun_code, period_date, person_id, unit_id)
    FROM roster_served
)
GROUP BY ALL;

-- A manager has a named HR partner (controller) when one serves them, one of their units,
-- or a manager or unit above them: support given to a förvaltning covers everyone in it.
CREATE OR REPLACE TEMP TABLE int_manager_coverage AS
SELECT a.kommun_code, a.period_date, a.manager_id,
       bool_or(s.support_function = 'hr') AS has_hr_partner,
       bool_or(s.support_function = 'ekonomi') AS has_controller
FROM int_manager_ancestor a
JOIN int_manager_support s
  ON s.kommun_code = a.kommun_code AND s.period_date = a.period_date
 AND s.manager_id = a.ancestor_id
GROUP BY ALL;
