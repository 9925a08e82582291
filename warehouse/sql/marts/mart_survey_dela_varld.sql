-- Dela värld: the same items and constructs seen by managers and by top management, kommun-wide,
-- as 0-100, with the gap. Each side carries its own suppression; the gap needs both sides.
WITH side AS (
    SELECT f.kommun_code, f.period_date, f.survey_id, f.respondent_role, f.measure_type,
           f.measure_ref, f.n, f.mean_value, x.is_suppressed
    FROM int_survey_released_figure f
    JOIN int_survey_suppression x
      USING (kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id)
    WHERE f.cell_id = 'kommun:' || f.kommun_code AND f.measure_type IN ('item', 'construct')
),
measure AS (
    SELECT kommun_code, period_date, survey_id, any_value(questionnaire_title) AS survey_title,
           'item' AS measure_type, question_id AS measure_ref, any_value(question_text) AS measure_text,
           any_value(construct) AS construct, min(scale_min) AS scale_min, max(scale_max) AS scale_max
    FROM hist_survey_question WHERE scale_kind = 'ordinal' GROUP BY ALL
    UNION ALL
    SELECT kommun_code, period_date, survey_id, any_value(questionnaire_title),
           'construct', construct, construct, construct, min(scale_min), max(scale_max)
    FROM hist_survey_question WHERE scale_kind = 'ordinal' GROUP BY ALL
),
paired AS (
    SELECT m.*, mg.n AS m_n, mg.mean_value AS m_mean, mg.is_suppressed AS m_hidden,
           tm.n AS t_n, tm.mean_value AS t_mean, tm.is_suppressed AS t_hidden
    FROM measure m
    JOIN side mg
      ON mg.kommun_code = m.kommun_code AND mg.period_date = m.period_date
     AND mg.survey_id = m.survey_id AND mg.measure_type = m.measure_type
     AND mg.measure_ref = m.measure_ref AND mg.respondent_role = 'manager'
    JOIN side tm
      ON tm.kommun_code = m.kommun_code AND tm.period_date = m.period_date
     AND tm.survey_id = m.survey_id AND tm.measure_type = m.measure_type
     AND tm.measure_ref = m.measure_ref AND tm.respondent_role = 'top_management'
),
indexed AS (
    SELECT *,
           CASE WHEN NOT m_hidden
                THEN round(100.0 * (m_mean - scale_min) / (scale_max - scale_min), 1) END AS m_index,
           CASE WHEN NOT t_hidden
                THEN round(100.0 * (t_mean - scale_min) / (scale_max - scale_min), 1) END AS t_index
    FROM paired
)
SELECT i.kommun_code, k.kommun_name, i.period_date, i.survey_id, i.survey_title, i.measure_type,
       i.measure_ref AS measure_id, i.measure_text, i.construct,
       CASE WHEN m_hidden THEN NULL ELSE m_n END AS managers_respondents,
       m_index AS managers_index_0_100, m_hidden AS managers_suppressed,
       CASE WHEN t_hidden THEN NULL ELSE t_n END AS top_management_respondents,
       t_index AS top_management_index_0_100, t_hidden AS top_management_suppressed,
       round(t_index - m_index, 1) AS gap_0_100, k.anonymity_k
FROM indexed i
JOIN kommun k USING (kommun_code)
