-- The price of disclosure control (warehouse/disclosure): per kommun, period, mart and survey,
-- how many cells are shown, empty, hidden as primary (1..k-1 people) or secondary (so nothing
-- small can be derived) or held back at an earlier publication's figures (republication), and
-- which manager groups were dropped for a survey (group-cut rule).
WITH survey AS (
    -- one suppression row per cell and measure of int_survey_cell (disclosure control writes
    -- them all), its measure's type the part of its id before ':' (as int_survey_cell has it)
    SELECT kommun_code, period_date,
           CASE split_part(measure_id, ':', 1) WHEN 'respondents' THEN 'mart_survey_responses'
                WHEN 'construct' THEN 'mart_survey_index'
                WHEN 'item' THEN 'mart_survey_item'
                ELSE 'mart_survey_time_use' END AS mart,
           survey_id, respondent_role, suppression
    FROM int_survey_suppression
),
sick AS (
    SELECT kommun_code, period_date,
           CASE cell_kind WHEN 'manager' THEN 'mart_span_of_control' ELSE 'mart_sick_leave' END,
           NULL::VARCHAR, NULL::VARCHAR, suppression
    FROM int_sick_leave_protection
),
cut AS (
    SELECT kommun_code, period_date, survey_id, respondent_role,
           string_agg(group_name, ', ' ORDER BY group_name) AS dropped_groups
    FROM int_survey_group_cut
    GROUP BY ALL
),
counted AS (
    SELECT kommun_code, period_date, mart, survey_id, respondent_role,
           count(*) AS cells,
           count(*) FILTER (WHERE suppression IS NULL) AS cells_shown,
           count(*) FILTER (WHERE suppression = 'empty') AS cells_empty,
           count(*) FILTER (WHERE suppression = 'primary') AS cells_primary,
           count(*) FILTER (WHERE suppression = 'secondary') AS cells_secondary,
           count(*) FILTER (WHERE suppression = 'republication') AS cells_held_back,
           count(*) FILTER (WHERE suppression = 'group_cut') AS cells_group_cut
    FROM (SELECT * FROM survey UNION ALL SELECT * FROM sick)
    GROUP BY ALL
)
SELECT c.kommun_code, c.period_date, c.mart, c.survey_id, c.respondent_role, c.cells,
       c.cells_shown, c.cells_empty, c.cells_primary, c.cells_secondary, c.cells_held_back,
       c.cells_group_cut,
       g.dropped_groups
FROM counted c
LEFT JOIN cut g
       ON g.kommun_code = c.kommun_code AND g.period_date = c.period_date
      AND g.survey_id = c.survey_id AND g.respondent_role = c.respondent_role
ORDER BY c.kommun_code, c.period_date, c.mart, c.survey_id, c.respondent_role
