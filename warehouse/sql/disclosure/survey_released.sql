-- What the survey marts publish, after disclosure control (warehouse/disclosure/surveys.py):
-- every cell's respondents, except that a cell held back on republication (suppression
-- 'republication') keeps the respondents of its latest shown snapshot, i.e. the batches of
-- answers up to it (warehouse/disclosure/releases.py). Figures and counts are computed from these.
CREATE OR REPLACE TEMP TABLE int_survey_held AS
SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, cell_id, snapshot
FROM int_survey_suppression
WHERE suppression = 'republication';

CREATE OR REPLACE TEMP TABLE int_survey_released_member AS
SELECT m.*
FROM int_survey_member m
LEFT JOIN int_survey_held h USING (kommun_code, period_date, survey_id, respondent_role, cell_id)
LEFT JOIN int_survey_response_batch b
  USING (kommun_code, period_date, survey_id, respondent_role, response_id)
WHERE h.snapshot IS NULL OR b.batch <= h.snapshot;

-- Figures per cell and measure: n and the mean of the respondents' values. Grouped on the
-- measure's parts, its id made once per figure, not once per answer before grouping.
CREATE OR REPLACE TEMP TABLE int_survey_released_figure AS
SELECT kommun_code, period_date, survey_id, respondent_role,
       measure_type || ':' || measure_ref AS measure_id, measure_type, measure_ref, cell_id, n,
       mean_value
FROM (
    SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, v.measure_type,
           v.measure_ref, m.cell_id, count(*) AS n,
           -- in exact decimals, so the rounded figures do not depend on the order rows are summed
           avg(round(v.value, 9)::DECIMAL(18, 9))::DOUBLE AS mean_value
    FROM int_survey_released_member m
    JOIN int_survey_value v USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    GROUP BY ALL
);

-- int_survey_cell with the held-back cells' counts as at their snapshot. A view: its one reader
-- (mart_survey_responses) wants the 'respondents' rows, a tenth of them; as a table all of them
-- were written and held in memory, which the join below then spilled beside (national: 1.3 CPU s
-- for the table and the join's 9 -> 6).
CREATE OR REPLACE TEMP VIEW int_survey_released_cell AS
WITH held_count AS (
    SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, mm.measure_id,
           m.cell_id, count(*) AS n
    FROM int_survey_released_member m
    JOIN int_survey_held h USING (kommun_code, period_date, survey_id, respondent_role, cell_id)
    JOIN int_survey_measure_member mm
      USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    GROUP BY ALL
)
SELECT c.* REPLACE (CASE WHEN h.cell_id IS NULL THEN c.n ELSE coalesce(r.n, 0) END AS n)
FROM int_survey_cell c
LEFT JOIN int_survey_held h USING (kommun_code, period_date, survey_id, respondent_role, cell_id)
LEFT JOIN held_count r
  USING (kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id);

-- Every item, construct and time figure's cell with its suppression, scope and released figure:
-- the join the survey marts share, made once (each mart built the cell-sized hash tables again).
-- Disclosure control wrote a suppression row for every cell and measure of int_survey_cell (its
-- cells x its measures, per survey table), so those rows stand for the cells here: joining
-- int_survey_cell again on the long text keys spilled at national scale.
CREATE OR REPLACE TEMP TABLE int_survey_published_cell AS
SELECT x.kommun_code, x.period_date, x.survey_id, x.respondent_role, x.measure_id,
       x.measure_type, x.measure_ref, x.cell_id,
       s.scope_type, s.scope_id, s.scope_name, s.forvaltning_id, s.forvaltning_name,
       x.is_suppressed, f.n, f.mean_value
FROM (
    SELECT kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id,
           is_suppressed, split_part(measure_id, ':', 1) AS measure_type,
           measure_id[position(':' IN measure_id) + 1:] AS measure_ref
    FROM int_survey_suppression
) x
JOIN int_survey_scope s USING (kommun_code, period_date, survey_id, respondent_role, cell_id)
LEFT JOIN int_survey_released_figure f
  USING (kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id)
WHERE x.measure_type IN ('item', 'construct', 'time');
