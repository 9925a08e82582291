-- Complete survey responses tied to the org. The unit is the one the export names by id, else
-- the unit it names by name (within the förvaltning it names, when it names one; case, spaces
-- and dashes ignored), else the respondent's own (highest) unit as a manager in HR, else the
-- förvaltning the export names; what did not match is listed by checks/survey_unmatched.sql;
-- the manager level is the export's, else HR's; the manager group comes from the group file by
-- person, else by unit. HR and groups are read at the latest period at or before the survey's
-- (else the earliest after it), so groups are kept through all surveys of a process.
CREATE OR REPLACE TEMP TABLE int_survey_hr_period AS
SELECT s.kommun_code, s.period_date,
       coalesce(max(o.period_date) FILTER (WHERE o.period_date <= s.period_date),
                min(o.period_date)) AS hr_period,
       coalesce(max(g.period_date) FILTER (WHERE g.period_date <= s.period_date),
                min(g.period_date)) AS group_period
FROM (SELECT DISTINCT kommun_code, period_date FROM hist_survey_response) s
LEFT JOIN (SELECT DISTINCT kommun_code, period_date FROM hist_org_unit) o
       ON o.kommun_code = s.kommun_code
LEFT JOIN (SELECT DISTINCT kommun_code, period_date FROM hist_manager_group) g
       ON g.kommun_code = s.kommun_code
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE int_survey_respondent AS
WITH person_unit AS (
    SELECT kommun_code, period_date, manager_id AS person_id, arg_min(unit_id, depth) AS unit_id
    FROM int_manager_unit
    GROUP BY ALL
),
forvaltning AS (
    SELECT t.kommun_code, t.period_date, t.unit_id, name_key(u.unit_name) AS name_key
    FROM int_unit_tree t
    JOIN hist_org_unit u USING (kommun_code, period_date, unit_id)
    WHERE t.depth = 0
),
named_unit AS (
    SELECT t.kommun_code, t.period_date, t.unit_id, name_key(u.unit_name) AS name_key,
           f.name_key AS forvaltning_key
    FROM int_unit_tree t
    JOIN hist_org_unit u USING (kommun_code, period_date, unit_id)
    JOIN forvaltning f
      ON f.kommun_code = t.kommun_code AND f.period_date = t.period_date
     AND f.unit_id = t.forvaltning_id
),
by_name AS (  -- a name matches when it is one unit (within the förvaltning named, if any)
    SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, r.response_id,
           CASE WHEN count(DISTINCT n.unit_id) = 1 THEN any_value(n.unit_id) END AS unit_id,
           count(DISTINCT n.unit_id) AS candidates
    FROM hist_survey_response r
    JOIN int_survey_hr_period h USING (kommun_code, period_date)
    JOIN named_unit n
      ON n.kommun_code = r.kommun_code AND n.period_date = h.hr_period
     AND n.name_key = name_key(r.unit_name)
     AND (r.forvaltning_name IS NULL OR n.forvaltning_key = name_key(r.forvaltning_name))
    GROUP BY ALL
),
resolved AS (
    SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, r.response_id,
           r.person_id, h.hr_period, h.group_period,
           coalesce(eu.unit_id, nu.unit_id, pu.unit_id, fu.unit_id) AS unit_id,
           coalesce(r.manager_level, ml.manager_level) AS manager_level,
           r.unit_id IS NOT NULL AND eu.unit_id IS NULL AS unit_id_unmatched,
           r.unit_name IS NOT NULL AND nu.unit_id IS NULL AS unit_name_unmatched,
           coalesce(nu.candidates, 0) AS unit_name_candidates,
           r.forvaltning_name IS NOT NULL AND fu.unit_id IS NULL AS forvaltning_unmatched
    FROM hist_survey_response r
    JOIN int_survey_hr_period h USING (kommun_code, period_date)
    LEFT JOIN int_unit_tree eu
           ON eu.kommun_code = r.kommun_code AND eu.period_date = h.hr_period
          AND eu.unit_id = r.unit_id
    LEFT JOIN by_name nu
      USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    LEFT JOIN person_unit pu
           ON pu.kommun_code = r.kommun_code AND pu.period_date = h.hr_period
          AND pu.person_id = r.person_id
    LEFT JOIN forvaltning fu
           ON fu.kommun_code = r.kommun_code AND fu.period_date = h.hr_period
          AND fu.name_key = name_key(r.forvaltning_name)
    LEFT JOIN int_manager_level ml
           ON ml.kommun_code = r.kommun_code AND ml.period_date = h.hr_period
          AND ml.manager_id = r.person_id
    WHERE r.is_complete
)
SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, r.response_id,
       r.person_id, r.hr_period, r.group_period, r.unit_id, t.forvaltning_id, r.manager_level,
       r.unit_id_unmatched, r.unit_name_unmatched, r.unit_name_candidates,
       r.forvaltning_unmatched,
       coalesce(gp.group_name, gu.group_name) AS group_name
FROM resolved r
LEFT JOIN int_unit_tree t
       ON t.kommun_code = r.kommun_code AND t.period_date = r.hr_period AND t.unit_id = r.unit_id
LEFT JOIN hist_manager_group gp
       ON gp.kommun_code = r.kommun_code AND gp.period_date = r.group_period
      AND gp.person_id = r.person_id
LEFT JOIN hist_manager_group gu
       ON gu.kommun_code = r.kommun_code AND gu.period_date = r.group_period
      AND gu.unit_id = r.unit_id AND gu.person_id IS NULL
QUALIFY row_number() OVER (
    PARTITION BY r.kommun_code, r.period_date, r.survey_id, r.respondent_role, r.response_id
    ORDER BY gp.group_name NULLS LAST, gu.group_name NULLS LAST) = 1;
