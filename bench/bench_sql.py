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


def statutory_floor(*, area_ids, period):
    """The four statutory figures for one period in ONE query with ``COUNT(*) FILTER``:
    applications received (by date received), threshold-not-met decisions and reviews
    (transitions into those states, by local day), and reviews that recommended (a panel
    review whose listing's plan holds a non-interim action, or a review from the case
    page followed by monitoring). Returns the four counts in that order.

    Written by hand, apart from the product's code, so that it is an honest floor:
    ``tests/reporting/test_statutory_floor.py`` checks it gives the product's figures.
    """
    from django.db import connection

    ops = connection.ops
    if connection.vendor == "postgresql":
        listing = "(t.detail ->> 'listing_id')::bigint"
    else:
        listing = "CAST(json_extract(t.detail, '$.listing_id') AS INTEGER)"
    marks = ", ".join(["%s"] * len(area_ids))
    sql = f"""
SELECT
  (SELECT count(*) FROM cases_case a
    WHERE a.area_id IN ({marks}) AND a.received_on >= %s AND a.received_on <= %s),
  count(*) FILTER (WHERE t.to_state = 'threshold_not_met'),
  count(*) FILTER (WHERE t.to_state = 'reviewed'),
  count(*) FILTER (WHERE t.to_state = 'reviewed' AND CASE
    WHEN {listing} IS NOT NULL THEN EXISTS (
      SELECT 1 FROM panels_action p WHERE p.listing_id = {listing} AND NOT p.interim)
    ELSE EXISTS (
      SELECT 1 FROM cases_timelineevent m
      WHERE m.case_id = t.case_id AND m.kind = 'transition' AND m.to_state = 'monitoring'
        AND m.at >= t.at)
  END)
FROM cases_timelineevent t JOIN cases_case c ON c.id = t.case_id
WHERE t.kind = 'transition' AND t.to_state IN ('threshold_not_met', 'reviewed')
  AND t.at >= %s AND t.at < %s AND c.area_id IN ({marks})
"""
    params = [
        *area_ids,
        ops.adapt_datefield_value(period.start),
        ops.adapt_datefield_value(period.end),
        ops.adapt_datetimefield_value(period.start_at),
        ops.adapt_datetimefield_value(period.end_before),
        *area_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())
