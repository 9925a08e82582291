-- SKR's mandatory sick-leave figures per scope and period: total sick leave as a share of
-- contracted hours, the share of it in spells of 60+ days, for all staff, by sex and by age
-- band. Groups with fewer than anonymity_k persons are suppressed (health data).
WITH grouped AS (
    SELECT kommun_code, period_date, scope_type, scope_id, 'alla' AS breakdown, 'alla' AS grp,
           person_id, contracted_hours, sick_leave_hours, long_term_sick_leave_hours
    FROM int_scope_hours
    UNION ALL
    SELECT kommun_code, period_date, scope_type, scope_id, 'kön', sex,
           person_id, contracted_hours, sick_leave_hours, long_term_sick_leave_hours
    FROM int_scope_hours WHERE sex IS NOT NULL
    UNION ALL
    SELECT kommun_code, period_date, scope_type, scope_id, 'ålder', age_band,
           person_id, contracted_hours, sick_leave_hours, long_term_sick_leave_hours
    FROM int_scope_hours WHERE age_band IS NOT NULL
),
totals AS (
    SELECT kommun_code, period_date, scope_type, scope_id, breakdown, grp, count(*) AS persons,
           sum(contracted_hours) AS contracted, sum(sick_leave_hours) AS sick,
           sum(long_term_sick_leave_hours) AS long_term
    FROM grouped
    GROUP BY ALL
),
-- Primary suppression below k; complementary suppression of the next-smallest group when a
-- breakdown would otherwise hide exactly one group (it could be derived from 'alla').
ranked AS (
    SELECT t.*, k.anonymity_k,
           count(*) FILTER (WHERE t.persons < k.anonymity_k)
               OVER (PARTITION BY t.kommun_code, t.period_date, t.scope_type, t.scope_id,
                                  t.breakdown) AS hidden_in_breakdown,
           row_number() OVER (PARTITION BY t.kommun_code, t.period_date, t.scope_type,
                                           t.scope_id, t.breakdown
                              ORDER BY (t.persons < k.anonymity_k) DESC, t.persons, t.grp)
               AS rank_smallest
    FROM totals t
    JOIN kommun k USING (kommun_code)
),
shown AS (
    SELECT *, persons >= anonymity_k
              AND NOT (breakdown <> 'alla' AND hidden_in_breakdown = 1 AND rank_smallest = 2)
              AS is_shown
    FROM ranked
)
SELECT t.kommun_code, t.period_date, t.scope_type, t.scope_id, r.scope_name,
       t.breakdown, t.grp AS breakdown_group, t.is_shown,
       CASE WHEN t.is_shown THEN t.persons END AS persons,
       CASE WHEN t.is_shown THEN round(100.0 * t.sick / nullif(t.contracted, 0), 1) END
           AS sick_leave_pct,
       CASE WHEN t.is_shown THEN round(100.0 * t.long_term / nullif(t.sick, 0), 1) END
           AS long_term_sick_leave_share_pct
FROM shown t
JOIN mart_span_rollup r USING (kommun_code, period_date, scope_type, scope_id)
