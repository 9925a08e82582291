-- Complete responses per survey and group. The count itself is a published figure, so it is
-- hidden with the rest when the group is suppressed (int_survey_suppression, measure 'respondents');
-- a group held back on republication shows its count as at an earlier publication.
WITH title AS (
    SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, questionnaire_title
    FROM hist_survey_question
)
SELECT c.kommun_code, k.kommun_name, c.period_date, c.survey_id,
       t.questionnaire_title AS survey_title, c.respondent_role,
       s.scope_type, s.scope_id, s.scope_name, s.forvaltning_id, s.forvaltning_name,
       CASE WHEN x.is_suppressed THEN NULL ELSE c.n END AS respondents,
       x.is_suppressed, coalesce(x.suppression = 'republication', false) AS is_held_back,
       c.k AS anonymity_k
FROM int_survey_released_cell c
JOIN int_survey_suppression x
  USING (kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id)
JOIN int_survey_scope s USING (kommun_code, period_date, survey_id, respondent_role, cell_id)
JOIN kommun k USING (kommun_code)
JOIN title t USING (kommun_code, period_date, survey_id, respondent_role)
WHERE c.measure_id = 'respondents'
