-- Demo loader: three-nos assessments. $1 = rows.
WITH ins AS (
  INSERT INTO three_nos_assessments (county_code, village_code, year, no_case, no_accident, no_petition, vetoed,
                                     veto_reason, status, assessed_on)
  SELECT r.county_code, r.village_code, r.year, r.no_case, r.no_accident, r.no_petition, r.vetoed, r.veto_reason,
         r.status, r.assessed_on
  FROM jsonb_to_recordset($1::jsonb) AS r(
    county_code text, village_code text, year smallint, no_case boolean[], no_accident boolean[],
    no_petition boolean[], vetoed boolean, veto_reason text, status text, assessed_on date)
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
