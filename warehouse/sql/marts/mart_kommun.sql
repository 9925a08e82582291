-- Municipalities in this file and their settings.
SELECT kommun_code, kommun_name, span_threshold, anonymity_k, support_aid_prefixes
FROM kommun
WHERE kommun_code IN (SELECT DISTINCT kommun_code FROM hist_org_unit)
