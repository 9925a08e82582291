-- Sjukfrånvaro per åldersgrupp
-- SKR sick leave by age band for the kommun and each förvaltning, at each kommun's latest
-- period; a hidden group (fewer than k persons, or hidden to protect one) has empty figures.
SELECT kommun_code, period_date,
       scope_type,
       scope_name,
       breakdown_group AS age_band,
       persons,
       sick_leave_pct,
       long_term_sick_leave_share_pct,
       NOT is_shown AS dolt
FROM mart_sick_leave
WHERE breakdown = 'ålder' AND scope_type IN ('kommun', 'forvaltning')
QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
ORDER BY kommun_code, scope_type = 'forvaltning', scope_name, age_band
