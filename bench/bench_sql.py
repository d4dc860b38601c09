"""SQL floors shared by the benchmarks."""

DETECTION_FLOOR_SQL = """
SELECT area_id, complainant_key FROM (
    SELECT i.area_id, i.complainant_key,
           count(*) OVER (PARTITION BY i.area_id, i.complainant_key) AS n
    FROM cases_incident i
    WHERE i.incident_date BETWEEN %s AND %s AND i.complainant_key <> ''
      AND i.kind <> 'diary_sheet'
) counted
WHERE n >= 3
  AND NOT EXISTS (
    SELECT 1 FROM cases_incident o JOIN cases_case c ON c.id = o.case_id
    WHERE o.area_id = counted.area_id AND o.complainant_key = counted.complainant_key
      AND c.state NOT IN ('closed', 'withdrawn', 'threshold_not_met', 'referred_back')
  )
GROUP BY area_id, complainant_key
"""
"""One SQL pass with a window function: complainants with three or more countable
reports in the widest window, and no open case (the least a set-based detection reads)."""
