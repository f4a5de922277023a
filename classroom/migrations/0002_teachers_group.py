from django.db import migrations


def add_teachers_group(apps, schema_editor):
    # Members of this group may open rooms without being staff.
    apps.get_model("auth", "Group").objects.get_or_create(name="teachers")


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(add_teachers_group, migrations.RunPython.noop)]
