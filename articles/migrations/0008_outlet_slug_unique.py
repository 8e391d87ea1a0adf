from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_fill_outlet_and_reporter_slugs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outlet",
            name="slug",
            field=models.SlugField(
                allow_unicode=True,
                blank=True,
                help_text="The outlet page's address; made from the name if empty.",
                max_length=120,
                unique=True,
                verbose_name="slug",
            ),
        ),
    ]
