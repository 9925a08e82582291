-- SKR's mandatory sick-leave figures per scope and period: total sick leave as a share of
-- contracted hours, the share of it in spells of 60+ days, for all staff, by sex and by age
-- band. Health data: small groups are hidden, and so are groups they could be derived from.
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
-- Which groups are shown: warehouse/disclosure/sick_leave.py protects every scope x breakdown and
-- every manager's figure as one linked table per kommun and period (primary below k, then
-- secondary cells until the attacker's audit finds no small group derivable).
shown AS (
    SELECT t.*, p.is_shown
    FROM totals t
    JOIN int_sick_leave_protection p
      ON p.kommun_code = t.kommun_code AND p.period_date = t.period_date
     AND p.cell_kind = 'scope' AND p.scope_type = t.scope_type AND p.scope_id = t.scope_id
     AND p.breakdown = t.breakdown AND p.breakdown_group = t.grp
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
