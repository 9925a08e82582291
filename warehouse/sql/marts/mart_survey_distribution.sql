-- Answer distributions per ordinal item and group: every scored option of the item's scale, with
-- the respondents who chose it, for the cells whose item is shown. Same respondents and
-- suppression as the item's mean (measure item:<question>, mart_survey_item, which has a row
-- for every cell and marks the hidden ones); Vet ej / Ej aktuellt are missing answers, not
-- options here. The answer counts per option are linked tables over the same atoms as the
-- item's n, so the audit that protects n protects them (warehouse/disclosure, docs/disclosure.md).
-- A hidden cell has no rows: its options would be rows of NULLs (96 % of the rows nationally).
-- Cells with their scope first (one row per cell), then the options: joined the other way
-- DuckDB built its hash table from the options' wide rows (1.1 GiB at small100).
WITH cell AS MATERIALIZED (
    SELECT kommun_code, period_date, survey_id, respondent_role, cell_id, measure_ref,
           scope_type, scope_id, scope_name, forvaltning_id, forvaltning_name, is_suppressed, n
    FROM int_survey_published_cell
    WHERE measure_type = 'item' AND NOT is_suppressed
),
-- Answers counted only in the shown cells.
chosen AS (
    SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, m.cell_id,
           a.question_id, a.answer_label, count(*) AS answers
    FROM int_survey_released_member m
    JOIN hist_survey_answer a
      USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    SEMI JOIN cell s
      ON s.kommun_code = m.kommun_code AND s.period_date = m.period_date
     AND s.survey_id = m.survey_id AND s.respondent_role = m.respondent_role
     AND s.cell_id = m.cell_id AND s.measure_ref = a.question_id
    WHERE a.score IS NOT NULL
    GROUP BY ALL
),
item AS (
    SELECT q.kommun_code, q.period_date, q.survey_id, q.respondent_role, q.question_id,
           q.question_text, q.construct, q.questionnaire_title, o.answer_label, o.answer_score,
           o.position AS option_position
    FROM hist_survey_question q
    JOIN hist_survey_option o
      USING (kommun_code, period_date, survey_id, respondent_role, scale_id)
    WHERE q.scale_kind = 'ordinal' AND o.answer_score IS NOT NULL
)
SELECT c.kommun_code, k.kommun_name, c.period_date, c.survey_id,
       i.questionnaire_title AS survey_title, c.respondent_role,
       c.scope_type, c.scope_id, c.scope_name, c.forvaltning_id, c.forvaltning_name,
       i.question_id, i.question_text, i.construct, i.answer_label, i.answer_score,
       i.option_position,
       c.n AS respondents, coalesce(a.answers, 0) AS answers,
       round(100.0 * coalesce(a.answers, 0) / c.n, 1) AS answers_pct,
       c.is_suppressed, k.anonymity_k
FROM cell c
JOIN item i
  ON i.kommun_code = c.kommun_code AND i.period_date = c.period_date
 AND i.survey_id = c.survey_id AND i.respondent_role = c.respondent_role
 AND i.question_id = c.measure_ref
LEFT JOIN chosen a
  ON a.kommun_code = c.kommun_code AND a.period_date = c.period_date
 AND a.survey_id = c.survey_id AND a.respondent_role = c.respondent_role
 AND a.cell_id = c.cell_id AND a.question_id = i.question_id AND a.answer_label = i.answer_label
JOIN kommun k ON k.kommun_code = c.kommun_code
