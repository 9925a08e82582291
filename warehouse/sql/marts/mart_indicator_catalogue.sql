-- Every figure an action plan can track, generated from the mart declarations
-- (schemas/indicators.py); the build provides it as the relation indicator_catalogue.
SELECT indicator_id, label, unit, better, description, source_mart
FROM indicator_catalogue
