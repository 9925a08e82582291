-- Styrkor och utmaningar: every reference-point metric per förvaltning and period, with the
-- kommun's value and the median of the kommun's förvaltningar beside it. A figure is a challenge
-- (utmaning) or strength (styrka) when it crosses a reference point (research or practice, from
-- warehouse/reference_points.yaml, loaded as reference_point at build), otherwise when it differs
-- from the förvaltningar's median by at least median_diff in the worse or better direction.
WITH scope AS (
    SELECT kommun_code, period_date, scope_type, scope_id,
           mean_span_first_line,
           max_span_first_line::DOUBLE AS max_span_first_line,
           share_first_line_above_threshold_pct,
           chefstathet,
           sick_leave_pct,
           long_term_sick_leave_share_pct,
           admin_support_fte_per_manager,
           round(100.0 * managers_without_hr_partner / nullif(managers, 0), 1)
               AS managers_without_hr_partner_pct,
           round(100.0 * managers_without_controller / nullif(managers, 0), 1)
               AS managers_without_controller_pct,
           share_hourly_pct,
           share_visstid_pct,
           workplaces_per_manager,
           manager_turnover_pct,
           mean_tenure_months
    FROM mart_span_rollup
    WHERE scope_type IN ('kommun', 'forvaltning')
),
-- The managers' survey indices (0-100, higher = better) from the latest survey on or before the
-- period, as metrics named enkat_<survey>_<construct>; hidden groups stay hidden.
survey AS (
    SELECT r.kommun_code, r.period_date, i.scope_type, i.scope_id,
           'enkat_' || i.survey_id || '_' || i.construct AS metric, i.index_0_100 AS value,
           i.is_suppressed
    FROM (SELECT DISTINCT kommun_code, period_date FROM mart_span_rollup) r
    JOIN mart_survey_index i
      ON i.kommun_code = r.kommun_code
     AND i.period_date = (SELECT max(p.period_date) FROM mart_survey_index p
                          WHERE p.kommun_code = r.kommun_code AND p.period_date <= r.period_date)
    WHERE i.respondent_role = 'manager' AND i.scope_type IN ('kommun', 'forvaltning')
),
long AS (
    SELECT * FROM (
        UNPIVOT scope ON COLUMNS(* EXCLUDE (kommun_code, period_date, scope_type, scope_id))
        INTO NAME metric VALUE value
    )
    UNION ALL
    SELECT kommun_code, period_date, scope_type, scope_id, metric, value FROM survey
),
-- Every förvaltning × metric, also where the figure is missing (no first-line managers, hidden).
grid AS (
    SELECT r.kommun_code, r.kommun_name, r.period_date, r.scope_id AS forvaltning_id,
           r.scope_name AS forvaltning_name, p.*
    FROM mart_span_rollup r
    CROSS JOIN reference_point p
    WHERE r.scope_type = 'forvaltning'
),
median AS (
    SELECT kommun_code, period_date, metric, median(value) AS kommun_median
    FROM long
    WHERE scope_type = 'forvaltning'
    GROUP BY ALL
),
sick_hidden AS (
    SELECT kommun_code, period_date, scope_id AS forvaltning_id, NOT is_shown AS is_hidden
    FROM mart_sick_leave
    WHERE scope_type = 'forvaltning' AND breakdown = 'alla'
),
judged AS (
    SELECT g.*, f.value, k.value AS kommun_value, m.kommun_median,
           f.value - m.kommun_median AS diff,
           CASE g.worse WHEN 'higher' THEN f.value > g.challenge_above
                        ELSE f.value < g.challenge_below END AS is_research_challenge,
           CASE g.worse WHEN 'higher' THEN f.value <= g.strength_at_most
                        ELSE f.value >= g.strength_at_least END AS is_research_strength,
           (coalesce(sh.is_hidden, false)
               AND g.metric IN ('sick_leave_pct', 'long_term_sick_leave_share_pct'))
           OR coalesce(sv.is_suppressed, false) AS is_suppressed
    FROM grid g
    LEFT JOIN long f
      ON f.kommun_code = g.kommun_code AND f.period_date = g.period_date
     AND f.scope_type = 'forvaltning' AND f.scope_id = g.forvaltning_id AND f.metric = g.metric
    LEFT JOIN long k
      ON k.kommun_code = g.kommun_code AND k.period_date = g.period_date
     AND k.scope_type = 'kommun' AND k.metric = g.metric
    LEFT JOIN median m
      ON m.kommun_code = g.kommun_code AND m.period_date = g.period_date AND m.metric = g.metric
    LEFT JOIN sick_hidden sh
      ON sh.kommun_code = g.kommun_code AND sh.period_date = g.period_date
     AND sh.forvaltning_id = g.forvaltning_id
    LEFT JOIN survey sv
      ON sv.kommun_code = g.kommun_code AND sv.period_date = g.period_date
     AND sv.scope_type = 'forvaltning' AND sv.scope_id = g.forvaltning_id AND sv.metric = g.metric
),
flagged AS (
    SELECT *,
           -- positive when the förvaltning is worse off than the median
           CASE worse WHEN 'higher' THEN diff ELSE -diff END AS worse_by,
           CASE
               WHEN is_research_challenge THEN 'utmaning'
               WHEN is_research_strength THEN 'styrka'
               WHEN (CASE worse WHEN 'higher' THEN diff ELSE -diff END) >= median_diff
                   THEN 'utmaning'
               WHEN (CASE worse WHEN 'higher' THEN -diff ELSE diff END) >= median_diff
                   THEN 'styrka'
           END AS assessment,
           CASE
               WHEN is_research_challenge OR is_research_strength THEN 'referenspunkt'
               WHEN abs(diff) >= median_diff THEN 'kommunens median'
           END AS basis
    FROM judged
)
SELECT kommun_code, kommun_name, period_date, forvaltning_id, forvaltning_name,
       position AS metric_position, metric, label AS metric_label, unit, decimals, worse,
       value, is_suppressed, kommun_value, kommun_median, median_diff,
       CASE WHEN is_research_challenge THEN coalesce(challenge_above, challenge_below)
            WHEN is_research_strength THEN coalesce(strength_at_most, strength_at_least)
       END AS reference_value,
       assessment, basis,
       CASE
           WHEN is_research_challenge THEN challenge_reason
           WHEN is_research_strength THEN strength_reason
           WHEN assessment IS NOT NULL THEN
               'Markant ' || CASE WHEN diff > 0 THEN 'högre' ELSE 'lägre' END
               || ' än medianen för kommunens förvaltningar, vilket talar för '
               || CASE assessment WHEN 'utmaning' THEN 'sämre' ELSE 'bättre' END
               || ' förutsättningar för cheferna.'
       END AS reason
FROM flagged
