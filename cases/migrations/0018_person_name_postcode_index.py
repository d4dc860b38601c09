from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_timeline_reached_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                Upper("name"),
                Upper("postcode"),
                condition=~models.Q(postcode=""),
                include=("id", "name", "postcode"),
                name="cases_person_name_postcode",
            ),
        ),
    ]
