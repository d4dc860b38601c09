from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_case_list_newest_first_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="timelineevent",
            index=models.Index(
                condition=models.Q(("kind", "transition")),
                fields=["to_state", "case"],
                name="cases_timeline_reached",
            ),
        ),
    ]
