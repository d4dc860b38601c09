"""One victim's log in an area, now with the columns detection's per-area passes read
(thresholds.detection): its grouped candidate query and the second-report counts of
earlier reports become index-only scans in victim order instead of reading heap pages
across the whole table. The same columns lead, so it replaces the index it extends."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_person_name_postcode_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="incident",
            name="cases_incid_area_id_003570_idx",
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                fields=["area", "complainant_key", "incident_date"],
                include=("kind", "reported_date", "same_incident_as", "hate_motivated", "id"),
                name="cases_incident_victim_log",
            ),
        ),
    ]
