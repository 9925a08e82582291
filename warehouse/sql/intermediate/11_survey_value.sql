-- One value per respondent and figure (measure), before any aggregation:
--   item:<question>      the item's score (Vet ej / Ej aktuellt are missing, not scores)
--   construct:<name>     the respondent's mean over the construct's answered ordinal items
--   time:<construct>     logbook: the category's share (%) of the respondent's logged hours;
--                        reported shares (meetings, computer, travel): the percent given
-- Group figures are means of these over respondents, so a construct index weighs every
-- respondent equally however many items they answered.
CREATE OR REPLACE TEMP TABLE int_survey_value AS
WITH answer AS (
    SELECT a.kommun_code, a.period_date, a.survey_id, a.respondent_role, a.response_id,
           a.question_id, a.score, q.construct, q.scale_kind, q.logbook_day
    FROM hist_survey_answer a
    JOIN hist_survey_question q
      USING (kommun_code, period_date, survey_id, respondent_role, question_id)
    JOIN int_survey_respondent r
      USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    WHERE a.score IS NOT NULL AND q.scale_kind <> 'text'
),
logged_per_category AS (
    SELECT kommun_code, period_date, survey_id, respondent_role, response_id, construct,
           sum(score) AS hours
    FROM answer
    WHERE logbook_day IS NOT NULL
    GROUP BY kommun_code, period_date, survey_id, respondent_role, response_id, construct
),
logged AS (
    SELECT *, sum(hours) OVER (PARTITION BY kommun_code, period_date, survey_id,
                                            respondent_role, response_id) AS total_hours
    FROM logged_per_category
)
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'item' AS measure_type, question_id AS measure_ref, score AS value
FROM answer
WHERE scale_kind = 'ordinal'
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'construct', construct, avg(score)
FROM answer
WHERE scale_kind = 'ordinal'
GROUP BY kommun_code, period_date, survey_id, respondent_role, response_id, construct
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'time', construct, 100.0 * hours / total_hours
FROM logged
WHERE total_hours > 0
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'time', construct, avg(score)
FROM answer
WHERE scale_kind = 'number' AND logbook_day IS NULL
GROUP BY kommun_code, period_date, survey_id, respondent_role, response_id, construct;
