from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_url_scheme_any_case"),
    ]

    operations = [
        # Unique only once 0007 has given every existing outlet its own slug.
        migrations.AddField(
            model_name="outlet",
            name="slug",
            field=models.SlugField(
                allow_unicode=True,
                blank=True,
                default="",
                help_text="The outlet page's address; made from the name if empty.",
                max_length=120,
                verbose_name="slug",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="story",
            name="reporter_slug",
            field=models.SlugField(
                allow_unicode=True,
                blank=True,
                editable=False,
                help_text="The reporter page's address, made from the byline on every save.",
                max_length=120,
                verbose_name="reporter slug",
            ),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["reporter_slug", "-published_at"], name="story_reporter_idx"),
        ),
    ]
